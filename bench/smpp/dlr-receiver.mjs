// Where Kannel's delivery reports arrive: each message's dlr-url points here with the bench's own
// message number, and smsbox fills in the report type (`%d`) and the report text (`%A`). Answers 200
// at once and records when each report arrived.
import http from "node:http";
import { performance } from "node:perf_hooks";

/**
 * @typedef {object} Report
 * @property {number} message the bench's message number (from the dlr-url)
 * @property {number} type Kannel's report type: 1 delivered, 2 undeliverable, 4 queued on the SMSC,
 *   8 accepted by the SMSC, 16 rejected by the SMSC
 * @property {string} reply the report text (`%A`), e.g. `id:… stat:DELIVRD …` or `ACK/`
 * @property {number} perfMs performance.now() on arrival
 */

/**
 * Listens on a free port of 127.0.0.1.
 *
 * @returns {Promise<{ dlrUrl: (message: number) => string, reports: Report[], unreadable: number,
 *   close: () => Promise<void> }>}
 */
export async function startDlrReceiver() {
  /** @type {Report[]} */
  const reports = [];
  const receiver = { unreadable: 0 };
  const server = http.createServer((req, res) => {
    const perfMs = performance.now();
    const url = new URL(req.url ?? "/", "http://dlr");
    const message = Number(url.searchParams.get("message"));
    const type = Number(url.searchParams.get("type"));
    if (url.pathname === "/dlr" && Number.isSafeInteger(message) && Number.isSafeInteger(type)) {
      reports.push({ message, type, reply: url.searchParams.get("reply") ?? "", perfMs });
    } else {
      receiver.unreadable += 1;
    }
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    // Kannel replaces %d and %A when it calls the URL; the bench's number is already in it.
    dlrUrl: (message) => `http://127.0.0.1:${port}/dlr?message=${message}&type=%d&reply=%A`,
    reports,
    get unreadable() {
      return receiver.unreadable;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
