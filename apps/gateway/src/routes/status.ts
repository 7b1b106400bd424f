import { Hono } from "hono";
import type { AppEnv } from "../env";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { ownSend } from "../sends/own-send";
import { parseRecipientsQuery, recipientsPageView } from "../sends/recipients-page";
import { statusView } from "../sends/status-view";

/**
 * `GET /status/{message_id}` and its per-recipient extension, scoped to the caller's merchant. A send
 * in the archive answers exactly as it did from D1: the same pure views render the rows of either.
 */
export const statusRoutes = new Hono<AppEnv>()
  .get("/status/:messageId", appKeyAuth(), rateLimit("status"), async (c) => {
    const own = await ownSend(c);
    return c.json({ status_code: 200, success: true, data: statusView(own.send, await own.progress()) });
  })
  .get("/status/:messageId/recipients", appKeyAuth(), rateLimit("status"), async (c) => {
    const own = await ownSend(c);
    const { after, limit } = parseRecipientsQuery(own.send.id, {
      cursor: c.req.query("cursor"),
      limit: c.req.query("limit"),
    });
    const page = recipientsPageView(own.send, await own.recipientRows(after, limit + 1), limit);
    return c.json({ status_code: 200, success: true, data: page });
  });
