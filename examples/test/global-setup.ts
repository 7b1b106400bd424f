// Starts the gateway as the README's first command does (`node apps/gateway/scripts/dev.mjs`: migrations,
// the sandbox seed, `wrangler dev`), but on a free port and with local state of its own, so it never
// meets a developer's running gateway or their `.wrangler/state`. Its output goes to
// test-results/gateway.log, kept after the run for when a test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestProject } from "vitest/node";
import { freePort } from "./ports";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const gatewayDir = path.join(repoRoot, "apps/gateway");
const logFile = path.resolve(import.meta.dirname, "../test-results/gateway.log");
const READY_WITHIN_MS = 180_000; // a cold first bundle on a busy 2-core machine

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

/** `NAME=value` as printed by dev.mjs, read back the way a person copies it from the terminal. */
function printed(name: string): string | undefined {
  return new RegExp(`^${name}=(\\S+)$`, "m").exec(readFileSync(logFile, "utf8"))?.[1];
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The whole group: dev.mjs, wrangler and the workerd it starts.
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {}
}

export default async function setup(project: TestProject) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const stateDir = mkdtempSync(path.join(tmpdir(), "lisoloo-examples-"));
  const log = openSync(logFile, "w");
  const port = await freePort();
  const dev = spawn(process.execPath, [path.join(gatewayDir, "scripts/dev.mjs")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      LISOLOO_STATE_DIR: stateDir,
      // Everything the examples schedule is due tomorrow at the earliest.
      LISOLOO_CRON_TICKER: "off",
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
  // Should the run end without teardown (an interrupted vitest), no workerd stays behind.
  const backstop = () => stopGroup(dev, "SIGKILL");
  process.once("exit", backstop);

  const teardown = async () => {
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
      await teardown();
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      throw new Error(`The gateway did not answer /health (${exited ? "it exited" : "timed out"}):\n${tail}`);
    }
    await sleep(250);
  }

  const apiKey = printed("LISOLOO_API_KEY");
  const adminToken = printed("ADMIN_TOKEN");
  if (!apiKey || !adminToken) {
    await teardown();
    throw new Error(`dev.mjs did not print LISOLOO_API_KEY and ADMIN_TOKEN; see ${logFile}`);
  }
  project.provide("gateway", {
    baseUrl,
    apiKey,
    adminToken,
    logFile,
    webhookUsername: "lisoloo_webhook_user",
    webhookPassword: randomBytes(18).toString("base64url"),
  });
  return teardown;
}
