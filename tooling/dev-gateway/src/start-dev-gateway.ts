// Starts the gateway as the README's first command does (`node apps/gateway/scripts/dev.mjs`: migrations,
// the sandbox seed, `wrangler dev`), but on a free port and with local state of its own, so it never
// meets a developer's running gateway or their `.wrangler/state`. Test suites that need a real API (the
// examples, the packed packages' README blocks) share it.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port";

const gatewayDir = path.dirname(createRequire(import.meta.url).resolve("@lisoloo/gateway/package.json"));
const repoRoot = path.resolve(gatewayDir, "../..");
const READY_WITHIN_MS = 180_000; // a cold first bundle on a busy 2-core machine

export type DevGatewayOptions = {
  /** Where dev.mjs and wrangler write their output; kept after the run for when a test fails. */
  logFile: string;
  /** More environment for dev.mjs, e.g. `{ LISOLOO_CRON_TICKER: "off" }`. */
  env?: Record<string, string>;
};

export type DevGateway = {
  /** The origin, e.g. `http://127.0.0.1:40123`; the API is under `/api/v1/lisoloo/sms-api`. */
  baseUrl: string;
  /** The seeded sandbox key (`sk_test_…`) dev.mjs printed. */
  apiKey: string;
  /** The operator token dev.mjs printed, for `/admin/v1`. */
  adminToken: string;
  logFile: string;
  /** Stops dev.mjs, wrangler and workerd, and removes the local state. */
  stop: () => Promise<void>;
};

/** `NAME=value` as printed by dev.mjs, read back the way a person copies it from the terminal. */
function printed(logFile: string, name: string): string | undefined {
  return new RegExp(`^${name}=(\\S+)$`, "m").exec(readFileSync(logFile, "utf8"))?.[1];
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The whole group: dev.mjs, wrangler and the workerd it starts.
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {}
}

/**
 * Starts the sandbox gateway and waits until `/health` answers; throws with the end of its log when it
 * exits or is not ready within three minutes.
 *
 * @example
 * const gateway = await startDevGateway({ logFile: "test-results/gateway.log" });
 * await fetch(`${gateway.baseUrl}/api/v1/lisoloo/sms-api/balance`, { headers: { "app-key": gateway.apiKey } });
 * await gateway.stop();
 */
export async function startDevGateway(options: DevGatewayOptions): Promise<DevGateway> {
  const { logFile } = options;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const stateDir = mkdtempSync(path.join(tmpdir(), "lisoloo-dev-gateway-"));
  const log = openSync(logFile, "w");
  const port = await freePort();
  const dev = spawn(process.execPath, [path.join(gatewayDir, "scripts/dev.mjs")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(port),
      LISOLOO_STATE_DIR: stateDir,
      // `pnpm --filter @lisoloo/gateway dev` would put wrangler on the PATH; so does this.
      PATH: `${path.join(gatewayDir, "node_modules/.bin")}${path.delimiter}${process.env.PATH}`,
    },
    stdio: ["ignore", log, log],
    detached: true,
  });
  let exited = false;
  dev.once("exit", () => {
    exited = true;
  });
  // Should the run end without stop() (an interrupted test run), no workerd stays behind.
  const backstop = () => stopGroup(dev, "SIGKILL");
  process.once("exit", backstop);

  const stop = async () => {
    process.off("exit", backstop);
    stopGroup(dev, "SIGTERM");
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) stopGroup(dev, "SIGKILL");
    closeSync(log);
    rmSync(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const ready = await fetch(`${baseUrl}/api/v1/lisoloo/sms-api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (exited || Date.now() > deadline) {
      await stop();
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      throw new Error(`The gateway did not answer /health (${exited ? "it exited" : "timed out"}):\n${tail}`);
    }
    await sleep(250);
  }

  const apiKey = printed(logFile, "LISOLOO_API_KEY");
  const adminToken = printed(logFile, "ADMIN_TOKEN");
  if (!apiKey || !adminToken) {
    await stop();
    throw new Error(`dev.mjs did not print LISOLOO_API_KEY and ADMIN_TOKEN; see ${logFile}`);
  }
  return { baseUrl, apiKey, adminToken, logFile, stop };
}
