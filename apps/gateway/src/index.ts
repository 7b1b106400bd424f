import { createApp } from "./app";
import { runScheduledJobs } from "./cron/scheduled";
import type { Bindings } from "./env";
import { consumeSendQueue } from "./pipeline/consumer";
import { consumeDeadLetters } from "./pipeline/dead-letters";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) =>
    batch.queue.includes("-dlq-") ? consumeDeadLetters(batch, env, ctx) : consumeSendQueue(batch, env, ctx),
  scheduled: runScheduledJobs,
} satisfies ExportedHandler<Bindings>;

export { KeyGuard } from "./key-guard/key-guard";
export { WebhookDispatcher } from "./webhooks/dispatcher";
