// The lowest zod our peer range admits, installed beside the latest one under an npm alias, so the
// range's floor is a tested claim: the protocol's zod-facing tests run against it and the packed types
// compile with it. Raising the catalog's zod and using something newer fails here until the floor moves.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readManifest, repoRoot } from "./published-packages.ts";
import { type Ran, runCommand } from "./run-command.ts";

/** The npm alias the floor is installed under in the consumer project. */
export const ZOD_FLOOR_ALIAS = "zod-floor";

const protocolDir = path.join(repoRoot, "packages/protocol");
const vitest = path.resolve(import.meta.dirname, "../node_modules/.bin/vitest");

/** `^4.6.6` → `4.6.6`: the floor of a caret range (the only shape our peer ranges take). */
export function rangeFloor(range: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match?.[1]) throw new Error(`Expected a caret range like ^4.6.6, got ${JSON.stringify(range)}`);
  return match[1];
}

/** The protocol's zod peer range and its floor, read from its package.json. */
export function zodPeer(): { range: string; floor: string } {
  const range = readManifest(protocolDir).peerDependencies?.zod;
  if (!range) throw new Error("@lisoloo/protocol has no zod peer dependency");
  return { range, floor: rangeFloor(range) };
}

/** What `npm install` gets to put the floor at node_modules/zod-floor. */
export function zodFloorInstallSpec(): string {
  return `${ZOD_FLOOR_ALIAS}@npm:zod@${zodPeer().floor}`;
}

/**
 * The declaration file `import "zod"` reaches in the zod installed at `zodDir`. A tsconfig `paths`
 * entry must name the file: a directory there is not read through its package.json `exports`, and tsc
 * silently falls back to node_modules/zod.
 */
export function zodTypesEntry(zodDir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(zodDir, "package.json"), "utf8"));
  const root = manifest.exports?.["."];
  const types = typeof root === "string" ? root : (root?.types ?? root?.import?.types ?? manifest.types);
  if (typeof types !== "string") throw new Error(`No types entry in ${zodDir}/package.json`);
  return path.join(zodDir, types);
}

/**
 * Runs the protocol's schema and error tests (everything that calls zod) from its sources with `zod`
 * resolved to `zodDir`. The config lives in `workDir`, outside the workspace.
 */
export async function runProtocolZodTests(
  zodDir: string,
  workDir: string,
  env: NodeJS.ProcessEnv,
): Promise<Ran> {
  const config = path.join(workDir, "vitest.zod-floor.config.mjs");
  writeFileSync(
    config,
    `export default {
  root: ${JSON.stringify(protocolDir)},
  resolve: { alias: [{ find: /^zod$/, replacement: ${JSON.stringify(zodDir)} }] },
  test: { include: ["src/schemas/**/*.test.ts", "src/errors/**/*.test.ts"], testTimeout: 60000 },
};
`,
  );
  return await runCommand(vitest, ["run", "--config", config], { cwd: protocolDir, env, timeoutMs: 180_000 });
}
