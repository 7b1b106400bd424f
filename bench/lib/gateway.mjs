// Starts the gateway under `wrangler dev` the way `pnpm start` does (migrations, then dev with an admin
// token, a credentials key and, in the sandbox, the local-webhook allowance), but with its local state in
// a fresh temporary directory, so a bench never touches the developer's `.wrangler/state`. The sandbox
// environment by default; the production one (sk_live_ keys, carriers from D1) when a bench asks.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { databasesOf } from "../../apps/gateway/scripts/local-run.mjs";

const gatewayDir = path.resolve(import.meta.dirname, "../../apps/gateway");
export const wranglerBin = path.join(
  path.dirname(createRequire(path.join(gatewayDir, "package.json")).resolve("wrangler/package.json")),
  "bin/wrangler.js",
);

/** Prefix of every merchant route. */
export const API_PREFIX = "/api/v1/lisoloo/sms-api";

const ADMIN_TOKEN = "bench_admin_token_local_only";
const CREDENTIALS_KEY = "bench_credentials_key_local_only";

// No telemetry, no `Request.cf` lookup, no confirmation prompts; and, as `pnpm start` runs it, no
// local trace collector on the gateway's thread (apps/gateway/scripts/local-run.mjs says why).
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  NO_COLOR: "1",
  X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
};

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function runWrangler(args, logFd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: gatewayDir,
      env: quietEnv,
      stdio: ["ignore", logFd, logFd],
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}`)),
    );
  });
}

/** `wrangler --version`, for the machine facts of a report. */
export function wranglerVersion() {
  return execFileSync(process.execPath, [wranglerBin, "--version"], { cwd: gatewayDir, env: quietEnv })
    .toString()
    .trim()
    .split("\n")
    .pop();
}

/** wrangler.jsonc as an object (its comments are whole lines: without them it is JSON). */
function readWranglerConfig(file) {
  const text = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  return JSON.parse(text);
}

/**
 * Writes a wrangler config derived from apps/gateway/wrangler.jsonc with only the first `shards` shard
 * databases (`DB_0` … `DB_<shards-1>`) besides the directory, into a fresh directory under
 * apps/gateway/.wrangler/ (git-ignored); its paths point back at the gateway's sources. Returns the
 * file and a function that removes it.
 *
 * @param {number} shards
 * @returns {{ file: string, remove: () => void }}
 */
export function writeShardConfig(shards) {
  const config = readWranglerConfig(path.join(gatewayDir, "wrangler.jsonc"));
  const dir = path.join(gatewayDir, ".wrangler", `bench-config-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const back = (to) => path.relative(dir, path.join(gatewayDir, to));
  delete config.$schema;
  config.main = back(config.main);
  for (const env of Object.values(config.env)) {
    env.d1_databases = env.d1_databases
      .filter(
        (d) => d.binding === "DIRECTORY" || Number(/^DB_(\d+)$/.exec(d.binding)?.[1] ?? shards) < shards,
      )
      .map((d) => ({ ...d, migrations_dir: back(d.migrations_dir) }));
  }
  const file = path.join(dir, "wrangler.json");
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * @typedef {object} Gateway
 * @property {string} origin e.g. `http://127.0.0.1:40123`
 * @property {string} api `origin` + the merchant route prefix
 * @property {string} adminToken
 * @property {number} inspectorPort the Worker's DevTools inspector (CPU profiles)
 * @property {string} stateDir the local D1, queue and Durable Object state
 * @property {string} logFile where wrangler's output goes
 * @property {"sandbox" | "production"} environment the wrangler.jsonc environment it serves
 * @property {string[]} databases its D1 bindings: `DIRECTORY` and the shards
 * @property {number | undefined} pid wrangler dev's process id, also its process group's
 * @property {() => Record<string, number>} loggedErrors structured error logs so far, counted by event
 * @property {() => Promise<void>} stop
 */

