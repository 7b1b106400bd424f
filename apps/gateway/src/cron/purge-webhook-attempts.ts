import { configOf } from "../config/config";
import type { ShardEnv } from "../env";

const DAY_MS = 86_400_000;
const PURGE_BATCH = 500;
const PURGE_ROUNDS = 10;

/**
 * Deletes webhook attempts (the operator's log of each HTTP try) older than
 * `WEBHOOK_ATTEMPT_RETENTION_DAYS`, oldest first, at most PURGE_BATCH rows per statement and
 * PURGE_ROUNDS statements per run; the next run takes the rest. Events themselves stay (their status,
 * attempt count and last reason), until their send is archived.
 */
// INDEXED BY pins the walk to the start-time index: the purge never reads the attempts it keeps.
export async function purgeWebhookAttempts(env: ShardEnv, now: number): Promise<number> {
  const cutoff = now - configOf(env).webhookAttemptRetentionDays * DAY_MS;
  let purged = 0;
  for (let round = 0; round < PURGE_ROUNDS; round++) {
    const result = await env.DB.prepare(
      `DELETE FROM webhook_attempts WHERE id IN (
         SELECT id FROM webhook_attempts INDEXED BY webhook_attempts_started_idx
         WHERE started_at < ?1 ORDER BY started_at LIMIT ?2)`,
    )
      .bind(cutoff, PURGE_BATCH)
      .run();
    const deleted = result.meta.changes ?? 0;
    purged += deleted;
    if (deleted < PURGE_BATCH) break;
  }
  return purged;
}
