import type { Bindings } from "../env";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";

export const STUCK_AFTER_MS = 2 * 60_000;

/**
 * Finds released deliveries nobody claimed for two minutes (the queue send after a commit failed,
 * or a message was lost) and queues their dispatch again. Claims are conditional, so a dispatch
 * queued twice is still submitted once.
 */
export async function requeueStuckDispatches(env: Bindings, now: number): Promise<number> {
  const db = env.DB;
  const { results } = await db
    .prepare(
      `SELECT DISTINCT d.send_id, d.dispatch_seq, s.total_recipients FROM deliveries d JOIN sends s ON s.id = d.send_id
       WHERE d.status = 'pending' AND d.updated_at < ?1 LIMIT 100`,
    )
    .bind(now - STUCK_AFTER_MS)
    .all<{ send_id: string; dispatch_seq: number; total_recipients: number }>();
  for (const stuck of results) {
    // Touch them first, so the next run waits another two minutes before trying again.
    await db
      .prepare(
        "UPDATE deliveries SET updated_at = ?3 WHERE send_id = ?1 AND dispatch_seq = ?2 AND +status = 'pending'",
      )
      .bind(stuck.send_id, stuck.dispatch_seq, now)
      .run();
    await enqueue(env, dispatchMessages(stuck.send_id, stuck.dispatch_seq, stuck.total_recipients));
  }
  return results.length;
}
