// The SMPP SMSC both halves of the SMPP bench submit to: the repository's simulator
// (tooling/smsc-simulator, `startSmsc`) run in a worker thread of its own, so the load generator and
// the delivery-report receiver on the main thread never delay its answers, as an SMSC on another host
// would not be delayed by them. The main thread asks it for `stats()` while a run goes on and for a
// compact summary of its records at the end (no 10 000-record copies cross the thread boundary).
//
// Imported by path rather than as a workspace dependency: the simulator's own node_modules holds its
// `smpp` codec, so nothing needs installing for the bench.

import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/**
 * @typedef {import("../../tooling/smsc-simulator/src/types.js").SmscStats} SmscStats
 * @typedef {import("../../tooling/smsc-simulator/src/types.js").SmscOptions} SmscOptions
 */

/**
 * @typedef {object} SmscSummary
 * @property {number} submits submit_sm records
 * @property {number} submitsOk answered with status 0
 * @property {number} submitsFailed answered with another status
 * @property {number} submitsUnanswered pending or never answered
 * @property {string[]} destinations every distinct destination_addr (without `+`)
 * @property {{ destination: string, count: number }[]} repeated destinations submitted more than once (first 20)
 * @property {number} repeatedSubmits submits beyond the first per destination
 * @property {number | null} firstSubmitAt Date.now() of the first submit_sm
 * @property {number | null} lastSubmitAt Date.now() of the last submit_sm
 * @property {number | null} lastAnswerAt Date.now() of the last submit_sm_resp
 * @property {number} peakSubmitsPerSecond most submit_sm received in one calendar second
 * @property {number[]} bindIds binds the submits arrived on
 * @property {number} maxOutstanding the most submit_sm outstanding at once on one bind
 * @property {number} receipts receipt records (one per accepted submit here)
 * @property {number} receiptsAcknowledged answered by deliver_sm_resp 0
 * @property {Record<string, number>} receiptsByStatus
 * @property {number | null} firstReceiptAckAt Date.now() of the first deliver_sm_resp
 * @property {number | null} lastReceiptAckAt Date.now() of the last deliver_sm_resp
 * @property {number} receiptAttemptsBeyondFirst receipts sent again (none unless the bind dropped)
 */

