// A local webhook receiver: answers 200 at once and records when each event arrived.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * @typedef {object} Arrival
 * @property {number} wallMs Date.now() on arrival, comparable with the gateway's `occurred_at`
 * @property {number} perfMs performance.now() on arrival, comparable with the client's timings
 * @property {{ event_id: string, event_type: string, message_id: string, occurred_at: string,
 *   timestamp: string, data: Record<string, unknown> }} event
 */

/**
 * Listens on a free port of 127.0.0.1.
 *
 * @returns {Promise<{ url: string, arrivals: Arrival[], waitFor: (done: (a: Arrival[]) => boolean,
 *   seconds: number) => Promise<boolean>, close: () => Promise<void> }>}
 */
export async function startReceiver() {
  /** @type {Arrival[]} */
  const arrivals = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const wallMs = Date.now();
      const perfMs = performance.now();
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      try {
        arrivals.push({ wallMs, perfMs, event: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      } catch {}
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    async waitFor(done, seconds) {
      const deadline = performance.now() + seconds * 1000;
      while (!done(arrivals)) {
        if (performance.now() > deadline) return false;
        await sleep(10);
      }
      return true;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
