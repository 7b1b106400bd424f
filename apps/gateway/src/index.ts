import { createApp } from "./app";
import { checkConfig, configOf } from "./config/config";
import { misconfiguredApp } from "./config/unavailable";
import { runScheduledJobs } from "./cron/scheduled";
import type { WorkerEnv } from "./env";
import { withD1QueryLog } from "./observability/d1-queries";
import { recordDeadLetters } from "./observability/dead-letter-log";
import { consumeSendQueue } from "./pipeline/consumer";
import { consumeDeadLetters } from "./pipeline/dead-letters";

const app = createApp();

/**
 * A batch that arrives while the environment is invalid comes back this much later: a misconfigured
 * deployment then spends one delivery attempt every five minutes, not its whole retry budget (and the
 * dead-letter queue) within seconds, and nothing is lost while an operator fixes it.
 */
const CONFIG_RETRY_DELAY_SECONDS = 300;

// The environment is checked once, before anything reads it: an invalid one answers every request
// 503 1402 (findings in the `config.invalid` log) and fails every batch and cron run loudly.
export default withD1QueryLog({
  fetch: (request, env, ctx) =>
    checkConfig(env).ok ? app.fetch(request, env, ctx) : misconfiguredApp.fetch(request, env, ctx),
  queue: async (batch, env, ctx) => {
    const checked = checkConfig(env);
    if (!checked.ok) {
      batch.retryAll({ delaySeconds: CONFIG_RETRY_DELAY_SECONDS });
      throw checked.error;
    }
    // The send and receipt queues share a consumer (it reads every message type) and a dead-letter queue.
    if (!batch.queue.includes("-dlq-")) return consumeSendQueue(batch, env, ctx);
    await recordDeadLetters(env, batch);
    return consumeDeadLetters(batch, env, ctx);
  },
  scheduled: async (controller, env, ctx) => {
    configOf(env);
    await runScheduledJobs(controller, env, ctx);
  },
} satisfies ExportedHandler<WorkerEnv>);

export { SmppBind } from "./carriers/smpp/bind";
export { KeyGuard } from "./key-guard/key-guard";
export { WebhookDispatcher } from "./webhooks/dispatcher/dispatcher";
