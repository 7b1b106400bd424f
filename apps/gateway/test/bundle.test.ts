import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBindings } from "../scripts/binding-use.ts";
import {
  type Bundle,
  bundleFindings,
  bundleWorker,
  kib,
  profileStartup,
  SIZE_BUDGET_GZIP_BYTES,
  SIZE_LIMIT_GZIP_BYTES,
  STARTUP_BUDGET_MS,
  STARTUP_LIMIT_MS,
} from "../scripts/bundle-check.ts";
import { environmentNames, readWranglerConfig } from "../scripts/wrangler-config.ts";

// Each environment bundled as `wrangler deploy --dry-run` makes it (no Cloudflare account), held to
// Cloudflare's limits and to our budgets (scripts/bundle-check.ts says where each figure comes from).
// The sizes and startup times are printed, for the README's Deployment section.

const config = readWranglerConfig();
const work = mkdtempSync(path.join(tmpdir(), "lisoloo-bundle-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Load on a shared machine only ever adds time: the least of up to three profiles is the bundle's own. */
function startupOf(bundleFile: string, profileFile: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3 && best > STARTUP_BUDGET_MS; run++)
    best = Math.min(best, profileStartup(bundleFile, profileFile));
  return best;
}

it("bundles both environments of wrangler.jsonc", () => {
  expect(environmentNames(config)).toEqual(["sandbox", "production"]);
});

describe.each(environmentNames(config))("the %s bundle", (environment) => {
  let bundle: Bundle;
  let startupMs = Number.NaN;

  beforeAll(() => {
    const bundleFile = path.join(work, `${environment}.bundle`);
    bundle = bundleWorker({ environment, outdir: path.join(work, environment), bundleFile });
    if (bundle.status !== 0) return;
    startupMs = startupOf(bundleFile, path.join(work, `${environment}.cpuprofile`));
    console.log(
      `${environment}: ${kib(bundle.bytes)}, ${kib(bundle.gzipBytes)} gzipped ` +
        `(budget ${kib(SIZE_BUDGET_GZIP_BYTES)}, limit ${SIZE_LIMIT_GZIP_BYTES / 1e6} MB); ` +
        `startup ${startupMs.toFixed(1)} ms of CPU in local workerd (budget ${STARTUP_BUDGET_MS} ms, ` +
        `limit ${STARTUP_LIMIT_MS} ms)`,
    );
  });

  it("builds, and wrangler warns about nothing (a binding missing from the environment, say)", () => {
    expect(bundle.status, bundle.output).toBe(0);
    expect(bundle.warnings).toEqual([]);
  });

  it("stays under the Workers Free plan's 3 MB, and under our budget", () => {
    expect(bundleFindings(bundle)).toEqual([]);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(SIZE_BUDGET_GZIP_BYTES);
  });

  it("starts within our budget, far below Cloudflare's 1 s", () => {
    expect(startupMs).toBeLessThanOrEqual(STARTUP_BUDGET_MS);
  });

  it("declares every binding its code reads, and its code reads every binding it declares", () => {
    expect(checkBindings(config, environment)).toEqual([]);
  });
});
