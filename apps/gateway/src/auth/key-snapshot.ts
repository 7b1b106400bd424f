import { createDb } from "../db/client";
import { findKeyByDigest } from "../db/queries/keys";
import type { KeyStatus } from "../db/schema";
import type { MerchantContext, RateLimitBucket, ShardEnv } from "../env";
import { ApiError } from "../errors/api-error";
import type { ShardName } from "../shards/shard-env";
import type { KeyEnvironment } from "./key-format";
import { keyRefused } from "./key-refusal";

/**
 * What the auth path needs of a key's row and of its merchant's, read together from the key's shard,
 * tagged with the key's auth version as its guard told it before the rows were read: the rows are at
 * least as new as that version (a writer commits, then bumps), so a tag behind the guard's means they
 * may be stale. An older tag on newer rows only costs a read; a newer tag on older rows never happens.
 */
export type KeySnapshot = {
  shard: ShardName;
  key: {
    id: string;
    environment: KeyEnvironment;
    status: KeyStatus;
    revokeAt: number | null;
    lastUsedAt: number | null;
  };
  merchant: MerchantContext;
  rateLimits: Partial<Record<RateLimitBucket, number>>;
  authVersion: number;
  /** When the rows were read (epoch ms). */
  readAt: number;
};

/**
 * The key presented on one request and the snapshot it is judged by. `confirmed` once the snapshot
 * was read during this request, or the key's guard said its tag is current (middleware/rate-limit.ts).
 */
export type KeyCheck = {
  digest: string;
  environment: KeyEnvironment;
  snapshot: KeySnapshot;
  confirmed: boolean;
};

/** Reads the key with this digest and its merchant in `shard` (one query), tagged `authVersion`. */
export async function readKeySnapshot(
  shard: ShardEnv,
  digest: string,
  authVersion: number,
): Promise<KeySnapshot | null> {
  const found = await findKeyByDigest(createDb(shard.DB), digest);
  if (!found) return null;
  const { key, merchant } = found;
  return {
    shard: shard.SHARD as ShardName,
    key: {
      id: key.id,
      environment: key.environment,
      status: key.status,
      revokeAt: key.revokeAt,
      lastUsedAt: key.lastUsedAt,
    },
    merchant: {
      id: merchant.id,
      timeZone: merchant.timeZone,
      currency: merchant.currency,
      unitPriceMicros: merchant.unitPriceMicros,
      defaultSenderId: merchant.defaultSenderId,
      allowedCountries: merchant.allowedCountries ?? null,
    },
    rateLimits: merchant.rateLimits as Partial<Record<RateLimitBucket, number>>,
    authVersion,
    readAt: Date.now(),
  };
}

/**
 * Why a key presented for `environment` is refused at `now` (CONTRACT §2), or null when it is accepted:
 * unknown, other-environment, revoked and past-deadline keys read alike (401 1001), then EXPIRED (403
 * 1002) and SUSPENDED (403 1004).
 */
export function refusalOf(
  snapshot: KeySnapshot | null,
  environment: KeyEnvironment,
  now: number,
): ApiError | null {
  if (!snapshot || snapshot.key.environment !== environment) return keyRefused({ reason: "not_accepted" });
  const { key } = snapshot;
  if (key.status === "REVOKED" || (key.revokeAt !== null && key.revokeAt <= now))
    return keyRefused({ reason: "not_accepted" });
  if (key.status === "EXPIRED") return new ApiError("1002");
  if (key.status === "SUSPENDED") return new ApiError("1004");
  return null;
}
