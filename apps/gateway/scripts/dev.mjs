#!/usr/bin/env node
// Local development: apply D1 migrations, seed the sandbox merchant and its key, then serve
// `wrangler dev` (local D1, queues, Durable Objects) on http://127.0.0.1:8787 (or `PORT`) until Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_ADMIN_TOKEN, DEV_API_KEY, DEV_CREDENTIALS_KEY, seedSql } from "./dev-seed.ts";

const root = path.resolve(import.meta.dirname, "..");
const PORT = process.env.PORT ?? "8787";
// Where local D1, queues and Durable Objects live; by default wrangler's own `.wrangler/state`. A run
// that must not share the developer's state (the examples' tests) names a directory of its own.
const persist = process.env.LISOLOO_STATE_DIR
  ? ["--persist-to", path.resolve(process.env.LISOLOO_STATE_DIR)]
  : [];
// Local runs never reach for the internet (telemetry, Request.cf, update checks).
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
};

function wrangler(args) {
  const result = spawnSync("wrangler", args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) {
    console.error(`wrangler ${args.join(" ")} failed`);
    process.exit(result.status ?? 1);
  }
}

wrangler(["d1", "migrations", "apply", "DB", "--local", "--env", "sandbox", ...persist]);
const seedDir = mkdtempSync(path.join(tmpdir(), "lisoloo-seed-"));
const seedFile = path.join(seedDir, "seed.sql");
writeFileSync(seedFile, await seedSql(Date.now()));
wrangler(["d1", "execute", "DB", "--local", "--env", "sandbox", "--file", seedFile, ...persist]);
rmSync(seedDir, { recursive: true, force: true });

console.log(`
Lisoloo sandbox gateway on http://127.0.0.1:${PORT}/api/v1/lisoloo/sms-api
LISOLOO_API_KEY=${DEV_API_KEY}
ADMIN_TOKEN=${DEV_ADMIN_TOKEN}
`);

const dev = spawn(
  "wrangler",
  [
    "dev",
    "--env",
    "sandbox",
    "--ip",
    "127.0.0.1",
    "--port",
    PORT,
    "--show-interactive-dev-session=false",
    "--var",
    `ADMIN_TOKEN:${DEV_ADMIN_TOKEN}`,
    "--var",
    `CREDENTIALS_KEY:${DEV_CREDENTIALS_KEY}`,
    "--var",
    "ALLOW_HTTP_LOCALHOST_WEBHOOKS:true",
    ...persist,
  ],
  { cwd: root, env, stdio: "inherit" },
);
// Crons never fire on their own under `wrangler dev`: tick the scheduled handler at the top of every
// minute, as Cron Triggers do in production, so scheduled and recurring sends go out locally.
// `LISOLOO_CRON_TICKER=off` leaves it out, for a run that sends nothing due while it lasts.
const CRON_URL = `http://127.0.0.1:${PORT}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`;
function tick() {
  fetch(CRON_URL).catch(() => {});
  setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
}
if (process.env.LISOLOO_CRON_TICKER !== "off") setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
