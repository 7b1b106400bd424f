import type { ShardEnv } from "../../env";
import { notifyWebhooks } from "./notify";

/** A fresh event is left alone this long: its writer's own hand-over is probably still on its way. */
export const sweepGraceMs = 60_000;

/** A held event this far past its due attempt means its dispatcher lost it; hand it over again. */
export const stalledAfterMs = 15 * 60_000;

/** Events re-handed per run (one read and one routing batch of four statements); the next minute's run takes the rest. */
const sweepBatch = 500;

/**
 * The every-minute cron's webhook job: re-hands `pending` events that no dispatcher took (a failed
 * `notifyWebhooks`, a crash between commit and hand-over) and those whose dispatcher has stalled.
 * Idempotent: a dispatcher ignores an event it already holds, so an event is never delivered twice
 * side by side however often it is handed over. Returns how many events were handed over.
 *
 * @example
 * async scheduled(controller, env, ctx) { ctx.waitUntil(sweepWebhookOutbox(env, controller.scheduledTime)); }
 */
export async function sweepWebhookOutbox(env: ShardEnv, nowMs: number): Promise<number> {
  // Two reads, one per partial index, each holding only what it looks for (their conditions are
  // repeated word for word, which SQLite needs to use them; INDEXED BY fails loudly rather than walk
  // every pending event through the status index if one ever goes): events nobody took, oldest
  // first, and events a dispatcher holds whose attempt is overdue, most overdue first.
  const { results } = await env.DB.prepare(
    `SELECT id FROM (SELECT id FROM webhook_events INDEXED BY webhook_events_untaken_idx
                     WHERE status = 'pending' AND taken_at IS NULL AND created_at <= ?1
                     ORDER BY created_at LIMIT ?3)
     UNION ALL
     SELECT id FROM (SELECT id FROM webhook_events INDEXED BY webhook_events_taken_due_idx
                     WHERE status = 'pending' AND taken_at IS NOT NULL AND next_attempt_at <= ?2 AND created_at <= ?1
                     ORDER BY next_attempt_at LIMIT ?3)
     LIMIT ?3`,
  )
    .bind(nowMs - sweepGraceMs, nowMs - stalledAfterMs, sweepBatch)
    .all<{ id: string }>();
  if (results.length === 0) return 0;
  await notifyWebhooks(
    env,
    results.map((r) => r.id),
  );
  return results.length;
}
