import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "src/db/migrations"));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.jsonc", environment: "sandbox" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            CREDENTIALS_KEY: "test-credentials-key",
            SANDBOX_SLOW_DELIVERY_SECONDS: "2",
            // The webhook receiver of test/global-setup.ts listens on http://127.0.0.1.
            ALLOW_HTTP_LOCALHOST_WEBHOOKS: "true",
            WEBHOOK_RECEIVER_URL: inject("webhookReceiverUrl"),
            // The SMSC simulator of test/global-setup.ts, for the SMPP connector's tests.
            SMSC_PORT: String(inject("smscPort")),
            SMSC_CONTROL_URL: inject("smscControlUrl"),
            SMSC_PASSWORD: inject("smscPassword"),
            // Kannel of test/global-setup.ts, for the HTTP relay connector's tests; its delivery
            // reports go to the webhook receiver, which records them for the tests to replay.
            PUBLIC_BASE_URL: inject("webhookReceiverUrl"),
            KANNEL_SENDSMS_URL: inject("kannelSendsmsUrl"),
            KANNEL_SKIPPED: inject("kannelSkipped"),
            KANNEL_SMSC_ID: inject("kannelSmscId"),
            KANNEL_USERNAME: inject("kannelUsername"),
            KANNEL_PASSWORD: inject("kannelPassword"),
            KANNEL_SMSC_CONTROL_URL: inject("kannelSmscControlUrl"),
          },
        },
      })),
    ],
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      // Node-only tests (they spawn processes, which workerd cannot): vitest.node.config.ts runs them.
      exclude: [...configDefaults.exclude, "test/node/**", "test/bundle.test.ts"],
      // Pipeline and webhook tests wait for real queues and alarms; a loaded CI machine needs headroom.
      testTimeout: 120_000,
      setupFiles: ["./test/apply-migrations.ts"],
      globalSetup: ["./test/global-setup.ts"],
      reporters: ["default", "json"],
      outputFile: { json: "test-results/vitest.json" },
    },
  };
});
