import type { ShardEnv } from "../env";

export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;

/** Keys freed per statement, and statements per run: a day's keys are freed within minutes of expiring. */
const PURGE_PAGE = 500;
const PURGE_PAGES = 4;

/**
 * Frees Idempotency-Keys older than 24 h on sends (the key guard's own records expire by themselves),
 * so a key may be reused after the documented window. Pages through the partial index of sends that
 * still hold a key, oldest first (INDEXED BY: without the index it would scan every send ever
 * accepted, so it fails loudly instead); whatever one run leaves, the next takes.
 */
export async function purgeIdempotencyKeys(env: ShardEnv, now: number): Promise<number> {
  let purged = 0;
  for (let page = 0; page < PURGE_PAGES; page++) {
    const result = await env.DB.prepare(
      `UPDATE sends SET idempotency_key = NULL
       WHERE id IN (SELECT id FROM sends INDEXED BY sends_idempotency_created_idx
                    WHERE idempotency_key IS NOT NULL AND created_at < ?1 ORDER BY created_at LIMIT ?2)`,
    )
      .bind(now - IDEMPOTENCY_RETENTION_MS, PURGE_PAGE)
      .run();
    const changed = result.meta.changes ?? 0;
    purged += changed;
    if (changed < PURGE_PAGE) break;
  }
  return purged;
}
