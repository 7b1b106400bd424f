import type { ShardEnv, WorkerEnv } from "../env";
import { type ShardName, shardEnv, shardNames } from "./shard-env";

// The directory database maps key digests, key ids and merchant ids to the shard that holds them.
// Its rows are only ever added (a merchant never moves), so an answer cached in the isolate stays
// true for good. What a key's row says (revoked, suspended, regenerated) is not the directory's: the
// auth path keeps its own copy of that, checked against the key's guard (auth/key-cache.ts).
// Nothing is cached for an id the directory does not know.

/** Entries kept per kind of id before the oldest are dropped: bounded memory whatever the traffic. */
const CACHE_LIMIT = 10_000;

/** Where a key digest leads: the shard, and the key's id (its guard is addressed by it). */
type KeyPlace = { shard: ShardName; keyId: string };

type Cache<T> = Map<string, T>;
type Caches = { digest: Cache<KeyPlace>; key: Cache<ShardName>; merchant: Cache<ShardName> };
const caches = new WeakMap<D1Database, Caches>();

function cacheOf(env: WorkerEnv): Caches {
  let cache = caches.get(env.DIRECTORY);
  if (!cache) {
    cache = { digest: new Map(), key: new Map(), merchant: new Map() };
    caches.set(env.DIRECTORY, cache);
  }
  return cache;
}

function remember<T>(cache: Cache<T>, id: string, value: T): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(id, value);
}

async function lookUp(
  env: WorkerEnv,
  kind: "key" | "merchant",
  id: string,
  sql: string,
): Promise<ShardEnv | null> {
  const cache = cacheOf(env)[kind];
  const cached = cache.get(id);
  if (cached) return shardEnv(env, cached);
  const row = await env.DIRECTORY.prepare(sql).bind(id).first<{ shard: string }>();
  if (!row) return null;
  const shard = shardEnv(env, row.shard);
  remember(cache, id, shard.SHARD as ShardName);
  return shard;
}

/**
 * The shard holding the key with this digest, and the key's id (the auth path), or null for a key
 * nobody issued.
 *
 * @example await keyOfDigest(env, digest) // { shard: shardEnv(env, "DB_1"), keyId: "key_…" }
 */
export async function keyOfDigest(
  env: WorkerEnv,
  digest: string,
): Promise<{ shard: ShardEnv; keyId: string } | null> {
  const cache = cacheOf(env).digest;
  const cached = cache.get(digest);
  if (cached) return { shard: shardEnv(env, cached.shard), keyId: cached.keyId };
  const row = await env.DIRECTORY.prepare("SELECT shard, key_id FROM directory_keys WHERE digest = ?1")
    .bind(digest)
    .first<{ shard: string; key_id: string }>();
  if (!row) return null;
  const shard = shardEnv(env, row.shard);
  remember(cache, digest, { shard: shard.SHARD as ShardName, keyId: row.key_id });
  return { shard, keyId: row.key_id };
}

/** The shard holding the key with this id (operator routes), or null. */
export function shardOfKey(env: WorkerEnv, keyId: string): Promise<ShardEnv | null> {
  return lookUp(env, "key", keyId, "SELECT shard FROM directory_keys WHERE key_id = ?1");
}

/** The shard holding this merchant, or null. */
export function shardOfMerchant(env: WorkerEnv, merchantId: string): Promise<ShardEnv | null> {
  return lookUp(env, "merchant", merchantId, "SELECT shard FROM directory_merchants WHERE merchant_id = ?1");
}

/**
 * Where a new merchant goes: the shard with the fewest merchants (the lowest-numbered on a tie), so
 * a shard added later takes the new merchants until it has caught up.
 *
 * @example await placeNewMerchant(env) // shardEnv(env, "DB_1") when DB_1 holds fewer merchants
 */
export async function placeNewMerchant(env: WorkerEnv): Promise<ShardEnv> {
  const { results } = await env.DIRECTORY.prepare(
    "SELECT shard, count(*) AS merchants FROM directory_merchants GROUP BY shard",
  ).all<{ shard: string; merchants: number }>();
  return shardEnv(env, leastLoaded(shardNames(env), new Map(results.map((r) => [r.shard, r.merchants]))));
}

/**
 * The shard with the fewest merchants (none counted: zero), the first of `names` on a tie.
 *
 * @example leastLoaded(["DB_0", "DB_1", "DB_2"], new Map([["DB_0", 4], ["DB_1", 3]])) // "DB_2"
 */
export function leastLoaded(names: ShardName[], merchants: Map<string, number>): ShardName {
  let best = names[0] as ShardName;
  for (const name of names) if ((merchants.get(name) ?? 0) < (merchants.get(best) ?? 0)) best = name;
  return best;
}

/** Records where a merchant lives, once its rows are in that shard: from then on it can be found. */
export async function recordMerchant(env: ShardEnv, merchantId: string, now: number): Promise<void> {
  await env.DIRECTORY.prepare(
    "INSERT INTO directory_merchants (merchant_id, shard, created_at) VALUES (?1, ?2, ?3)",
  )
    .bind(merchantId, env.SHARD, now)
    .run();
  remember(cacheOf(env).merchant, merchantId, env.SHARD as ShardName);
}

/** Records where a key lives, once its row is in the merchant's shard: from then on it authenticates. */
export async function recordKey(
  env: ShardEnv,
  key: { digest: string; keyId: string; merchantId: string },
  now: number,
): Promise<void> {
  await env.DIRECTORY.prepare(
    "INSERT INTO directory_keys (digest, key_id, merchant_id, shard, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  )
    .bind(key.digest, key.keyId, key.merchantId, env.SHARD, now)
    .run();
}
