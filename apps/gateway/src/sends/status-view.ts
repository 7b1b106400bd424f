import { aggregateStatus, countForStatus, type DeliveryCounts } from "@lisoloo/protocol";
import { readSendProgress, type SendProgress, type SendRow } from "../db/queries/sends";
import { isoSeconds } from "../iso-seconds";

/**
 * `data` of `GET /status/{message_id}` (CONTRACT §7): the protocol's aggregate rule and counters fed
 * from the send's progress, whether it was read from D1 or from the archive. Dispatches cancelled or
 * skipped before release have no delivery rows, so their recipients are counted as cancelled;
 * dispatches still to come count as pending. `updated_at` is the latest of: acceptance, a dispatch
 * release, a delivery's change, the merchant's pause, resume or cancel. Every timestamp of the item
 * is UTC, like the documented `created_at`.
 */
export function statusView(send: SendRow, progress: SendProgress) {
  const { scheduled, cancelled, skipped } = progress.dispatches;
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
  return {
    message_id: send.id,
    status: aggregateStatus(tally),
    ...countForStatus(tally),
    total_recipients: send.totalRecipients,
    segments: send.segments,
    sending_type: send.sendingType,
    next_dispatch_at: progress.nextDispatchAt === null ? null : isoSeconds(progress.nextDispatchAt),
    created_at: isoSeconds(send.createdAt),
    updated_at: isoSeconds(Math.max(send.createdAt, send.stateChangedAt ?? 0, progress.lastChangeAt ?? 0)),
  };
}

/** {@link statusView} of a send in D1, read now (after a cancel or resume wrote to it). */
export async function sendStatusView(db: D1Database, send: SendRow) {
  return statusView(send, await readSendProgress(db, send.id));
}
