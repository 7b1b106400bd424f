import type { ShardEnv, WorkerEnv } from "../env";
import { countedD1 } from "../observability/d1-queries";

/** A shard's binding name: `DB_0`, `DB_1`, … (wrangler.jsonc). */
export type ShardName = `DB_${number}`;

const SHARD_BINDING = /^DB_(0|[1-9]\d{0,2})$/;

/** Whether `name` is a shard binding this deployment has (a queue message or dlr-url names one). */
export function isShardOf(env: WorkerEnv, name: string): name is ShardName {
  return SHARD_BINDING.test(name) && typeof (env as unknown as Record<string, unknown>)[name] === "object";
}

const namesCache = new WeakMap<object, ShardName[]>();

/**
 * The shards of this deployment, in index order: every `DB_<n>` D1 binding. Read from the bindings
 * themselves, so adding a shard is a wrangler.jsonc change and nothing else.
 *
 * @example shardNames(env) // ["DB_0", "DB_1"]
 */
export function shardNames(env: WorkerEnv): ShardName[] {
  const cached = namesCache.get(env);
  if (cached) return cached;
  const names = Object.keys(env)
    .filter((name): name is ShardName => isShardOf(env, name))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  namesCache.set(env, names);
  return names;
}

/**
 * Each env's views of its shards, made once: the runtime hands every event of an isolate the same
 * env, so a view is one object for the isolate's life, and what is cached per env object (the
 * checked configuration, config/config.ts) stays a hit instead of being redone for every copy.
 */
const shardViews = new WeakMap<object, Map<string, ShardEnv>>();

/**
 * The Worker's bindings as the code working on one shard sees them: `DB` is that shard's D1
 * database and `SHARD` its name. The only place that picks a `DB_<n>` binding; everything below a
 * route, a queue message or a cron fan-out reads `env.DB` and so works on the right shard.
 *
 * @example const onShard = shardEnv(env, "DB_1"); await onShard.DB.prepare("SELECT 1").first();
 */
export function shardEnv(env: WorkerEnv, shard: string): ShardEnv {
  let views = shardViews.get(env);
  const known = views?.get(shard);
  if (known) return known;
  if (!isShardOf(env, shard)) throw new Error(`unknown shard ${JSON.stringify(shard)}`);
  const db = countedD1(env, shard, (env as unknown as Record<string, D1Database>)[shard] as D1Database);
  // The same bindings plus the two names (a shallow copy: the queue and Durable Object bindings are
  // the real ones). Frozen, since every request of the isolate shares it.
  const view: ShardEnv = Object.freeze({ ...env, DB: db, SHARD: shard });
  if (views === undefined) {
    views = new Map();
    shardViews.set(env, views);
  }
  views.set(shard, view);
  return view;
}

/** Every shard's view, for the jobs that fan out over all of them (cron, operator reads). */
export function everyShard(env: WorkerEnv): ShardEnv[] {
  return shardNames(env).map((name) => shardEnv(env, name));
}
