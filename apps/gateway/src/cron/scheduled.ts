import type { WorkerEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { everyShard } from "../shards/shard-env";
import { sweepWebhookOutbox } from "../webhooks/sweep";
import { expireValidity } from "./expire-validity";
import { purgeIdempotencyKeys } from "./purge-idempotency";
import { releaseDueDispatches } from "./release-dispatches";
import { closeUnknownSubmits, requeueStuckDispatches, requeueUnsubmitted } from "./requeue-stuck";

/**
 * The every-minute cron (CONTRACT §6): release due dispatches and sweep, on every shard. Each job is independent, so
 * one failing does not stop the others; the next run retries whatever is left.
 */
export async function runScheduledJobs(
  controller: ScheduledController,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  const now = controller.scheduledTime;
  // Every job runs on every shard at once; a shard's jobs are independent of the others'.
  const jobs: [string, () => Promise<number>][] = everyShard(env).flatMap((shard) => {
    const on = (name: string, job: () => Promise<number>): [string, () => Promise<number>] => [
      `${name}@${shard.SHARD}`,
      job,
    ];
    return [
      on("release_dispatches", () => releaseDueDispatches(shard, now)),
      on("requeue_stuck", () => requeueStuckDispatches(shard, now)),
      on("requeue_unsubmitted", () => requeueUnsubmitted(shard, now)),
      on("close_unknown_submits", () => closeUnknownSubmits(shard, ctx, now)),
      on("expire_validity", () => expireValidity(shard, ctx, now)),
      on("purge_idempotency", () => purgeIdempotencyKeys(shard, now)),
      on("sweep_webhooks", () => sweepWebhookOutbox(shard, now)),
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