if (!isMainThread && workerData?.smscWorker === true) {
  const { startSmsc } = await import("../../tooling/smsc-simulator/src/index.mjs");
  const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
  const smsc = await startSmsc(workerData.options);

  /** @returns {SmscSummary} */
  const summarize = () => {
    const submits = smsc.submits();
    const receipts = smsc.receipts();
    const perDestination = new Map();
    const perSecond = new Map();
    const bindIds = new Set();
    let firstSubmitAt = null;
    let lastSubmitAt = null;
    let lastAnswerAt = null;
    for (const s of submits) {
      const destination = s.destination_addr.replace(/^\+/, "");
      perDestination.set(destination, (perDestination.get(destination) ?? 0) + 1);
      const second = Math.floor(s.receivedAt / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      if (s.bindId !== null) bindIds.add(s.bindId);
      firstSubmitAt = firstSubmitAt === null ? s.receivedAt : Math.min(firstSubmitAt, s.receivedAt);
      lastSubmitAt = lastSubmitAt === null ? s.receivedAt : Math.max(lastSubmitAt, s.receivedAt);
      if (s.answeredAt !== null) lastAnswerAt = Math.max(lastAnswerAt ?? 0, s.answeredAt);
    }
    const repeated = [...perDestination]
      .filter(([, count]) => count > 1)
      .map(([destination, count]) => ({ destination, count }));
    const receiptsByStatus = {};
    let firstReceiptAckAt = null;
    let lastReceiptAckAt = null;
    let receiptAttemptsBeyondFirst = 0;
    for (const r of receipts) {
      receiptsByStatus[r.status] = (receiptsByStatus[r.status] ?? 0) + 1;
      receiptAttemptsBeyondFirst += Math.max(0, r.attempts.length - 1);
      if (!r.acknowledged) continue;
      const at = r.attempts.findLast((a) => a.outcome === "acknowledged")?.answeredAt ?? null;
      if (at === null) continue;
      firstReceiptAckAt = firstReceiptAckAt === null ? at : Math.min(firstReceiptAckAt, at);
      lastReceiptAckAt = lastReceiptAckAt === null ? at : Math.max(lastReceiptAckAt, at);
    }
    const stats = smsc.stats();
    return {
      submits: submits.length,
      submitsOk: stats.submits.ok,
      submitsFailed: stats.submits.failed,
      submitsUnanswered: stats.submits.pending + stats.submits.unanswered,
      destinations: [...perDestination.keys()],
      repeated: repeated.slice(0, 20),
      repeatedSubmits: repeated.reduce((sum, r) => sum + r.count - 1, 0),
      firstSubmitAt,
      lastSubmitAt,
      lastAnswerAt,
      peakSubmitsPerSecond: Math.max(0, ...perSecond.values()),
      bindIds: [...bindIds],
      maxOutstanding: stats.maxOutstanding,
      receipts: receipts.length,
      receiptsAcknowledged: stats.receipts.acknowledged,
      receiptsByStatus,
      firstReceiptAckAt,
      lastReceiptAckAt,
      receiptAttemptsBeyondFirst,
    };
  };

  port.on("message", async (/** @type {{ id: number, op: string, arg?: any }} */ message) => {
    const reply = (value) => port.postMessage({ id: message.id, value });
    try {
      if (message.op === "stats") reply(smsc.stats());
      else if (message.op === "summary") reply(summarize());
      else if (message.op === "reset") reply(smsc.reset());
      else if (message.op === "script") reply(smsc.script(message.arg));
      else if (message.op === "dropBinds") reply(smsc.dropBinds());
      else if (message.op === "close") {
        await smsc.close();
        reply(null);
        port.close();
      } else throw new Error(`unknown op ${message.op}`);
    } catch (error) {
      port.postMessage({ id: message.id, error: String(error) });
    }
  });
  port.postMessage({ ready: { port: smsc.port, controlUrl: smsc.controlUrl } });
}

/**
 * @typedef {object} SmscThread
 * @property {string} host always 127.0.0.1
 * @property {number} port the SMPP port
 * @property {string | null} controlUrl the simulator's control API
 * @property {() => Promise<SmscStats>} stats
 * @property {() => Promise<SmscSummary>} summary
 * @property {() => Promise<void>} reset forgets the records (binds stay open, message ids keep counting)
 * @property {(script: import("../../tooling/smsc-simulator/src/types.js").ScriptInput) => Promise<void>} script
 *   applies a script (same bodies as the control API's `POST /__script`)
 * @property {() => Promise<number>} dropBinds cuts every open bind without a word; how many
 * @property {() => Promise<void>} close
 */

/**
 * Starts the simulator on a free port of 127.0.0.1 in a worker thread and waits until it listens.
 *
 * @param {SmscOptions} options
 * @returns {Promise<SmscThread>}
 */
export async function startSmscThread(options) {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { smscWorker: true, options: { host: "127.0.0.1", port: 0, ...options } },
  });
  const waiting = new Map();
  let next = 0;
  let exited = false;
  const ready = new Promise((resolve, reject) => {
    worker.on("message", (message) => {
      if (message.ready) return resolve(message.ready);
      const done = waiting.get(message.id);
      if (!done) return;
      waiting.delete(message.id);
      if (message.error) done.reject(new Error(`smsc: ${message.error}`));
      else done.resolve(message.value);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      exited = true;
      for (const done of waiting.values()) done.reject(new Error(`smsc thread exited (${code})`));
      waiting.clear();
      reject(new Error(`smsc thread exited (${code}) before it listened`));
    });
  });
  const call = (op, arg = undefined, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error("smsc thread has exited"));
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`smsc: no answer to ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage({ id, op, arg });
    });
  const { port, controlUrl } = /** @type {{ port: number, controlUrl: string | null }} */ (await ready);
  return {
    host: "127.0.0.1",
    port,
    controlUrl,
    stats: () => /** @type {Promise<SmscStats>} */ (call("stats")),
    summary: () => /** @type {Promise<SmscSummary>} */ (call("summary")),
    reset: async () => {
      await call("reset");
    },
    script: async (script) => {
      await call("script", script);
    },
    dropBinds: () => /** @type {Promise<number>} */ (call("dropBinds")),
    close: async () => {
      if (exited) return;
      try {
        await call("close", undefined, 5_000);
      } catch {}
      await worker.terminate();
    },
  };
}

/**
 * Polls the SMSC's stats every 250 ms until `done(stats)` or `seconds` pass; returns the last stats
 * and whether `done` was reached, printing progress every 5 s.
 *
 * @param {SmscThread} smsc
 * @param {(stats: SmscStats) => boolean} done
 * @param {number} seconds
 * @param {string} label
 */
export async function pollSmsc(smsc, done, seconds, label) {
  const deadline = performance.now() + seconds * 1000;
  let lastPrinted = 0;
  for (;;) {
    const stats = await smsc.stats();
    if (done(stats)) return { stats, reached: true };
    if (performance.now() > deadline) return { stats, reached: false };
    if (performance.now() - lastPrinted > 5_000) {
      lastPrinted = performance.now();
      console.error(
        `  ${label}: ${stats.submits.total.toLocaleString("en-US")} submit_sm, ${stats.receipts.acknowledged.toLocaleString("en-US")} receipts acknowledged`,
      );
    }
    await sleep(250);
  }
}
