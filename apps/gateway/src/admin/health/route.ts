import { Hono } from "hono";
import type { AppEnv, WorkerEnv } from "../../env";
import { isoSeconds } from "../../iso-seconds";
import { everyShard } from "../../shards/shard-env";
import { carrierHealth } from "./carriers";
import { deadLetterHealth, LATEST_DEAD_LETTERS } from "./dead-letters";
import { keyHealth, LISTED } from "./keys";
import { mergeShardViews, rank } from "./merge-shards";
import { pipelineHealth } from "./pipeline";
import { problemsOf } from "./problems";
import { QueryBatch } from "./query-batch";
import { COUNT_CAP } from "./thresholds";
import { addDispatcherViews, TOP, webhookHealth } from "./webhooks";

/**
 * Builds the operator health view at `nowMs`: one D1 batch of bounded, indexed reads per database
 * (the directory and every shard, at once), added up, then the busiest webhook dispatchers asked
 * what they hold. `status` is `degraded` when any threshold of
 * `THRESHOLDS` is breached, and `problems` says which.
 */
export async function readHealth(env: WorkerEnv, nowMs: number) {
  // The directory: carriers, routes, and the dead letters whose body named no shard.
  const directory = new QueryBatch(env.DIRECTORY);
  const carriers = carrierHealth(directory, env);
  const unreadableDeadLetters = deadLetterHealth(directory, nowMs);
  // Each shard: its pipeline, outbox, keys and dead letters, in one batch of its own.
  const shards = everyShard(env).map((shard) => {
    const batch = new QueryBatch(shard.DB);
    return {
      shard,
      batch,
      pipeline: pipelineHealth(batch, nowMs),
      deadLetters: deadLetterHealth(batch, nowMs),
      webhooks: webhookHealth(batch, nowMs, shard.SHARD),
      keys: keyHealth(batch, nowMs),
    };
  });
  await Promise.all([directory.run(), ...shards.map((s) => s.batch.run())]);
  const perShard = shards.map((s) => ({
    shard: s.shard,
    pipeline: s.pipeline(),
    dead_letters: s.deadLetters(),
    webhooks: s.webhooks(),
    keys: s.keys(),
  }));
  const webhooks = mergeShardViews(perShard.map((s) => s.webhooks));
  webhooks.top_destinations = rank(webhooks.top_destinations, (d) => d.pending, TOP);
  // A destination dead in several shards counts once, with their dead added up.
  const deadBy = new Map<string | null, number>();
  for (const d of webhooks.dead_last_24h.top_destinations)
    deadBy.set(d.destination, (deadBy.get(d.destination) ?? 0) + d.dead);
  webhooks.dead_last_24h.top_destinations = rank(
    [...deadBy].map(([destination, dead]) => ({ destination, dead })),
    (d) => d.dead,
    TOP,
  );
  webhooks.disabled_key_webhooks = rank(
    webhooks.disabled_key_webhooks,
    (k) => Date.parse(k.disabled_at),
    LISTED,
  );
  const keys = mergeShardViews(perShard.map((s) => s.keys));
  keys.suspended = rank(keys.suspended, (k) => Date.parse(k.suspended_until), LISTED);
  const deadLetters = mergeShardViews([unreadableDeadLetters(), ...perShard.map((s) => s.dead_letters)]);
  deadLetters.latest = rank(deadLetters.latest, (l) => -(l.age_seconds ?? 0), LATEST_DEAD_LETTERS);
  const parts = {
    pipeline: mergeShardViews(perShard.map((s) => s.pipeline)),
    dead_letters: deadLetters,
    webhooks,
    keys,
    carriers: await carriers(),
  };
  await addDispatcherViews(env, parts.webhooks);
  const problems = problemsOf(parts);
  return {
    status: problems.length === 0 ? ("ok" as const) : ("degraded" as const),
    checked_at: isoSeconds(nowMs),
    problems,
    count_cap: COUNT_CAP,
    ...parts,
    /** Each shard's own pipeline, so a backlog can be traced to the database that holds it. */
    shards: perShard.map((s) => ({ shard: s.shard.SHARD, pipeline: s.pipeline })),
  };
}

export type HealthView = Awaited<ReturnType<typeof readHealth>>;

/** `GET /admin/v1/health`: what an operator needs to see at 3 a.m., in one answer. */
export const healthRoutes = new Hono<AppEnv>().get("/health", async (c) =>
  c.json({ status_code: 200, success: true, data: await readHealth(c.env, Date.now()) }),
);
