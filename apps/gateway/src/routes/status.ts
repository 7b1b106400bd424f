import { Hono } from "hono";
import type { AppEnv } from "../env";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { ownSend } from "../sends/own-send";
import { recipientsPage } from "../sends/recipients-page";
import { sendStatusView } from "../sends/status-view";

/** `GET /status/{message_id}` and its per-recipient extension, scoped to the caller's merchant. */
export const statusRoutes = new Hono<AppEnv>()
  .get("/status/:messageId", appKeyAuth(), rateLimit("status"), async (c) => {
    const send = await ownSend(c);
    return c.json({ status_code: 200, success: true, data: await sendStatusView(c.var.shard.DB, send) });
  })
  .get("/status/:messageId/recipients", appKeyAuth(), rateLimit("status"), async (c) => {
    const send = await ownSend(c);
    const page = await recipientsPage(c.var.shard.DB, send, {
      cursor: c.req.query("cursor"),
      limit: c.req.query("limit"),
    });
    return c.json({ status_code: 200, success: true, data: page });
  });
