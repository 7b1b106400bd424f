import { archiveSends } from "../archive/archive-sends";
import { archiveShareOf } from "../archive/share";
import { configOf } from "../config/config";
import type { ShardEnv, WorkerEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { enqueue } from "../pipeline/enqueue";
import { everyShard } from "../shards/shard-env";
import { sweepWebhookOutbox } from "../webhooks/outbox/sweep";
import { expireValidity } from "./expire-validity";
import { purgeIdempotencyKeys } from "./purge-idempotency";
import { purgeWebhookAttempts } from "./purge-webhook-attempts";
import { releaseDueDispatches } from "./release-dispatches";
import { closeUnknownSubmits, requeueStuckDispatches, requeueUnsubmitted } from "./requeue-stuck";

/**
 * The every-minute cron (CONTRACT §6): release due dispatches, sweep, and move old history out of D1,
 * on every shard. Each job is independent, so one failing does not stop the others; the next run
 * retries whatever is left.
 *
 * The jobs of every shard share one invocation, so their D1 queries add up against its limit (1000): each takes a
 * bounded page per run and leaves the rest to the next. A run where every job has a full page costs
 * about 70 queries (test/query-budget.test.ts measures it): release up to 23, requeue 2 and 3,
 * unknown submits 7, expiry 35, the Idempotency-Key purge up to 4, the outbox sweep 2. Should every receipt-path write lose a race and be re-read four more times (about 5
 * queries each), a shard still stays near 200; a full page on every job at once is far from the
 * usual run.
 *
 * The archive is the exception: its budget is the invocation's, not a shard's. At most
 * ARCHIVE_SHARDS_PER_INVOCATION (2) of the invocation's shards archive, in turn when there are more,
 * and share ARCHIVE_PER_INVOCATION between them (archive/share.ts):
 * - 400 sends, so at most 400 R2 puts: the invocation's only R2 calls, well under its 1000
 *   subrequests;
 * - 10,000 deliveries, so at most about 470 D1 queries (both shards moving 5,000 deliveries of rows
 *   each, in the smallest groups), 19 per shard for 200 one-recipient sends (archive/archive-sends.ts
 *   has the arithmetic, test/archive.test.ts measures it).
 * With the archive's worst case on top, the races' worst case of two shards comes to
 * 2 × 200 + 470 = 870 queries: so one invocation runs the jobs of at most `CRON_SHARDS_PER_INVOCATION`
 * shards (default and most 2), and a deployment with more hands each shard's jobs to the queue, one
 * message and one consumer invocation per shard, where a shard archives alone (up to 400 sends a
 * minute, 576,000 a day, whatever the number of shards).
 */
export async function runScheduledJobs(
  controller: ScheduledController,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  const now = controller.scheduledTime;
  const shards = everyShard(env);
  if (shards.length <= configOf(env).cronShardsPerInvocation) return runShardJobs(shards, ctx, now);
  // Too many shards for one invocation's D1 queries: each shard's jobs become a queue message, run
  // by a consumer invocation of its own (`cron` messages, pipeline/consumer.ts), judged by this run's clock.
  await enqueue(
    env,
    shards.map((shard) => ({ type: "cron" as const, shard: shard.SHARD, scheduledTime: now })),
  );
  log.info("cron", { scheduled_time: isoSeconds(now), handed_to_queue: shards.length });
}

/**
 * Runs every job on each of these shards at once (a shard's jobs are independent of the others'),
 * logs what each job did and throws the first failure once all ran.
 *
 * No `PRAGMA optimize` or `ANALYZE`: statistics taken while a shard is small (or at an odd moment,
 * such as a release of a thousand deliveries not yet handed over) steer SQLite to scans that grow with
 * the shard. Without statistics the planner picks the index plans test/query-plans.test.ts checks.
 */
export async function runShardJobs(shards: ShardEnv[], ctx: ExecutionContext, now: number): Promise<void> {
  const jobs: [string, () => Promise<number>][] = shards.flatMap((shard, index) => {
    const on = (name: string, job: () => Promise<number>): [string, () => Promise<number>] => [
      `${name}@${shard.SHARD}`,
      job,
    ];
    const archiveShare = archiveShareOf(index, shards.length, now);
    return [
      on("release_dispatches", () => releaseDueDispatches(shard, now)),
      on("requeue_stuck", () => requeueStuckDispatches(shard, now)),
      on("requeue_unsubmitted", () => requeueUnsubmitted(shard, now)),
      on("close_unknown_submits", () => closeUnknownSubmits(shard, ctx, now)),
      on("expire_validity", () => expireValidity(shard, ctx, now)),
      on("purge_idempotency", () => purgeIdempotencyKeys(shard, now)),
      on("sweep_webhooks", () => sweepWebhookOutbox(shard, now)),
      on("purge_webhook_attempts", () => purgeWebhookAttempts(shard, now)),
      ...(archiveShare ? [on("archive_sends", () => archiveSends(shard, now, archiveShare))] : []),
    ];
  });
  const outcomes = await Promise.allSettled(jobs.map(([, job]) => job()));
  const summary: Record<string, number | string> = {};
  outcomes.forEach((outcome, i) => {
    const name = (jobs[i] as [string, unknown])[0];
    summary[name] = outcome.status === "fulfilled" ? outcome.value : `error: ${String(outcome.reason)}`;
  });
  log.info("cron", { scheduled_time: isoSeconds(now), ...summary });
  const failed = outcomes.find((o) => o.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
