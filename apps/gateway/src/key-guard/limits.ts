import type { RateLimitBucket } from "../env";

/** Per-minute limits of CONTRACT §1/§9 when the merchant has no override. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitBucket, number>> = {
  send: 60,
  status: 120,
  balance: 30,
  preview: 120,
};

/** Fixed windows aligned to the minute. */
export const WINDOW_MS = 60_000;
/** A key that sends more than this many times a bucket's limit in one window is suspended (1302). */
export const SUSPICION_FACTOR = 3;
export const SUSPENSION_MS = 15 * 60_000;

/** How long a stored idempotent response is replayed (CONTRACT §4). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/**
 * A lock older than this belongs to a request that died without releasing it (isolate crash, lost
 * RPC); the next request with the same key takes it over instead of waiting for the 24 h expiry.
 */
export const IDEMPOTENCY_LOCK_STALE_MS = 60_000;

/**
 * The limit that applies to `bucket` for a merchant: its override when that is a positive integer,
 * else the contract's default.
 *
 * @example limitFor({ send: 600 }, "send") // 600
 * @example limitFor({}, "balance")         // 30
 */
export function limitFor(
  overrides: Partial<Record<RateLimitBucket, number>>,
  bucket: RateLimitBucket,
): number {
  const override = overrides[bucket];
  return override !== undefined && Number.isSafeInteger(override) && override > 0
    ? override
    : DEFAULT_RATE_LIMITS[bucket];
}
