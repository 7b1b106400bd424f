import type { ShardEnv } from "../env";
import { closeDeliveries } from "../pipeline/apply-receipts";
import { closeUnhanded, SUBMIT_UNKNOWN_AFTER_MS } from "../pipeline/closings";
import { newRevision } from "../pipeline/delivery-row";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";
import { DISPATCH_CHUNK } from "../pipeline/messages";

export const STUCK_AFTER_MS = 2 * 60_000;

const SWEEP_LIMIT = 100;

/**
 * Finds released deliveries nobody claimed for two minutes (the queue send after a commit failed,
 * or a message was lost) and queues their dispatch again. Claims are conditional, so a dispatch
 * queued twice is still submitted once.
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
  for (const stuck of results) {
    // Touch them first, so the next run waits another two minutes before trying again.
    await db
      .prepare(
        "UPDATE deliveries SET updated_at = ?3 WHERE send_id = ?1 AND dispatch_seq = ?2 AND +status = 'pending'",
      )
      .bind(stuck.send_id, stuck.dispatch_seq, now)
      .run();
    await enqueue(
      env,
      dispatchMessages(env.SHARD, stuck.send_id, stuck.dispatch_seq, stuck.total_recipients),
    );
  }
  return results.length;
}

/**
 * Finds deliveries claimed two minutes ago or more and still not marked for submission — the
 * consumer that claimed them died, or its message was lost, between the claim and the hand-off —
 * and claims them again under a fresh token that it gives the new queue message. The message that
 * held the old claim, if it ever comes back, finds nothing of its own left and submits nothing.
 * Those past their validity are left to the expiry (failed 1501, refunded).
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
  let requeued = 0;
  for (const stuck of results) {
    const from = stuck.chunk * DISPATCH_CHUNK;
    const to = from + DISPATCH_CHUNK;
    const token = `requeue:${newRevision()}`;
    const reclaimed = await db
      .prepare(
        `UPDATE deliveries SET claim = ?5, revision = ?6, updated_at = ?7
         WHERE send_id = ?1 AND dispatch_seq = ?2 AND recipient_idx >= ?3 AND recipient_idx < ?4
           AND +status = 'processing' AND carrier_message_id IS NULL AND submitting_at IS NULL AND updated_at < ?8
           AND expires_at > ?7`,
      )
      .bind(stuck.send_id, stuck.dispatch_seq, from, to, token, newRevision(), now, now - STUCK_AFTER_MS)
      .run();
    if ((reclaimed.meta.changes ?? 0) === 0) continue;
    // If this send fails, the re-claim stands alone and the next run claims them again.
    await enqueue(env, [
      {
        type: "dispatch",
        shard: env.SHARD,
        sendId: stuck.send_id,
        seq: stuck.dispatch_seq,
        from,
        to,
        claim: token,
      },
    ]);
    requeued += reclaimed.meta.changes ?? 0;
  }
  return requeued;
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
