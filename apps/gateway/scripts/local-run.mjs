// The pieces of a local run of the gateway, shared by `pnpm start` (dev.mjs, the sandbox) and
// `pnpm start:live` (live.mjs, the production environment against the SMSC simulator): migrations
// and seed into local D1, `wrangler dev` (local D1, queues, Durable Objects), and the cron ticker.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  databasesOf as databasesIn,
  defaultConfigFile,
  gatewayDir,
  readWranglerConfig,
} from "./wrangler-config.ts";

export { gatewayDir };

// Local runs never reach for the internet (telemetry, Request.cf, update checks).
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  // wrangler's local trace collector streams every span of every invocation (each D1 call, each
  // fetch) to a collector Worker running on the same thread as the gateway: nearly half of that
  // thread's time per one-recipient send under load (bench/FINDINGS.md). Off unless asked for; the
  // Worker's own log lines reach the terminal either way. `X_LOCAL_OBSERVABILITY=true pnpm start`
  // turns it back on.
  X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
};

/** `--persist-to <dir>` when a run keeps its local state somewhere of its own, else nothing. */
export function persistArgs(stateDir) {
  return stateDir ? ["--persist-to", path.resolve(stateDir)] : [];
}

function wrangler(args) {
  const result = spawnSync("wrangler", args, {
    cwd: gatewayDir,
    env: wranglerEnv,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) {
    console.error(`wrangler ${args.join(" ")} failed`);
    process.exit(result.status ?? 1);
  }
}

/** The D1 bindings of `environment` in wrangler.jsonc: the directory and every shard. */
export function databasesOf(environment) {
  return databasesIn(readWranglerConfig(), environment, defaultConfigFile).map((d) => d.binding);
}

/**
 * Applies the D1 migrations of `environment` to each of its local databases, then runs each
 * database's `seed` SQL in it (`seed` maps a binding name to SQL).
 */
export function prepareDatabase({ environment, persist, seed }) {
  for (const binding of databasesOf(environment))
    wrangler(["d1", "migrations", "apply", binding, "--local", "--env", environment, ...persist]);
  const seedDir = mkdtempSync(path.join(tmpdir(), "lisoloo-seed-"));
  for (const [binding, sql] of Object.entries(seed)) {
    const seedFile = path.join(seedDir, `${binding}.sql`);
    writeFileSync(seedFile, sql);
    wrangler(["d1", "execute", binding, "--local", "--env", environment, "--file", seedFile, ...persist]);
  }
  rmSync(seedDir, { recursive: true, force: true });
}

/** `wrangler dev` of `environment` on 127.0.0.1:`port`, with `vars` given as `--var NAME:value`. */
export function startWranglerDev({ environment, port, persist, vars }) {
  return spawn(
    "wrangler",
    [
      "dev",
      "--env",
      environment,
      "--ip",
      "127.0.0.1",
      "--port",
      port,
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ...persist,
    ],
    { cwd: gatewayDir, env: wranglerEnv, stdio: "inherit" },
  );
}

/**
 * Crons never fire on their own under `wrangler dev`: ticks the scheduled handler at the top of
 * every minute, as Cron Triggers do in production. `LISOLOO_CRON_TICKER=off` leaves it out.
 */
export function startCronTicker(port) {
  if (process.env.LISOLOO_CRON_TICKER === "off") return;
  const url = `http://127.0.0.1:${port}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`;
  const tick = () => {
    fetch(url).catch(() => {});
    setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  };
  setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
}

/** Resolves once the gateway answers `/health`; rejects after `timeoutMs`. */
export async function waitForGateway(port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/api/v1/lisoloo/sms-api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the gateway did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
