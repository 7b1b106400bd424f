import { type BundleBudget, describeBundleBudgets } from "@lisoloo/bundle-size";

/**
 * What an application pays, minified and gzipped, for one import from each entry point, zod
 * included (an application already on zod 4 shares it). Each budget is what the entry weighs today
 * plus about 10 %. The README's last section shows this table: change both together. A new subpath
 * export needs a row here, or this test fails.
 */
const budgets: readonly BundleBudget[] = [
  { entry: ".", name: "countSegments", kb: 1.9 },
  { entry: "./segments", name: "countSegments", kb: 1.9 },
  { entry: "./schemas", name: "sendRequestSchema", kb: 31.6 },
  { entry: "./schemas", name: "parseSendRequest", kb: 37.7 },
  { entry: "./schemas", name: "webhookEventSchema", kb: 32.6 },
  { entry: "./schemas", name: "webhookEventTypes", kb: 0.3 },
  { entry: "./errors", name: "errorFromIssues", kb: 6.6 },
  { entry: "./errors", name: "localizedErrorMessage", kb: 2.0 },
  { entry: "./pricing", name: "priceSend", kb: 0.4 },
  { entry: "./lifecycle", name: "applyReceipt", kb: 1.2 },
  { entry: "./schedule", name: "expandSchedule", kb: 3.5 },
];

describeBundleBudgets(new URL("..", import.meta.url), budgets);