/**
 * Bundles the gateway once (as `pnpm build` does), applies the D1 migrations into a temporary
 * persistence directory, then serves that bundle with `wrangler dev --no-bundle` on a free port of
 * 127.0.0.1 and waits for `/health`. Serving a snapshot keeps a bench on one version of the code even
 * if the source changes meanwhile (`wrangler dev` reloads on edits).
 *
 * `environment` picks the wrangler.jsonc environment: `sandbox` (the default: sk_test_ keys, the
 * sandbox carrier, http://127.0.0.1 webhooks allowed) or `production` (sk_live_ keys, carriers and
 * routes from D1; the localhost-webhook allowance is refused there, so it is not set). `vars` adds
 * `--var`s, given the gateway's own origin once its port is known (e.g. `PUBLIC_BASE_URL`, so a relay
 * on this machine can call it back). `config` serves another wrangler config than wrangler.jsonc (e.g.
 * one of `writeShardConfig`; the bundle is the same); `logLevel` is wrangler's (default `warn`: the
 * Worker's own `console.log` lines, such as `d1.queries`, need `log`); `webhookLanes` is
 * `WEBHOOK_DISPATCHER_LANES` (default 1, as `pnpm start` serves it).
 *
 * @param {{ environment?: "sandbox" | "production", vars?: (origin: string) => Record<string, string>,
 *   config?: string, logLevel?: "warn" | "info" | "log", webhookLanes?: number }} [options]
 * @returns {Promise<Gateway>}
 */
export async function startGateway(options = {}) {
  const environment = options.environment ?? "sandbox";
  const configFile = options.config ?? path.join(gatewayDir, "wrangler.jsonc");
  const databases = options.config
    ? readWranglerConfig(configFile).env[environment].d1_databases.map((d) => d.binding)
    : databasesOf(environment);
  const stateDir = mkdtempSync(path.join(tmpdir(), "lisoloo-bench-"));
  const logFile = path.join(stateDir, "wrangler.log");
  const logFd = openSync(logFile, "a");
  const port = await freePort();
  const inspectorPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const fail = (message) => {
    const tail = readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n");
    return new Error(`${message}\n--- ${logFile} ---\n${tail}`);
  };

  const bundleDir = path.join(stateDir, "dist");
  try {
    await runWrangler(["deploy", "--dry-run", "--outdir", bundleDir, "--env", environment], logFd);
    // The directory and every shard get the same migrations.
    for (const binding of databases)
      await runWrangler(
        [
          "d1",
          "migrations",
          "apply",
          binding,
          "--local",
          "--config",
          configFile,
          "--env",
          environment,
          "--persist-to",
          stateDir,
        ],
        logFd,
      );
  } catch (error) {
    // The bundle or the migrations failed: say why (wrangler's output), and leave nothing behind.
    const failure = fail(String(/** @type {Error} */ (error).message));
    closeSync(logFd);
    rmSync(stateDir, { recursive: true, force: true });
    throw failure;
  }
  // Its own process group, so stopping it also stops the workerd it starts.
  const dev = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      path.join(bundleDir, "index.js"),
      "--no-bundle",
      "--config",
      configFile,
      "--env",
      environment,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      stateDir,
      "--show-interactive-dev-session=false",
      // Per-request log lines would cost the gateway time the peer does not spend.
      "--log-level",
      options.logLevel ?? "warn",
      "--var",
      `ADMIN_TOKEN:${ADMIN_TOKEN}`,
      "--var",
      `CREDENTIALS_KEY:${CREDENTIALS_KEY}`,
      ...(environment === "sandbox" ? ["--var", "ALLOW_HTTP_LOCALHOST_WEBHOOKS:true"] : []),
      // As local development runs it (apps/gateway/scripts/dev.mjs): one dispatcher per destination.
      "--var",
      `WEBHOOK_DISPATCHER_LANES:${options.webhookLanes ?? 1}`,
      ...Object.entries(options.vars?.(origin) ?? {}).flatMap(([name, value]) => [
        "--var",
        `${name}:${value}`,
      ]),
    ],
    { cwd: gatewayDir, env: quietEnv, stdio: ["ignore", logFd, logFd], detached: true },
  );
  const { exited, stop } = watchDev(dev, logFd, stateDir);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) {
      const error = fail("wrangler dev exited before it was ready");
      await stop();
      throw error;
    }
    try {
      const res = await fetch(`${origin}${API_PREFIX}/health`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      const error = fail("wrangler dev did not answer /health within 60 s");
      await stop();
      throw error;
    }
    await sleep(200);
  }
  return {
    origin,
    api: `${origin}${API_PREFIX}`,
    adminToken: ADMIN_TOKEN,
    inspectorPort,
    stateDir,
    logFile,
    environment,
    databases,
    pid: dev.pid,
    loggedErrors: () => {
      const counts = {};
      for (const line of readFileSync(logFile, "utf8").split("\n")) {
        if (!line.includes('"level":"error"')) continue;
        const event = /"event":"([^"]+)"/.exec(line)?.[1] ?? "unnamed";
        counts[event] = (counts[event] ?? 0) + 1;
      }
      return counts;
    },
    stop,
  };
}

