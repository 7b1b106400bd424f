// startSmsc: the simulator's SMPP listener and control API on 127.0.0.1, and the handle Node callers
// use to script it and read what it saw.
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { startControlServer } from "./control.mjs";
import { resolveOptions, Simulator } from "./simulator.mjs";

/**
 * @typedef {import("./types.js").Smsc} Smsc
 * @typedef {import("./types.js").SmscOptions} SmscOptions
 */

/**
 * Starts an SMPP 3.4 SMSC on `host:port` (127.0.0.1, a free port by default) with its control API
 * on another port.
 *
 * @example
 * const smsc = await startSmsc({ systemId: "lisoloo", password: "secret", idFormat: "hex" });
 * smsc.script({ destination: "24381", receipt: "UNDELIV" });
 * // … bind to smsc.url, submit …
 * const [submit] = smsc.submits({ destination: "243810000001" });
 * await smsc.close();
 *
 * @param {SmscOptions} [options]
 * @returns {Promise<Smsc>}
 */
export async function startSmsc(options = {}) {
  const resolved = resolveOptions(options);
  const sim = new Simulator(resolved);
  const server = createServer((socket) => sim.accept(socket));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : resolved.port;
  let control;
  try {
    control =
      resolved.controlPort === null
        ? null
        : await startControlServer(sim, resolved.host, resolved.controlPort);
  } catch (error) {
    server.close();
    throw error;
  }
  let closing = /** @type {Promise<void> | null} */ (null);

  /** @type {Smsc} */
  const smsc = {
    host: resolved.host,
    port,
    url: `smpp://${resolved.host}:${port}`,
    controlUrl: control?.url ?? null,
    script: (input) => sim.script(input),
    scripts: () => sim.scripts(),
    submits: (filter) => sim.submits(filter),
    receipts: (filter) => sim.receipts(filter),
    binds: () => sim.binds(),
    stats: () => sim.stats(),
    reset: (opts) => sim.reset(opts),
    dropBinds: (bindId) => sim.dropBinds(bindId),
    async waitFor(check, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined && value !== null && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`smsc: condition not met within ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    on(event, listener) {
      sim.events.on(event, /** @type {(...args: unknown[]) => void} */ (listener));
      return smsc;
    },
    off(event, listener) {
      sim.events.off(event, /** @type {(...args: unknown[]) => void} */ (listener));
      return smsc;
    },
    close() {
      closing ??= (async () => {
        sim.shutdown();
        await Promise.all([
          new Promise((resolve) => server.close(() => resolve(undefined))),
          control?.close(),
        ]);
      })();
      return closing;
    },
  };
  return smsc;
}
