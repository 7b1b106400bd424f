import { isoSeconds } from "../../iso-seconds";
import type { QueryBatch } from "./query-batch";

/** Suspended keys (and disabled webhooks) listed. */
export const LISTED = 20;

type Suspended = { id: string; merchant_id: string; suspended_until: number };

/**
 * Keys under a 1302 suspension now. Their `KeyGuard` enforces it and writes its end to the key row
 * when it suspends (`api_keys.suspended_until`), which is what this reads.
 */
export function keyHealth(batch: QueryBatch, nowMs: number) {
  const suspended = batch.add<Suspended>(
    "suspended_keys",
    `SELECT id, merchant_id, suspended_until FROM api_keys WHERE suspended_until > ?1
     ORDER BY suspended_until DESC LIMIT ${LISTED}`,
    nowMs,
  );
  return () => ({
    suspended: suspended().map((row) => ({
      key_id: row.id,
      merchant_id: row.merchant_id,
      reason: "rate_limit_abuse" as const,
      suspended_until: isoSeconds(row.suspended_until),
    })),
  });
}

export type KeyHealth = ReturnType<ReturnType<typeof keyHealth>>;
