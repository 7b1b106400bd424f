import { aggregateStatus, countForStatus, type DeliveryCounts, formatLocalIso } from "@lisoloo/protocol";
import { Hono } from "hono";
import { createDb } from "../db/client";
import { findSend, readSendProgress } from "../db/queries/sends";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { isMessageId } from "../ids";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { recipientsPage } from "../sends/recipients-page";

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `GET /status/{message_id}` and its per-recipient extension, scoped to the caller's merchant. */
export const statusRoutes = new Hono<AppEnv>()
  .get("/status/:messageId", appKeyAuth(), rateLimit("status"), async (c) => {
    const id = c.req.param("messageId");
    const send = isMessageId(id) ? await findSend(createDb(c.env.DB), c.get("merchant").id, id) : undefined;
    if (!send) throw new ApiError("1201");
    const progress = await readSendProgress(c.env.DB, send.id);
    const { scheduled, cancelled, skipped } = progress.dispatches;
    // Dispatches cancelled or skipped before release have no delivery rows: their recipients count as cancelled.
    const deliveries: DeliveryCounts = {
      ...(progress.deliveries as DeliveryCounts),
      cancelled: (progress.deliveries.cancelled ?? 0) + (cancelled + skipped) * send.totalRecipients,
    };
    const tally = {
      deliveries,
      futureDeliveries: scheduled * send.totalRecipients,
      cancelled: send.state === "cancelled",
      paused: send.state === "paused",
    };
    return c.json({
      status_code: 200,
      success: true,
      data: {
        message_id: send.id,
        status: aggregateStatus(tally),
        ...countForStatus(tally),
        total_recipients: send.totalRecipients,
        segments: send.segments,
        sending_type: send.sendingType,
        next_dispatch_at:
          progress.nextDispatchAt === null ? null : formatLocalIso(progress.nextDispatchAt, send.timeZone),
        created_at: isoSeconds(send.createdAt),
      },
    });
  })
  .get("/status/:messageId/recipients", appKeyAuth(), rateLimit("status"), async (c) => {
    const id = c.req.param("messageId");
    const send = isMessageId(id) ? await findSend(createDb(c.env.DB), c.get("merchant").id, id) : undefined;
    if (!send) throw new ApiError("1201");
    const page = await recipientsPage(c.env.DB, send, {
      cursor: c.req.query("cursor"),
      limit: c.req.query("limit"),
    });
    return c.json({ status_code: 200, success: true, data: page });
  });
