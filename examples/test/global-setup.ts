// Starts the gateway the README's first command starts (`node apps/gateway/scripts/dev.mjs`), on a free
// port and with local state of its own (see @lisoloo/dev-gateway). Its output goes to
// test-results/gateway.log, kept after the run for when a test fails.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startDevGateway } from "@lisoloo/dev-gateway";
import type { TestProject } from "vitest/node";

const logFile = path.resolve(import.meta.dirname, "../test-results/gateway.log");

declare module "vitest" {
  export interface ProvidedContext {
    gateway: {
      baseUrl: string;
      apiKey: string;
      adminToken: string;
      logFile: string;
      /** The Basic login every language's receiver expects; set on the dev key by each test file. */
      webhookUsername: string;
      webhookPassword: string;
    };
  }
}

export default async function setup(project: TestProject) {
  const gateway = await startDevGateway({
    logFile,
    // Everything the examples schedule is due tomorrow at the earliest.
    env: { LISOLOO_CRON_TICKER: "off" },
  });
  project.provide("gateway", {
    baseUrl: gateway.baseUrl,
    apiKey: gateway.apiKey,
    adminToken: gateway.adminToken,
    logFile,
    webhookUsername: "lisoloo_webhook_user",
    webhookPassword: randomBytes(18).toString("base64url"),
  });
  return gateway.stop;
}
