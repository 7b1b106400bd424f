import { defineConfig } from "vitest/config";

// The Node side of the gateway's tests: what workerd cannot do (spawn processes), such as linting the
// OpenAPI document with @redocly/cli, bundling each environment with wrangler (test/bundle.test.ts)
// or the release script's dry run. vitest.config.ts runs everything else inside workerd.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/node/**/*.test.ts", "test/bundle.test.ts"],
    // redocly starts a fresh Node and loads its rules (in a beforeAll); a loaded CI machine needs headroom.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-node.json" },
  },
});
