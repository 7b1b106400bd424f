import type { KeyCheck } from "./auth/key-snapshot";

/**
 * The Worker's bindings as wrangler.jsonc declares them: the directory database (`DIRECTORY`), the
 * shards (`DB_0`, `DB_1`, …), the queues (`SEND_QUEUE` for dispatch chunks and cron runs,
 * `RECEIPT_QUEUE` for carrier receipts) and the Durable Objects. What the handlers receive.
 */
export type WorkerEnv = Env;

/**
 * The bindings as the code working for one merchant's shard sees them: `DB` is that shard's D1
 * database and `SHARD` its binding name. Made only by `shardEnv` (shards/shard-env.ts).
 */
export type ShardEnv = Env & { DB: D1Database; SHARD: string };

/** Rate-limit buckets of CONTRACT §9 (cancel/pause/resume share `send`). */
export type RateLimitBucket = "send" | "status" | "balance" | "preview";

/** Who is calling: set by the auth middleware on every app-key route. */
export type AuthContext = {
  keyId: string;
  merchantId: string;
  environment: "sandbox" | "production";
  /** Per-merchant overrides of the per-minute limits (operators, §11); absent = contract default. */
  rateLimits: Partial<Record<RateLimitBucket, number>>;
};

/** The calling key's merchant, as the send path needs it (loaded with the key, one read). */
export type MerchantContext = {
  id: string;
  timeZone: string;
  currency: string;
  unitPriceMicros: number | null;
  defaultSenderId: string | null;
  allowedCountries: string[] | null;
};

export type AppVariables = {
  requestId: string;
  auth: AuthContext;
  merchant: MerchantContext;
  /** The calling merchant's shard: set by the auth middleware with `auth` and `merchant`. */
  shard: ShardEnv;
  /** What the auth middleware judged the key by, for the rate limit to confirm with the key's guard. */
  keyCheck?: KeyCheck;
};

export type AppEnv = { Bindings: WorkerEnv; Variables: AppVariables };
