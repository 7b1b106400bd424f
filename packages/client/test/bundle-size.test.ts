import { type BundleBudget, describeBundleBudgets } from "@lisoloo/bundle-size";

/**
 * What an application pays, minified and gzipped, for one import from each entry point, zod
 * included for the client (an application already on zod 4 shares it). Each budget is what the
 * entry weighs today plus about 10 %. The README's last section shows this table: change both
 * together. A new subpath export needs a row here (`node: true` for a Node-only entry), or this
 * test fails.
 */
const budgets: readonly BundleBudget[] = [
  { entry: ".", name: "createLisolooClient", kb: 37.2 },
  { entry: ".", name: "verifyWebhook", kb: 2.8 },
  { entry: "./webhooks", name: "verifyWebhook", kb: 2.8 },
  { entry: "./webhooks", name: "createWebhookHandler", kb: 3.3 },
  { entry: "./webhooks", name: "signWebhook", kb: 1.1 },
  { entry: "./node", name: "createNodeWebhookHandler", kb: 3.6, node: true },
];

describeBundleBudgets(new URL("..", import.meta.url), budgets);
