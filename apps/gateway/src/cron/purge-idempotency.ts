import type { ShardEnv } from "../env";

export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;

/**
 * Frees Idempotency-Keys older than 24 h on sends (the key guard's own records expire by themselves),
 * so a key may be reused after the documented window.
 */
export async function purgeIdempotencyKeys(env: ShardEnv, now: number): Promise<number> {
  const result = await env.DB.prepare(
    "UPDATE sends SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND created_at < ?",
  )
    .bind(now - IDEMPOTENCY_RETENTION_MS)
    .run();
  return result.meta.changes ?? 0;
}
