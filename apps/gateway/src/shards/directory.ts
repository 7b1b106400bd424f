import type { ShardEnv, WorkerEnv } from "../env";
import { type ShardName, shardEnv, shardNames } from "./shard-env";

// The directory database maps key digests, key ids and merchant ids to the shard that holds them.
// Its rows are only ever added (a merchant never moves), so an answer cached in the isolate stays
// true for good: a key changed later (revoked, suspended, regenerated) is judged by its row in the
// shard, which is read on every request. Nothing is cached for an id the directory does not know.

/** Entries kept per kind of id before the oldest are dropped: bounded memory whatever the traffic. */
const CACHE_LIMIT = 10_000;

type Cache = Map<string, ShardName>;
const caches = new WeakMap<D1Database, { digest: Cache; key: Cache; merchant: Cache }>();

function cacheOf(env: WorkerEnv) {
  let cache = caches.get(env.DIRECTORY);
  if (!cache) {
    cache = { digest: new Map(), key: new Map(), merchant: new Map() };
    caches.set(env.DIRECTORY, cache);
  }
  return cache;
}

function remember(cache: Cache, id: string, shard: ShardName): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(id, shard);
}

async function lookUp(
  env: WorkerEnv,
  kind: "digest" | "key" | "merchant",
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

/** The shard holding the key with this digest (the auth path), or null for a key nobody issued. */
export function shardOfDigest(env: WorkerEnv, digest: string): Promise<ShardEnv | null> {
  return lookUp(env, "digest", digest, "SELECT shard FROM directory_keys WHERE digest = ?1");
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
