import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { isoSeconds } from "../../iso-seconds";
import { carrierHealth } from "./carriers";
import { deadLetterHealth } from "./dead-letters";
import { keyHealth } from "./keys";
import { pipelineHealth } from "./pipeline";
import { problemsOf } from "./problems";
import { QueryBatch } from "./query-batch";
import { COUNT_CAP } from "./thresholds";
import { addDispatcherViews, webhookHealth } from "./webhooks";

/**
 * Builds the operator health view at `nowMs`: one D1 batch of bounded, indexed reads, then the busiest
 * webhook dispatchers asked what they hold. `status` is `degraded` when any threshold of
 * `THRESHOLDS` is breached, and `problems` says which.
 */
export async function readHealth(env: AppEnv["Bindings"], nowMs: number) {
  const batch = new QueryBatch(env.DB);
  const pipeline = pipelineHealth(batch, nowMs);
  const deadLetters = deadLetterHealth(batch, nowMs);
  const webhooks = webhookHealth(batch, nowMs);
  const keys = keyHealth(batch, nowMs);
  const carriers = carrierHealth(batch, env);
  await batch.run();
  const parts = {
    pipeline: pipeline(),
    dead_letters: deadLetters(),
    webhooks: webhooks(),
    keys: keys(),
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
  };
}

export type HealthView = Awaited<ReturnType<typeof readHealth>>;

/** `GET /admin/v1/health`: what an operator needs to see at 3 a.m., in one answer. */
export const healthRoutes = new Hono<AppEnv>().get("/health", async (c) =>
  c.json({ status_code: 200, success: true, data: await readHealth(c.env, Date.now()) }),
);
