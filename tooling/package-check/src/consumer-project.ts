// A fresh npm project, as another team starts one: `npm init -y`, `"type": "module"`, then the packed
// tarballs and the registry packages such a project would add beside them, in one `npm install`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Tarball } from "./pack.ts";
import { describeRun, runCommand } from "./run-command.ts";

/**
 * What the consumer project installs from the registry next to our tarballs: zod (the peer), express
 * (README receivers), and the type packages a TypeScript project on Node has.
 */
export const consumerRegistryPackages = ["zod@^4", "express@^5", "@types/node@^22", "@types/express@^5"];

// A cold npm install of ~80 packages over a slow link; a normal one takes seconds.
const INSTALL_WITHIN_MS = 300_000;

/**
 * The environment for npm and for code run in the consumer project: the caller's, without what pnpm
 * and npm put there for our own scripts (`npm_config_*` would configure the consumer's npm), and with
 * an npm cache of the run's own, so nothing is reused from an earlier run.
 */
export function consumerEnv(cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|LISOLOO_|NODE_OPTIONS$|VITEST|TEST$)/.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    npm_config_cache: cacheDir,
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * Creates the project in `dir` and installs the tarballs with `registryPackages` (npm specs) in one
 * `npm install`; throws with npm's output on failure.
 */
export async function createConsumerProject(
  dir: string,
  tarballs: Tarball[],
  registryPackages: string[],
  cacheDir: string,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const env = consumerEnv(cacheDir);
  const init = await runCommand("npm", ["init", "-y"], { cwd: dir, env, timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`npm init failed:\n${describeRun(init)}`);
  const manifestFile = path.join(dir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  writeFileSync(manifestFile, `${JSON.stringify({ ...manifest, type: "module" }, null, 2)}\n`);
  const install = await runCommand(
    "npm",
    ["install", "--no-audit", "--no-fund", ...tarballs.map((t) => t.file), ...registryPackages],
    { cwd: dir, env, timeoutMs: INSTALL_WITHIN_MS },
  );
  if (install.code !== 0) {
    // A silent timeout is almost always the registry out of reach: under turbo, only the variables
    // listed in this package's turbo.json (proxies, CA certificates) reach npm.
    const hint = install.timedOut
      ? "\n(no answer in time: can npm reach its registry from this environment?)"
      : "";
    throw new Error(`npm install in the consumer project failed:\n${describeRun(install)}${hint}`);
  }
}
