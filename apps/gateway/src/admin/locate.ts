import type { ShardEnv, WorkerEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { shardOfKey, shardOfMerchant } from "../shards/directory";
import { everyShard } from "../shards/shard-env";

/** The shard of a merchant an operator names; 404 1403 for one the directory does not know. */
export async function merchantShard(env: WorkerEnv, merchantId: string): Promise<ShardEnv> {
  const shard = await shardOfMerchant(env, merchantId);
  if (!shard) throw new ApiError("1403", { message: "Merchant not found" });
  return shard;
}

/** The shard of a key an operator names; 404 1403 for one the directory does not know. */
export async function keyShard(env: WorkerEnv, keyId: string): Promise<ShardEnv> {
  const shard = await shardOfKey(env, keyId);
  if (!shard) throw new ApiError("1403", { message: "Key not found" });
  return shard;
}

/**
 * The first shard where `probe` finds something, asking every shard at once: for the operator routes
 * that name a message or an event by its id alone (rare, and the answer is in one shard at most).
 */
export async function findInShards<T>(
  env: WorkerEnv,
  probe: (shard: ShardEnv) => Promise<T | null | undefined>,
): Promise<{ shard: ShardEnv; found: T } | null> {
  const shards = everyShard(env);
  const answers = await Promise.all(shards.map(probe));
  const at = answers.findIndex((answer) => answer !== null && answer !== undefined);
  return at < 0 ? null : { shard: shards[at] as ShardEnv, found: answers[at] as T };
}