/**
 * Whether a detached `wrangler dev` has exited, and how to stop it: its whole process group (the
 * workerd it started too), politely then not, then its log closed and its state directory removed.
 *
 * @param {import("node:child_process").ChildProcess} dev
 * @param {number} logFd
 * @param {string} stateDir
 */
export function watchDev(dev, logFd, stateDir) {
  let exited = false;
  dev.once("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (!exited && dev.pid !== undefined) {
      try {
        process.kill(-dev.pid, "SIGTERM");
      } catch {}
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) {
        try {
          process.kill(-dev.pid, "SIGKILL");
        } catch {}
      }
    }
    closeSync(logFd);
    rmSync(stateDir, { recursive: true, force: true });
  };
  return { exited: () => exited, stop };
}

/** The commit the gateway was bundled from, with "+ local changes" when its sources differ from it. */
export function codeVersion() {
  const git = (args) => execFileSync("git", args, { cwd: gatewayDir }).toString().trim();
  try {
    const commit = git(["rev-parse", "--short", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--", ".", "../../packages/protocol/src"]) !== "";
    return dirty ? `${commit} + local changes` : commit;
  } catch {
    return "unknown";
  }
}

/**
 * One operator API call (`/admin/v1` + `route`) whatever it answers: the status and the parsed body
 * (null when it is not JSON).
 *
 * @param {{ origin: string, adminToken: string }} gateway
 * @param {"GET" | "POST" | "PUT" | "PATCH"} method
 * @param {string} route
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, json: any }>}
 */
export async function adminRequest(gateway, method, route, body) {
  const res = await fetch(`${gateway.origin}/admin/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json };
}

async function admin(gateway, method, route, body) {
  const { status, json } = await adminRequest(gateway, method, route, body);
  if (status < 200 || status > 299)
    throw new Error(`${method} /admin/v1${route} → ${status} ${JSON.stringify(json)}`);
  return json.data;
}

/**
 * A merchant of its own for a bench: limits far above anything a bench sends (so no 429), a balance
 * that covers a billion messages (so no 402), and one key, optionally with a webhook URL.
 *
 * @param {Gateway} gateway
 * @param {{ webhookUrl?: string }} [options]
 * @returns {Promise<{ merchantId: string, keyId: string, apiKey: string }>}
 */
export async function createBenchKey(gateway, options = {}) {
  const merchant = await admin(gateway, "POST", "/merchants", {
    name: `bench ${new Date().toISOString()}`,
    unit_price: 0.001,
    wallets: { LISOLOO_SMS: 1_000_000 },
    rate_limits: { send: 1_000_000, status: 1_000_000, balance: 1_000_000, preview: 1_000_000 },
  });
  const key = await admin(gateway, "POST", `/merchants/${merchant.merchant_id}/keys`);
  if (options.webhookUrl) {
    await admin(gateway, "PUT", `/keys/${key.key_id}/webhook`, { webhook_url: options.webhookUrl });
  }
  return { merchantId: merchant.merchant_id, keyId: key.key_id, apiKey: key.api_key };
}

/** `count` distinct, valid DRC mobile numbers (+24399…), the same list for the same arguments. */
export function recipients(count, offset = 0) {
  return Array.from({ length: count }, (_, i) => `+24399${String(offset + i).padStart(7, "0")}`);
}
