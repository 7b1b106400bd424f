// Serves a small Worker of the benches' own (not the gateway) under `wrangler dev`, as the gateway is
// served, so a measurement of the runtime alone runs on the same workerd, the same way.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, quietEnv, watchDev, wranglerBin } from "./gateway.mjs";

/**
 * `wrangler dev` on `config` (a wrangler.json beside its Worker), on a free port of 127.0.0.1, with its
 * local state in a fresh temporary directory; resolves once the Worker answers any HTTP request.
 *
 * @param {string} config
 * @returns {Promise<{ origin: string, stop: () => Promise<void> }>}
 */
export async function startBareWorker(config) {
  const stateDir = mkdtempSync(path.join(tmpdir(), "lisoloo-bench-bare-"));
  const logFile = path.join(stateDir, "wrangler.log");
  const logFd = openSync(logFile, "a");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dev = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      "--config",
      config,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      stateDir,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: path.dirname(config), env: quietEnv, stdio: ["ignore", logFd, logFd], detached: true },
  );
  const { exited, stop } = watchDev(dev, logFd, stateDir);
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Any answer at all (a GET is not what the Worker serves) says workerd is up.
    const answered = await fetch(origin, { signal: AbortSignal.timeout(5_000) }).then(
      () => true,
      () => false,
    );
    if (answered) return { origin, stop };
    if (exited() || Date.now() > deadline) {
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      await stop();
      throw new Error(`wrangler dev ${config} did not start\n${tail}`);
    }
    await sleep(200);
  }
}
