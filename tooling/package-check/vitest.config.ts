import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packs both packages, installs them with npm and starts a gateway once for every test file.
    globalSetup: ["test/global-setup.ts"],
    // Each test runs real processes (tsc, node, a README block against the gateway); a block may take
    // its whole 60 s.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
