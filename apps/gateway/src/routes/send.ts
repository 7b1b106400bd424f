import { parseSendRequest } from "@lisoloo/protocol";
import type { Context } from "hono";
import { Hono } from "hono";
import { configOf } from "../config/config";
import { createDb } from "../db/client";
import { findSendByIdempotencyKey } from "../db/queries/sends";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { newMessageId } from "../ids";
import { appKeyAuth } from "../middleware/auth";
import { bodyLimit } from "../middleware/body-limit";
import { rateLimit } from "../middleware/rate-limit";
import { checkWebhookUrl } from "../network/ssrf-guard";
import { type AcceptedSend, acceptSend, IdempotentDuplicate } from "../sends/accept";
import { handOff } from "../sends/hand-off";
import { quoteSend } from "../sends/quote";
import { quoteView, sendAcceptedView, sendRowView } from "../sends/views";

/** Validates and prices a `/send`-shaped body for the calling merchant; shared by `/send` and `/preview`. */
async function quoteRequest(c: Context<AppEnv>, now: Date) {
  const allowHttpLocalhost = configOf(c.env).allowHttpLocalhostWebhooks;
  const parsed = parseSendRequest(await readJsonObject(c), {
    checkCallbackUrl: (url) => checkWebhookUrl(url, { allowHttpLocalhost }),
  });
  if (!parsed.success) {
    throw new ApiError(parsed.error.error_code, { details: parsed.error.details });
  }
  return quoteSend(parsed.data, c.get("merchant"), configOf(c.env).environment, now);
}

/** `POST /send` (CONTRACT §4) and `POST /preview` (same body, nothing stored or debited). */
export const sendRoutes = new Hono<AppEnv>()
  .post("/send", appKeyAuth(), bodyLimit(), rateLimit("send", { idempotency: true }), async (c) => {
    const now = new Date();
    const quote = await quoteRequest(c, now);
    const merchant = c.get("merchant");
    const messageId = newMessageId(now);
    const auth = c.get("auth");
    let accepted: AcceptedSend;
    try {
      accepted = await acceptSend(c.var.shard.DB, {
        messageId,
        auth,
        merchant,
        quote,
        idempotencyKey: c.req.header("idempotency-key") ?? null,
        now: now.getTime(),
      });
    } catch (error) {
      if (!(error instanceof IdempotentDuplicate)) throw error;
      const first = await findSendByIdempotencyKey(
        createDb(c.var.shard.DB),
        auth.keyId,
        error.idempotencyKey,
      );
      if (!first) throw new ApiError("1303");
      c.header("Idempotent-Replayed", "true");
      return c.json({ status_code: 201, success: true, data: sendRowView(first) }, 201);
    }
    // After the commit: the pipeline and the sms.queued event. Either failing is caught by a cron sweep.
    c.executionCtx.waitUntil(handOff(c.var.shard, accepted));
    return c.json(
      { status_code: 201, success: true, data: sendAcceptedView(messageId, quote, merchant.currency) },
      201,
    );
  })
  .post("/preview", appKeyAuth(), bodyLimit(), rateLimit("preview"), async (c) => {
    const quote = await quoteRequest(c, new Date());
    return c.json({ status_code: 200, success: true, data: quoteView(quote, c.get("merchant").currency) });
  });
