// How the release tooling runs wrangler, drizzle-kit and pnpm: each from the gateway's own
// devDependencies with the Node running us (wrangler refuses Node 20), no shell, no PATH lookup.
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gatewayDir } from "./wrangler-config.ts";

/** Wrangler without telemetry, `Request.cf` lookups, colours or confirmation prompts. */
export const quietEnv: NodeJS.ProcessEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  NO_COLOR: "1",
};

function binOf(pkg: string): string {
  const dir = path.join(gatewayDir, "node_modules", pkg);
  const { bin } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    bin: string | Record<string, string>;
  };
  return path.join(dir, typeof bin === "string" ? bin : (bin[pkg] as string));
}

/**
 * pnpm as the one running us (`pnpm deploy:sandbox` sets npm_execpath to it, a script or a native
 * binary), else the one on PATH.
 */
function pnpm(): string[] {
  const own = process.env.npm_execpath;
  if (!own || !/^pnpm/.test(path.basename(own))) return ["pnpm"];
  return /\.[cm]?js$/.test(own) ? [process.execPath, own] : [own];
}

/** The argv that runs `command` (`["wrangler", "deploy", …]`) here. */
export function resolved(command: readonly string[]): string[] {
  const [tool = "", ...args] = command;
  // A stand-in for wrangler, so the release script's tests can run a release without an account.
  const standIn = process.env.LISOLOO_RELEASE_WRANGLER;
  if (tool === "wrangler" && standIn) return [process.execPath, standIn, ...args];
  if (tool === "wrangler" || tool === "drizzle-kit") return [process.execPath, binOf(tool), ...args];
  if (tool === "pnpm") return [...pnpm(), ...args];
  return [...command];
}

export type Ran = { status: number; output: string };

/**
 * Runs `command` in the gateway's folder and waits. `show`: its output goes to the terminal as it
 * comes; otherwise it is collected (stdout, then stderr) for the caller to read or print.
 */
export function run(command: readonly string[], options: { show?: boolean; cwd?: string } = {}): Ran {
  const [file = "", ...args] = resolved(command);
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd ?? gatewayDir,
    env: quietEnv,
    stdio: options.show ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  };
  const result = spawnSync(file, args, spawnOptions);
  // Not started at all (not installed, say): 127, as a shell says it, and why.
  if (result.error) return { status: 127, output: `${file}: ${result.error.message}` };
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}
