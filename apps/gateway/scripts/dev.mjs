#!/usr/bin/env node
// Local development: apply D1 migrations, start `wrangler dev` (local D1, queues, Durable Objects)
// on http://127.0.0.1:8787, and keep it in the foreground until Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const PORT = process.env.PORT ?? "8787";
// Local runs never reach for the internet (telemetry, Request.cf, update checks).
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? "info",
  CI: "true",
};

function run(args) {
  const result = spawnSync("wrangler", args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(["d1", "migrations", "apply", "DB", "--local", "--env", "sandbox"]);

const dev = spawn(
  "wrangler",
  ["dev", "--env", "sandbox", "--ip", "127.0.0.1", "--port", PORT, "--show-interactive-dev-session=false"],
  { cwd: root, env, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
