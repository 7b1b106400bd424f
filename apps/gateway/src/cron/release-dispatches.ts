import { refundStatements } from "../billing/refund";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { newRevision } from "../pipeline/delivery-row";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";

const RELEASE_LIMIT = 200;

type Due = {
  send_id: string;
  seq: number;
  due_at: number;
  total_recipients: number;
  validity_period: number;
  segments: number;
  unit_price_micros: number;
};

// Every write below re-checks, in its own statement, that the dispatch is still `scheduled` and its
// send still `active`: a pause or cancel that commits between the SELECT and the write wins.
const STILL_DUE = `status = 'scheduled' AND EXISTS (SELECT 1 FROM sends WHERE id = ?1 AND state = 'active')`;

/**
 * Releases one dispatch: marks it released (only if it still is `scheduled` and its send `active`,
 * so a dispatch is never released twice, nor after a committed pause or cancel), creates its
 * deliveries in the same batch, then hands them to the queue. Their validity runs from the moment
 * the dispatch was due, not from a late release. Returns whether this call released it.
 */
export async function releaseDispatch(env: ShardEnv, due: Due, now: number): Promise<boolean> {
  const db = env.DB;
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE dispatches SET status = 'released', released_at = ?3 WHERE send_id = ?1 AND seq = ?2 AND ${STILL_DUE}`,
      )
      .bind(due.send_id, due.seq, now),
    db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, expires_at, updated_at)
         SELECT r.send_id, ?2, r.idx, r.phone, 'pending', ?4, ?3 FROM recipients r
         WHERE r.send_id = ?1 AND EXISTS (SELECT 1 FROM dispatches WHERE send_id = ?1 AND seq = ?2 AND status = 'released' AND released_at = ?3)`,
      )
      .bind(due.send_id, due.seq, now, due.due_at + due.validity_period * 1000),
  ]);
  if ((update?.meta.changes ?? 0) === 0) return false;
  // If this fails, the deliveries stay pending and the stuck-dispatch sweep queues them again.
  await enqueue(env, dispatchMessages(env.SHARD, due.send_id, due.seq, due.total_recipients));
  return true;
}

/**
 * Skips a dispatch due longer ago than its send's validity period (released after a long outage, it
 * would arrive when it no longer means anything: a reminder for 08:00 delivered two days later) and
 * refunds it, in one batch. The ledger reference names the dispatch, so it is refunded once.
 */
export async function skipStaleDispatch(env: ShardEnv, due: Due, now: number): Promise<boolean> {
  const db = env.DB;
  const token = `stale:${newRevision()}`;
  const price = due.total_recipients * due.segments * due.unit_price_micros;
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE dispatches SET status = 'skipped', closed_by = ?3 WHERE send_id = ?1 AND seq = ?2 AND ${STILL_DUE}`,
      )
      .bind(due.send_id, due.seq, token),
    ...refundStatements(db, {
      sendId: due.send_id,
      amount: {
        sql: "(? * (SELECT count(*) FROM dispatches WHERE send_id = ? AND seq = ? AND closed_by = ?))",
        binds: [price, due.send_id, due.seq, token],
      },
      reference: `stale:${due.send_id}:${due.seq}`,
      now,
      note: "dispatch skipped: due longer ago than its validity period",
    }),
  ]);
  if ((update?.meta.changes ?? 0) === 0) return false;
  log.warn("dispatch.skipped_stale", {
    message_id: due.send_id,
    dispatch_seq: due.seq,
    due_at: isoSeconds(due.due_at),
    validity_period: due.validity_period,
  });
  return true;
}

/**
 * Releases every dispatch whose time has come, oldest first, of sends that are neither paused nor
 * cancelled. A run missed during an outage is caught up by the next one: anything due and still
 * `scheduled` is released, whenever that is — unless it was due longer ago than its validity
 * period, in which case it is skipped and refunded instead.
 */
export async function releaseDueDispatches(env: ShardEnv, now: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT p.send_id, p.seq, p.due_at, s.total_recipients, s.validity_period, s.segments, s.unit_price_micros
     FROM dispatches p JOIN sends s ON s.id = p.send_id
     WHERE p.status = 'scheduled' AND p.due_at <= ?1 AND s.state = 'active' ORDER BY p.due_at LIMIT ?2`,
  )
    .bind(now, RELEASE_LIMIT)
    .all<Due>();
  let released = 0;
  for (const due of results) {
    if (due.due_at + due.validity_period * 1000 <= now) await skipStaleDispatch(env, due, now);
    else if (await releaseDispatch(env, due, now)) released++;
  }
  return released;
}
