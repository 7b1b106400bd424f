import { fromMicros } from "@lisoloo/protocol";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { cancelSend, pauseSend, refuseArchived, resumeSend } from "../sends/control";
import { ownSend } from "../sends/own-send";
import { sendStatusView } from "../sends/status-view";

/**
 * Cancel, pause and resume (CONTRACT §6); they share the send rate-limit bucket. An archived send has
 * nothing left to act on: it gets the refusal the same finished send got in D1.
 */
export const controlRoutes = new Hono<AppEnv>()
  .delete("/cancel/:messageId", appKeyAuth(), rateLimit("send"), async (c) => {
    const { send, archived } = await ownSend(c);
    if (archived) throw refuseArchived("cancel", send);
    const result = await cancelSend(c.var.shard.DB, send, Date.now());
    const status = await sendStatusView(c.var.shard.DB, { ...send, state: "cancelled" });
    return c.json({
      status_code: 200,
      success: true,
      data: {
        message_id: send.id,
        status: status.status,
        cancelled_deliveries: result.cancelledDeliveries,
        refunded_amount: fromMicros(result.refundedMicros),
        currency: send.currency,
      },
    });
  })
  .post("/pause/:messageId", appKeyAuth(), rateLimit("send"), async (c) => {
    const { send, archived } = await ownSend(c);
    if (archived) throw refuseArchived("pause", send);
    const paused = await pauseSend(c.var.shard.DB, send, Date.now());
    return c.json({
      status_code: 200,
      success: true,
      data: { message_id: send.id, status: "paused" as const, paused_dispatches: paused },
    });
  })
  .post("/resume/:messageId", appKeyAuth(), rateLimit("send"), async (c) => {
    const { send, archived } = await ownSend(c);
    if (archived) throw refuseArchived("resume", send);
    const result = await resumeSend(c.var.shard.DB, send, Date.now());
    const status = await sendStatusView(c.var.shard.DB, { ...send, state: "active" });
    return c.json({
      status_code: 200,
      success: true,
      data: {
        message_id: send.id,
        status: status.status,
        skipped: result.skipped,
        refunded_amount: fromMicros(result.refundedMicros),
        currency: send.currency,
        next_dispatch_at: status.next_dispatch_at,
      },
    });
  });
