#!/usr/bin/env node
// Local development: apply D1 migrations, seed the sandbox merchant and its key, then serve
// `wrangler dev` (local D1, queues, Durable Objects) on http://127.0.0.1:8787 (or `PORT`) until Ctrl-C.
import { DEV_ADMIN_TOKEN, DEV_API_KEY, DEV_CREDENTIALS_KEY, seedSql } from "./dev-seed.ts";
import { persistArgs, prepareDatabase, startCronTicker, startWranglerDev } from "./local-run.mjs";

const PORT = process.env.PORT ?? "8787";
// Where local D1, queues and Durable Objects live; by default wrangler's own `.wrangler/state`. A run
// that must not share the developer's state (the examples' tests) names a directory of its own.
const persist = persistArgs(process.env.LISOLOO_STATE_DIR);

prepareDatabase({ environment: "sandbox", persist, seed: await seedSql(Date.now()) });

console.log(`
Lisoloo sandbox gateway on http://127.0.0.1:${PORT}/api/v1/lisoloo/sms-api
LISOLOO_API_KEY=${DEV_API_KEY}
ADMIN_TOKEN=${DEV_ADMIN_TOKEN}
`);

const dev = startWranglerDev({
  environment: "sandbox",
  port: PORT,
  persist,
  vars: {
    ADMIN_TOKEN: DEV_ADMIN_TOKEN,
    CREDENTIALS_KEY: DEV_CREDENTIALS_KEY,
    ALLOW_HTTP_LOCALHOST_WEBHOOKS: "true",
    // One dispatcher per destination: every Durable Object here shares workerd's one thread, so more
    // lanes (deployed: 8, wrangler.jsonc) would only add work.
    WEBHOOK_DISPATCHER_LANES: "1",
  },
});
// Scheduled and recurring sends go out locally too.
startCronTicker(PORT);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
