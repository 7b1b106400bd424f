import type { ShardEnv } from "../env";
import { closeDeliveries } from "../pipeline/apply-receipts";
import { closeUnhanded, SUBMIT_UNKNOWN_AFTER_MS } from "../pipeline/closings";
import { newRevision } from "../pipeline/delivery-row";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";
import { DISPATCH_CHUNK } from "../pipeline/messages";

export const STUCK_AFTER_MS = 2 * 60_000;

/** Dispatches (or chunks) one sweep takes per run; the next run takes what is left. */
const SWEEP_LIMIT = 100;

/**
 * Finds released deliveries nobody claimed for two minutes (the queue send after a commit failed,
 * or a message was lost) and queues their dispatch again: one read, one set-based touch, one hand-over
 * to the queue, however many it finds. Claims are conditional, so a dispatch queued twice is still
 * submitted once.
 */
export async function requeueStuckDispatches(env: ShardEnv, now: number): Promise<number> {
  const db = env.DB;
  const { results } = await db
    .prepare(
      `SELECT DISTINCT d.send_id, d.dispatch_seq, s.total_recipients FROM deliveries d JOIN sends s ON s.id = d.send_id
       WHERE d.status = 'pending' AND d.updated_at < ?1 AND d.expires_at > ?2 LIMIT ${SWEEP_LIMIT}`,
    )
    .bind(now - STUCK_AFTER_MS, now)
    .all<{ send_id: string; dispatch_seq: number; total_recipients: number }>();
  if (results.length === 0) return 0;
  // Touch them first, so the next run waits another two minutes before trying again. Through the
  // per-send index (`+status`), not the status index.
  await db
    .prepare(
      `UPDATE deliveries SET updated_at = ?2
       FROM (SELECT value ->> '$.send_id' AS send_id, value ->> '$.dispatch_seq' AS seq FROM json_each(?1)) AS j
       WHERE deliveries.send_id = j.send_id AND deliveries.dispatch_seq = j.seq AND +deliveries.status = 'pending'`,
    )
    .bind(JSON.stringify(results), now)
    .run();
  await enqueue(
    env,
    results.flatMap((stuck) =>
      dispatchMessages(env.SHARD, stuck.send_id, stuck.dispatch_seq, stuck.total_recipients),
    ),
  );
  return results.length;
}

/**
 * Finds deliveries claimed two minutes ago or more and still not marked for submission — the
 * consumer that claimed them died, or its message was lost, between the claim and the hand-off —
 * and claims them again, each chunk under a fresh token that it gives the new queue message. The
 * message that held the old claim, if it ever comes back, finds nothing of its own left and submits
 * nothing. Those past their validity are left to the expiry (failed 1501, refunded). One read and
 * one batch of two statements (the re-claims, and what each re-claimed), however many chunks.
 */
// Both sweeps read the partial index of deliveries claimed and not handed over (its condition is
// repeated word for word, which SQLite needs to use it): a few rows at any time. Left to itself the
// planner picks the status index and walks every `processing` delivery a carrier holds; INDEXED BY
// pins the plan, and fails loudly rather than scan if the index ever goes. The re-claim itself goes
// through the per-send index (`+status`).
export async function requeueUnsubmitted(env: ShardEnv, now: number): Promise<number> {
  const db = env.DB;
  const { results } = await db
    .prepare(
      `SELECT DISTINCT send_id, dispatch_seq, recipient_idx / ${DISPATCH_CHUNK} AS chunk
       FROM deliveries INDEXED BY deliveries_unsubmitted_idx
       WHERE status = 'processing' AND carrier_message_id IS NULL AND submitting_at IS NULL AND updated_at < ?1
         AND expires_at > ?2
       LIMIT ${SWEEP_LIMIT}`,
    )
    .bind(now - STUCK_AFTER_MS, now)
    .all<{ send_id: string; dispatch_seq: number; chunk: number }>();
  if (results.length === 0) return 0;
  const chunks = results.map((stuck) => ({
    sendId: stuck.send_id,
    seq: stuck.dispatch_seq,
    from: stuck.chunk * DISPATCH_CHUNK,
    to: (stuck.chunk + 1) * DISPATCH_CHUNK,
    claim: `requeue:${newRevision()}`,
    rev: newRevision(),
  }));
  const list = JSON.stringify(chunks);
  const chunkRows = `SELECT value ->> '$.sendId' AS send_id, value ->> '$.seq' AS seq, value ->> '$.from' AS lo,
      value ->> '$.to' AS hi, value ->> '$.claim' AS claim, value ->> '$.rev' AS rev FROM json_each(?1)`;
  const [, counted] = await db.batch([
    db
      .prepare(
        `UPDATE deliveries SET claim = j.claim, revision = j.rev, updated_at = ?2
         FROM (${chunkRows}) AS j
         WHERE deliveries.send_id = j.send_id AND deliveries.dispatch_seq = j.seq
           AND deliveries.recipient_idx >= j.lo AND deliveries.recipient_idx < j.hi
           AND +deliveries.status = 'processing' AND deliveries.carrier_message_id IS NULL
           AND deliveries.submitting_at IS NULL AND deliveries.updated_at < ?3 AND deliveries.expires_at > ?2`,
      )
      .bind(list, now, now - STUCK_AFTER_MS),
    db
      .prepare(
        `SELECT j.claim, count(*) AS n FROM (${chunkRows}) AS j
         JOIN deliveries d ON d.send_id = j.send_id AND d.dispatch_seq = j.seq
           AND d.recipient_idx >= j.lo AND d.recipient_idx < j.hi AND d.claim = j.claim
         GROUP BY j.claim`,
      )
      .bind(list),
  ]);
  const reclaimed = new Map(
    ((counted?.results ?? []) as { claim: string; n: number }[]).map((r) => [r.claim, r.n]),
  );
  const requeue = chunks.filter((c) => (reclaimed.get(c.claim) ?? 0) > 0);
  // If this send fails, the re-claims stand alone and the next run claims them again.
  await enqueue(
    env,
    requeue.map((c) => ({
      type: "dispatch" as const,
      shard: env.SHARD,
      sendId: c.sendId,
      seq: c.seq,
      from: c.from,
      to: c.to,
      claim: c.claim,
    })),
  );
  return requeue.reduce((sum, c) => sum + (reclaimed.get(c.claim) ?? 0), 0);
}

/**
 * Ends deliveries whose submit's outcome is unknown — marked for a carrier so long ago that no
 * consumer can still be submitting them, and still without a carrier id — as `failed` (1501),
 * refunded, through the receipt path (so `sms.failed` is emitted). They are never submitted again:
 * a carrier may have them, and a duplicate SMS is worse than a refunded one that arrived.
 */
export async function closeUnknownSubmits(
  env: ShardEnv,
  ctx: ExecutionContext,
  now: number,
): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM deliveries INDEXED BY deliveries_unsubmitted_idx
     WHERE status = 'processing' AND carrier_message_id IS NULL AND submitting_at < ?1 LIMIT ${SWEEP_LIMIT}`,
  )
    .bind(now - SUBMIT_UNKNOWN_AFTER_MS)
    .all<{ id: number }>();
  if (results.length === 0) return 0;
  const closed = await closeDeliveries(
    env,
    ctx,
    results.map((r) => r.id),
    closeUnhanded(new Date(now).toISOString(), now),
    now,
  );
  return closed.applied;
}
