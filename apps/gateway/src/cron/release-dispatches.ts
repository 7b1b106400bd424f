import type { Bindings } from "../env";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";

const RELEASE_LIMIT = 200;

type Due = { send_id: string; seq: number; total_recipients: number; validity_period: number };

/**
 * Releases one dispatch: marks it released (only if it still is `scheduled`, so a dispatch is never
 * released twice, whatever runs concurrently), creates its deliveries in the same batch, then hands
 * them to the queue. Returns whether this call released it.
 */
export async function releaseDispatch(env: Bindings, due: Due, now: number): Promise<boolean> {
  const db = env.DB;
  const [update] = await db.batch([
    db
      .prepare(
        "UPDATE dispatches SET status = 'released', released_at = ?3 WHERE send_id = ?1 AND seq = ?2 AND status = 'scheduled'",
      )
      .bind(due.send_id, due.seq, now),
    db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, expires_at, updated_at)
         SELECT r.send_id, ?2, r.idx, r.phone, 'pending', ?4, ?3 FROM recipients r
         WHERE r.send_id = ?1 AND EXISTS (SELECT 1 FROM dispatches WHERE send_id = ?1 AND seq = ?2 AND status = 'released' AND released_at = ?3)`,
      )
      .bind(due.send_id, due.seq, now, now + due.validity_period * 1000),
  ]);
  if ((update?.meta.changes ?? 0) === 0) return false;
  // If this fails, the deliveries stay pending and the stuck-dispatch sweep queues them again.
  await enqueue(env, dispatchMessages(due.send_id, due.seq, due.total_recipients));
  return true;
}

/**
 * Releases every dispatch whose time has come, oldest first, of sends that are neither paused nor
 * cancelled. A run missed during an outage is caught up by the next one: anything due and still
 * `scheduled` is released, whenever that is.
 */
export async function releaseDueDispatches(env: Bindings, now: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT p.send_id, p.seq, s.total_recipients, s.validity_period FROM dispatches p JOIN sends s ON s.id = p.send_id
     WHERE p.status = 'scheduled' AND p.due_at <= ?1 AND s.state = 'active' ORDER BY p.due_at LIMIT ?2`,
  )
    .bind(now, RELEASE_LIMIT)
    .all<Due>();
  let released = 0;
  for (const due of results) if (await releaseDispatch(env, due, now)) released++;
  return released;
}
