import { Hono } from "hono";
import { configOf } from "../../config/config";
import { openSecret } from "../../crypto/secret-box";
import type { AppEnv } from "../../env";
import { log } from "../../observability/logger";
import { enqueue } from "../../pipeline/enqueue";
import { isShardOf } from "../../shards/shard-env";
import { configuredCarrier } from "../registry";
import type { CarrierReceipt } from "../types";
import { basicCredentialsValid } from "./basic-auth";
import { type ReportType, relayReport, reportTypes } from "./reports";
import { receiptSignatureValid } from "./signature";

const POSITIVE = /^[1-9]\d{0,15}$/;
const PART = /^(0|[1-9]\d{0,2})$/;

/** When the report says it happened (`%T`, Unix seconds), else now. */
function reportTime(at: string | undefined, now: number): string {
  const seconds = at !== undefined && /^\d{9,11}$/.test(at) ? Number(at) : null;
  return new Date(seconds === null ? now : seconds * 1000).toISOString();
}

/**
 * `GET|POST /carriers/{slug}/receipts`: where a Kannel relay sends each delivery report, at the
 * dlr-url the connector gave it (`?s=<shard>&d=<delivery>&p=<part>&sig=<hmac>&type=%d&reply=%A&at=%T`).
 * Outside the merchant API: the relay has no app key; the HMAC over (slug, shard, delivery, part) is what
 * authenticates it, so a report can neither be forged nor moved to another delivery. A good report
 * is queued into the receipt path like any connector's receipts and answered 200 at once; applying
 * it twice changes nothing (the lifecycle records a duplicate without applying it). A malformed
 * report is 400, a bad signature 403; neither changes anything, and both are logged.
 *
 * With `receipt_basic_auth` (an Extension), the carrier's own relay user name and password must come
 * too, as `Authorization: Basic …` (Kannel sends the dlr-url's userinfo so): missing or wrong is 401
 * with `WWW-Authenticate`, changing nothing. It is checked after the signature, never instead of it.
 */
export const relayReceiptRoutes = new Hono<AppEnv>();

relayReceiptRoutes.on(["GET", "POST"], "/carriers/:slug/receipts", async (c) => {
  const slug = c.req.param("slug");
  const q = c.req.query();
  const refuse = (status: 400 | 401 | 403, reason: string) => {
    log.warn("relay.receipt_refused", {
      request_id: c.get("requestId"),
      carrier: slug,
      status,
      reason,
      delivery: q.d ?? null,
      part: q.p ?? null,
      type: q.type ?? null,
    });
    if (status === 401) c.header("WWW-Authenticate", 'Basic realm="relay receipts", charset="UTF-8"');
    return c.text(reason, status);
  };
  const type = Number(q.type);
  if (!q.s || !isShardOf(c.env, q.s)) return refuse(400, "s must name a shard of this deployment");
  if (!q.d || !POSITIVE.test(q.d)) return refuse(400, "d must be a delivery id");
  if (!q.p || !PART.test(q.p)) return refuse(400, "p must be a part number (0: the whole message)");
  if (!q.sig) return refuse(400, "sig is missing");
  if (!reportTypes.includes(type as ReportType)) return refuse(400, "type must be 1, 2, 4, 8 or 16");
  const deliveryId = Number(q.d);
  const part = Number(q.p);
  const { credentialKeys } = configOf(c.env);
  if (!(await receiptSignatureValid(credentialKeys, slug, q.s, deliveryId, part, q.sig)))
    return refuse(403, "Signature does not match");
  const carrier = await configuredCarrier(c.env, slug);
  if (carrier?.kind !== "http_relay") return refuse(403, "No HTTP relay carrier of that slug");
  if (carrier.settings.receipt_basic_auth) {
    const expected =
      carrier.passwordEnc === null
        ? null
        : {
            username: carrier.settings.username,
            password: await openSecret(credentialKeys, carrier.passwordEnc),
          };
    if (!(await basicCredentialsValid(c.req.header("authorization"), expected)))
      return refuse(401, "Basic credentials missing or wrong");
  }

  // Part 0 is the whole message, the only part the connector signs (Kannel cuts the segments).
  const report = relayReport(type as ReportType, q.reply ?? "");
  if (report.receipt === null) return c.text("OK", 200);
  const receipt: CarrierReceipt = {
    deliveryId,
    ...report.receipt,
    at: reportTime(q.at, Date.now()),
  };
  await enqueue(c.env, [{ type: "receipts", carrier: slug, receipts: [receipt], shard: q.s }]);
  return c.text("OK", 200);
});
