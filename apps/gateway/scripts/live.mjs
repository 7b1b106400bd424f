#!/usr/bin/env node
// `pnpm start:live`: the production environment locally, against a real SMPP exchange. Applies the
// production environment's D1 migrations, seeds a merchant with an `sk_live_` key, starts the SMSC
// simulator (tooling/smsc-simulator, which prints a line per bind, submit_sm and receipt), serves
// `wrangler dev --env production` on http://127.0.0.1:8787 (or `PORT`) with its own local state,
// and sets the simulator up through the admin API as carrier `local-smsc` and the default route.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { DEV_ADMIN_TOKEN, DEV_CREDENTIALS_KEY, DEV_LIVE_API_KEY, liveSeedSql } from "./dev-seed.ts";
import {
  gatewayDir,
  persistArgs,
  prepareDatabase,
  startCronTicker,
  startWranglerDev,
  waitForGateway,
} from "./local-run.mjs";

const PORT = process.env.PORT ?? "8787";
// Its own local state by default, apart from the sandbox's (`pnpm start`).
const persist = persistArgs(process.env.LISOLOO_STATE_DIR ?? path.join(gatewayDir, ".wrangler/live-state"));
const CARRIER = "local-smsc";
const SMSC_SYSTEM_ID = "lisoloo";
const SMSC_PASSWORD = "secret";

const children = [];
function stopAll(signal = "SIGTERM") {
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

/** Starts the simulator and resolves with its addresses; every line it prints goes on, marked. */
function startSimulator() {
  const bin = path.resolve(gatewayDir, "../../tooling/smsc-simulator/bin/smsc.mjs");
  const smsc = spawn(
    process.execPath,
    [bin, "--port", process.env.SMSC_PORT ?? "0", "--system-id", SMSC_SYSTEM_ID, "--password", SMSC_PASSWORD],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(smsc);
  return new Promise((resolve, reject) => {
    const found = {};
    smsc.once("exit", (code) => reject(new Error(`the SMSC simulator exited (${code})`)));
    createInterface({ input: smsc.stdout }).on("line", (line) => {
      const smpp = /SMPP\s+smpp:\/\/([\d.]+):(\d+)/.exec(line);
      const control = /control\s+(http:\/\/\S+)/.exec(line);
      if (smpp) Object.assign(found, { host: smpp[1], port: Number(smpp[2]) });
      if (control) found.controlUrl = control[1];
      if (found.port && found.controlUrl && !found.told) {
        found.told = true;
        resolve(found);
      }
      if (found.told && !smpp && !control && !/^lisoloo-smsc listening|^Ctrl-C stops it/.test(line))
        console.log(`[smsc] ${line}`);
    });
  });
}

async function adminCall(method, pathname, body) {
  const res = await fetch(`http://127.0.0.1:${PORT}/admin/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The simulator as carrier `local-smsc` (created, or pointed at this run's port) and the default route. */
async function configureCarrier(smsc) {
  const smpp = { host: smsc.host, port: smsc.port, system_id: SMSC_SYSTEM_ID, password: SMSC_PASSWORD };
  let res = await adminCall("POST", "/carriers", { slug: CARRIER, kind: "smpp", smpp });
  if (res.status === 409) res = await adminCall("PATCH", `/carriers/${CARRIER}`, { enabled: true, smpp });
  if (res.status >= 300) throw new Error(`configuring ${CARRIER}: ${JSON.stringify(res.body)}`);
  const routes = await adminCall("PUT", "/routes", { routes: {}, default_route: CARRIER });
  if (routes.status !== 200) throw new Error(`setting the default route: ${JSON.stringify(routes.body)}`);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal));

prepareDatabase({ environment: "production", persist, seed: await liveSeedSql(Date.now()) });
const smsc = await startSimulator();
const dev = startWranglerDev({
  environment: "production",
  port: PORT,
  persist,
  vars: { ADMIN_TOKEN: DEV_ADMIN_TOKEN, CREDENTIALS_KEY: DEV_CREDENTIALS_KEY },
});
children.push(dev);
dev.on("exit", (code) => {
  stopAll();
  process.exit(code ?? 0);
});
try {
  await waitForGateway(PORT);
  await configureCarrier(smsc);
} catch (error) {
  console.error(`start:live: ${error.message}`);
  stopAll();
  process.exit(1);
}
startCronTicker(PORT);

console.log(`
Lisoloo production gateway (local) on http://127.0.0.1:${PORT}/api/v1/lisoloo/sms-api
LISOLOO_API_KEY=${DEV_LIVE_API_KEY}
ADMIN_TOKEN=${DEV_ADMIN_TOKEN}
SMSC=smpp://${smsc.host}:${smsc.port} (system_id ${SMSC_SYSTEM_ID}; control API ${smsc.controlUrl})
Carrier "${CARRIER}" is the default route: every send goes to the simulator, whose lines start with [smsc].
`);
