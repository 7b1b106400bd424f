import { createApp } from "./app";
import type { Bindings } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;

export { KeyGuard } from "./key-guard/key-guard";
export { WebhookDispatcher } from "./webhooks/dispatcher";
