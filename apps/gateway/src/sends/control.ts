import { oneRefund, refundedTotal, refundStatement } from "../billing/refund";
import type { SendRow } from "../db/queries/sends";
import { ApiError } from "../errors/api-error";
import { newRevision } from "../pipeline/delivery-row";

// What cancel, pause and resume answer when they cannot act. A send in D1 that has nothing left to
// act on and the same send once archived (which it only is when nothing of it can move) get the very
// same refusal from these, so an archived send answers as it did before it left D1.

/** Cancel closed nothing: the send was cancelled already, or everything is with a carrier. */
function cancelRefusal(send: SendRow): ApiError {
  return new ApiError("1204", {
    message:
      send.state === "cancelled"
        ? "The message is already cancelled"
        : "Everything was already handed to a carrier",
  });
}

/** Pause held nothing: an immediate send, a paused one, or one without dispatches to come. */
function pauseRefusal(send: SendRow): ApiError {
  if (send.sendingType === "immediate")
    return new ApiError("1204", { message: "Only scheduled and recurring messages can be paused" });
  return new ApiError("1204", {
    message: send.state === "paused" ? "The message is already paused" : "Nothing left to pause",
  });
}

function resumeRefusal(): ApiError {
  return new ApiError("1204", { message: "The message is not paused" });
}

/**
 * The answer to cancel, pause or resume of an archived send: the refusal the same send gets from
 * D1 once finished (an archived send is never paused and has nothing left to cancel), with no write.
 */
export function refuseArchived(action: "cancel" | "pause" | "resume", send: SendRow): ApiError {
  if (action === "cancel") return cancelRefusal(send);
  if (action === "pause") return pauseRefusal(send);
  return resumeRefusal();
}

// `+status` on every read or write of one send's dispatches: through the status index
// (`dispatches_due_idx`, status then due time) SQLite would walk every scheduled dispatch of every
// merchant to find this send's few; the primary key (send, seq) finds them directly.

/** Price of one recipient in one dispatch of this send. */
function perDelivery(send: SendRow): number {
  return send.segments * send.unitPriceMicros;
}

/**
 * Cancels everything of a send not yet handed to a carrier — dispatches still to come and
 * deliveries still pending — and refunds exactly those, in ONE batch. The cancel's token marks what
 * it closed, so the refund is computed from the rows it changed, not from a stale read; a delivery
 * a consumer claims at the same instant is either claimed or cancelled, never both. Nothing left to
 * cancel → 409 `1204`.
 */
export async function cancelSend(
  db: D1Database,
  send: SendRow,
  now: number,
): Promise<{ cancelledDeliveries: number; refundedMicros: number }> {
  if (send.state === "cancelled") throw cancelRefusal(send);
  const token = `cancel:${newRevision()}`;
  const reference = `cancel:${send.id}`;
  const closed = {
    sql: `(? * (? * (SELECT count(*) FROM dispatches WHERE send_id = ? AND closed_by = ?)
                 + (SELECT count(*) FROM deliveries WHERE send_id = ? AND revision = ?)))`,
    binds: [perDelivery(send), send.totalRecipients, send.id, token, send.id, token],
  };
  const results = await db.batch([
    db
      .prepare(
        "UPDATE dispatches SET status = 'cancelled', closed_by = ? WHERE send_id = ? AND +status = 'scheduled'",
      )
      .bind(token, send.id),
    db
      .prepare(
        "UPDATE deliveries SET status = 'cancelled', revision = ?, updated_at = ? WHERE send_id = ? AND +status = 'pending'",
      )
      .bind(token, now, send.id),
    refundStatement(db, oneRefund(send.id, reference, closed), {
      now,
      note: "cancelled before carrier hand-off",
    }),
    db
      .prepare(
        `UPDATE sends SET state = 'cancelled', state_changed_at = ? WHERE id = ? AND state <> 'cancelled'
           AND (EXISTS (SELECT 1 FROM dispatches WHERE send_id = sends.id AND closed_by = ?)
             OR EXISTS (SELECT 1 FROM deliveries WHERE send_id = sends.id AND revision = ?))`,
      )
      .bind(now, send.id, token, token),
    refundedTotal(db, reference),
  ]);
  const dispatchesClosed = results[0]?.meta.changes ?? 0;
  const deliveriesClosed = results[1]?.meta.changes ?? 0;
  const cancelledDeliveries = dispatchesClosed * send.totalRecipients + deliveriesClosed;
  if (cancelledDeliveries === 0) throw cancelRefusal(send);
  const refunded =
    (results[results.length - 1]?.results?.[0] as { refunded: number } | undefined)?.refunded ?? 0;
  return { cancelledDeliveries, refundedMicros: refunded };
}

/** Holds the future dispatches of a scheduled or recurring send (409 `1204` in any other case). */
export async function pauseSend(db: D1Database, send: SendRow, now: number): Promise<number> {
  if (send.sendingType === "immediate") throw pauseRefusal(send);
  const [update, count] = await db.batch([
    db
      .prepare(
        `UPDATE sends SET state = 'paused', state_changed_at = ? WHERE id = ? AND state = 'active'
           AND EXISTS (SELECT 1 FROM dispatches WHERE send_id = sends.id AND +status = 'scheduled')`,
      )
      .bind(now, send.id),
    db
      .prepare("SELECT count(*) AS n FROM dispatches WHERE send_id = ? AND +status = 'scheduled'")
      .bind(send.id),
  ]);
  if ((update?.meta.changes ?? 0) === 0) throw pauseRefusal(send);
  return (count?.results?.[0] as { n: number } | undefined)?.n ?? 0;
}

/**
 * Releases a paused send: dispatches whose time passed while it was paused are skipped and refunded,
 * the rest go on (CONTRACT §6). One batch; 409 `1204` unless paused.
 */
export async function resumeSend(
  db: D1Database,
  send: SendRow,
  now: number,
): Promise<{ skipped: number; refundedMicros: number }> {
  if (send.state !== "paused") throw resumeRefusal();
  const token = `resume:${newRevision()}`;
  const reference = `resume:${send.id}:${token}`;
  const skippedAmount = {
    sql: "(? * ? * (SELECT count(*) FROM dispatches WHERE send_id = ? AND closed_by = ?))",
    binds: [perDelivery(send), send.totalRecipients, send.id, token],
  };
  const results = await db.batch([
    db
      .prepare(
        `UPDATE dispatches SET status = 'skipped', closed_by = ?
         WHERE send_id = ? AND +status = 'scheduled' AND due_at <= ?
           AND (SELECT state FROM sends WHERE id = ?) = 'paused'`,
      )
      .bind(token, send.id, now, send.id),
    refundStatement(db, oneRefund(send.id, reference, skippedAmount), { now, note: "skipped while paused" }),
    db
      .prepare("UPDATE sends SET state = 'active', state_changed_at = ? WHERE id = ? AND state = 'paused'")
      .bind(now, send.id),
    refundedTotal(db, reference),
  ]);
  if ((results[results.length - 2]?.meta.changes ?? 0) === 0) throw resumeRefusal();
  const refunded =
    (results[results.length - 1]?.results?.[0] as { refunded: number } | undefined)?.refunded ?? 0;
  return { skipped: results[0]?.meta.changes ?? 0, refundedMicros: refunded };
}
