import type { WorkerEnv } from "../../env";
import { isoSeconds } from "../../iso-seconds";
import { shardEnv } from "../../shards/shard-env";
import { dispatchersOf } from "../../webhooks/dispatcher/address";
import { sumQueueStats } from "../../webhooks/dispatcher/queue-store";
import { ageSeconds, type QueryBatch } from "./query-batch";
import { COUNT_CAP, THRESHOLDS } from "./thresholds";

/** Destinations listed in each ranking. */
export const TOP = 5;
/** Disabled webhooks and suspended keys listed. */
const LISTED = 20;
/** A dispatcher that does not answer this fast is reported as unknown rather than slowing the view. */
const DISPATCHER_TIMEOUT_MS = 1000;

type Pending = { count: number; oldest_at: number | null; stalled: number };
type ByDestination = { destination: string | null; count: number; oldest_at: number | null; total: number };
type DisabledKey = {
  id: string;
  merchant_id: string;
  webhook_url: string | null;
  webhook_disabled_at: number;
};

/**
 * The webhook outbox: pending events (with those the sweep should already have re-handed, `stalled`),
 * the destinations holding most of them, events that died in the last 24 hours by destination, and
 * keys whose webhook a 410 disabled. Each statement walks at most `COUNT_CAP` entries of an index.
 * "Dead in the last 24 h" counts events created in that window: an event dies within about 75
 * minutes of its creation (five attempts), so the two windows are nearly the same.
 */
export function webhookHealth(batch: QueryBatch, nowMs: number, shard: string) {
  const pending = batch.add<Pending>(
    "webhooks_pending",
    `SELECT COUNT(*) AS count, MIN(created_at) AS oldest_at,
            COUNT(CASE WHEN (taken_at IS NULL AND created_at <= ?1) OR next_attempt_at <= ?2 THEN 1 END) AS stalled
     FROM (SELECT created_at, taken_at, next_attempt_at FROM webhook_events
           WHERE status = 'pending' ORDER BY created_at LIMIT ?3)`,
    nowMs - THRESHOLDS.webhookUntakenMs,
    nowMs - THRESHOLDS.webhookOverdueMs,
    COUNT_CAP,
  );
  const busiest = batch.add<ByDestination>(
    "webhooks_busiest",
    `SELECT destination, COUNT(*) AS count, MIN(created_at) AS oldest_at, SUM(COUNT(*)) OVER () AS total
     FROM (SELECT destination, created_at FROM webhook_events WHERE status = 'pending' ORDER BY created_at LIMIT ?1)
     GROUP BY destination ORDER BY count DESC, oldest_at LIMIT ${TOP}`,
    COUNT_CAP,
  );
  const dead = batch.add<ByDestination>(
    "webhooks_dead",
    `SELECT destination, COUNT(*) AS count, MIN(created_at) AS oldest_at, SUM(COUNT(*)) OVER () AS total
     FROM (SELECT destination, created_at FROM webhook_events WHERE status = 'dead' AND created_at >= ?1
           ORDER BY created_at DESC LIMIT ?2)
     GROUP BY destination ORDER BY count DESC LIMIT ${TOP}`,
    nowMs - 24 * 3_600_000,
    COUNT_CAP,
  );
  const disabled = batch.add<DisabledKey>(
    "disabled_key_webhooks",
    `SELECT id, merchant_id, webhook_url, webhook_disabled_at FROM api_keys
     WHERE webhook_disabled_at IS NOT NULL ORDER BY webhook_disabled_at DESC LIMIT ${LISTED}`,
  );
  return () => {
    const p = pending()[0];
    const deadRows = dead();
    return {
      pending: {
        count: p?.count ?? 0,
        oldest_age_seconds: ageSeconds(p?.oldest_at, nowMs),
        stalled: p?.stalled ?? 0,
      },
      top_destinations: busiest().map((row) => ({
        destination: row.destination,
        /** The shard whose events these are: each shard has its own dispatcher per destination. */
        shard,
        pending: row.count,
        oldest_pending_age_seconds: ageSeconds(row.oldest_at, nowMs),
        dispatcher: null as DispatcherView | null,
      })),
      dead_last_24h: {
        count: deadRows[0]?.total ?? 0,
        top_destinations: deadRows.map((row) => ({ destination: row.destination, dead: row.count })),
      },
      disabled_key_webhooks: disabled().map((row) => ({
        key_id: row.id,
        merchant_id: row.merchant_id,
        webhook_url: row.webhook_url,
        disabled_at: isoSeconds(row.webhook_disabled_at),
      })),
    };
  };
}

export type WebhookHealth = ReturnType<ReturnType<typeof webhookHealth>>;

/** What a destination's dispatcher holds: its queue, and attempts under way and due. */
export type DispatcherView = {
  queued: number;
  in_flight: number;
  due: number;
  next_attempt_at: string | null;
};

async function dispatcherView(
  env: WorkerEnv,
  shard: string,
  destination: string,
): Promise<DispatcherView | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DISPATCHER_TIMEOUT_MS);
  });
  try {
    // Every lane of the destination (`WEBHOOK_DISPATCHER_LANES`), added up; unknown unless all answer.
    const lanes = Promise.all(dispatchersOf(shardEnv(env, shard), destination).map((lane) => lane.stats()));
    const answered = await Promise.race([lanes, timeout]);
    if (answered === null) return null;
    const stats = sumQueueStats(answered);
    return {
      queued: stats.queued,
      in_flight: stats.inFlight,
      due: stats.due,
      next_attempt_at: stats.nextAttemptAt === null ? null : isoSeconds(stats.nextAttemptAt),
    };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Adds, for each of the busiest destinations, what its dispatcher holds (the Durable Object is where
 * in-flight attempts are known); null where it did not answer within a second.
 */
export async function addDispatcherViews(env: WorkerEnv, health: WebhookHealth): Promise<void> {
  await Promise.all(
    health.top_destinations.map(async (entry) => {
      if (entry.destination !== null)
        entry.dispatcher = await dispatcherView(env, entry.shard, entry.destination);
    }),
  );
}
