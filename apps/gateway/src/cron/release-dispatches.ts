import { refundStatement } from "../billing/refund";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { newRevision } from "../pipeline/delivery-row";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";

/** Dispatches one run takes: the next run, a minute later, takes what is left, oldest first. */
export const RELEASE_LIMIT = 100;

/**
 * Dispatches released by one D1 batch (two statements): at most 1000 recipients each, so one
 * statement writes at most 10 000 deliveries. A full run costs 1 + 2 × 10 queries.
 */
const RELEASE_GROUP = 10;

type Due = {
  send_id: string;
  seq: number;
  due_at: number;
  total_recipients: number;
  validity_period: number;
};

/** The dispatches of a list as `json_each` rows `j(send_id, seq)`. */
const LISTED = `(SELECT value ->> '$.send_id' AS send_id, value ->> '$.seq' AS seq FROM json_each(?1)) AS j`;

// Every write below re-checks, in its own statement, that the dispatch is still `scheduled` and its
// send still `active`: a pause or cancel that commits between the SELECT and the write wins. `+status`
// keeps SQLite on the primary key (send, seq) rather than the status index.
const STILL_DUE = `dispatches.send_id = j.send_id AND dispatches.seq = j.seq AND +dispatches.status = 'scheduled'
  AND EXISTS (SELECT 1 FROM sends WHERE id = dispatches.send_id AND state = 'active')`;

const listOf = (due: Due[]) => JSON.stringify(due.map((d) => ({ send_id: d.send_id, seq: d.seq })));

/**
 * Releases dispatches in one batch: marks each released (only if it still is `scheduled` and its
 * send `active`, so a dispatch is never released twice, nor after a committed pause or cancel) and
 * creates the deliveries of those it marked, then hands them to the queue. Their validity runs from
 * the moment the dispatch was due, not from a late release. Returns how many this call released.
 */
async function releaseDispatches(env: ShardEnv, due: Due[], now: number): Promise<number> {
  const db = env.DB;
  const list = listOf(due);
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE dispatches SET status = 'released', released_at = ?2 FROM ${LISTED}
         WHERE ${STILL_DUE} RETURNING send_id, seq`,
      )
      .bind(list, now),
    db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, expires_at, updated_at)
         SELECT r.send_id, p.seq, r.idx, r.phone, 'pending', p.due_at + s.validity_period * 1000, ?2
         FROM ${LISTED}
         JOIN dispatches p ON p.send_id = j.send_id AND p.seq = j.seq
         JOIN sends s ON s.id = p.send_id
         JOIN recipients r ON r.send_id = p.send_id
         WHERE +p.status = 'released' AND p.released_at = ?2`,
      )
      .bind(list, now),
  ]);
  const released = (update?.results ?? []) as { send_id: string; seq: number }[];
  const recipients = new Map(due.map((d) => [`${d.send_id}/${d.seq}`, d.total_recipients]));
  // If this fails, the deliveries stay pending and the stuck-dispatch sweep queues them again.
  await enqueue(
    env,
    released.flatMap((r) =>
      dispatchMessages(env.SHARD, r.send_id, r.seq, recipients.get(`${r.send_id}/${r.seq}`) ?? 0),
    ),
  );
  return released.length;
}

/**
 * Skips dispatches due longer ago than their send's validity period (released after a long outage,
 * one would arrive when it no longer means anything: a reminder for 08:00 delivered two days later)
 * and refunds each whole, in one batch of two statements. The ledger reference names the dispatch,
 * so it is refunded once.
 */
async function skipStaleDispatches(env: ShardEnv, due: Due[], now: number): Promise<number> {
  const db = env.DB;
  const token = `stale:${newRevision()}`;
  const list = listOf(due);
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE dispatches SET status = 'skipped', closed_by = ?2 FROM ${LISTED}
         WHERE ${STILL_DUE} RETURNING send_id, seq`,
      )
      .bind(list, token),
    refundStatement(
      db,
      {
        sql: `SELECT p.send_id, 'stale:' || p.send_id || ':' || p.seq AS reference,
                     s.total_recipients * s.segments * s.unit_price_micros AS amount, p.seq AS seq
              FROM json_each(?) j
              JOIN dispatches p ON p.send_id = j.value ->> '$.send_id' AND p.seq = j.value ->> '$.seq'
              JOIN sends s ON s.id = p.send_id
              WHERE p.closed_by = ?`,
        binds: [list, token],
      },
      { now, note: "dispatch skipped: due longer ago than its validity period" },
    ),
  ]);
  const skipped = (update?.results ?? []) as { send_id: string; seq: number }[];
  const validity = new Map(due.map((d) => [`${d.send_id}/${d.seq}`, d]));
  for (const s of skipped) {
    const d = validity.get(`${s.send_id}/${s.seq}`);
    log.warn("dispatch.skipped_stale", {
      message_id: s.send_id,
      dispatch_seq: s.seq,
      due_at: d ? isoSeconds(d.due_at) : undefined,
      validity_period: d?.validity_period,
    });
  }
  return skipped.length;
}

/**
 * Releases every dispatch whose time has come, oldest first, of sends that are neither paused nor
 * cancelled, `RELEASE_LIMIT` per run. A run missed during an outage is caught up by the next ones:
 * anything due and still `scheduled` is released, whenever that is — unless it was due longer ago
 * than its validity period, in which case it is skipped and refunded instead.
 */
export async function releaseDueDispatches(env: ShardEnv, now: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT p.send_id, p.seq, p.due_at, s.total_recipients, s.validity_period
     FROM dispatches p JOIN sends s ON s.id = p.send_id
     WHERE p.status = 'scheduled' AND p.due_at <= ?1 AND s.state = 'active' ORDER BY p.due_at LIMIT ?2`,
  )
    .bind(now, RELEASE_LIMIT)
    .all<Due>();
  const stale = results.filter((d) => d.due_at + d.validity_period * 1000 <= now);
  const fresh = results.filter((d) => d.due_at + d.validity_period * 1000 > now);
  if (stale.length > 0) await skipStaleDispatches(env, stale, now);
  let released = 0;
  for (let i = 0; i < fresh.length; i += RELEASE_GROUP)
    released += await releaseDispatches(env, fresh.slice(i, i + RELEASE_GROUP), now);
  return released;
}
