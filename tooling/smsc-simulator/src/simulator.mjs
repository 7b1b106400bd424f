// The SMSC's state without its listeners: the script, the records, the open sessions. `accept` takes
// a client socket; everything else reads or changes the state (the control API and the Node handle
// both call these).
import { EventEmitter } from "node:events";
import { ReceiptDesk } from "./receipts.mjs";
import { ScriptBook } from "./script.mjs";
import { Session } from "./session.mjs";
import { TimerGroup } from "./timers.mjs";

/**
 * @typedef {import("./types.js").SmscOptions} SmscOptions
 * @typedef {import("./types.js").BindRecord} BindRecord
 * @typedef {import("./types.js").SubmitRecord} SubmitRecord
 * @typedef {import("./types.js").ReceiptRecord} ReceiptRecord
 * @typedef {import("./types.js").SubmitFilter} SubmitFilter
 * @typedef {import("./types.js").ReceiptFilter} ReceiptFilter
 * @typedef {import("./types.js").SmscStats} SmscStats
 * @typedef {{
 *   host: string, port: number, controlPort: number | null, systemId: string, password: string,
 *   smscSystemId: string, idFormat: import("./types.js").IdFormat, firstId: number,
 *   receiptDelayMs: number, resendUnacknowledged: boolean,
 *   script: import("./types.js").ScriptInput[],
 * }} ResolvedOptions
 * @typedef {{
 *   options: ResolvedOptions,
 *   script: ScriptBook,
 *   records: { binds: BindRecord[], submits: SubmitRecord[], receipts: ReceiptRecord[] },
 *   counters: { bind: number, submit: number, receipt: number, message: number },
 *   sessions: Set<Session>,
 *   queued: Set<import("./receipts.mjs").Planned>,
 *   receipts: ReceiptDesk,
 *   receiptTimers: TimerGroup,
 *   responseTimers: TimerGroup,
 *   events: EventEmitter,
 * }} Context
 */

/** The first message id: 0xA0000001, so a hex id always starts with a letter and never reads as decimal. */
export const FIRST_ID = 0xa0000001;

/**
 * Fills in the defaults.
 * @param {SmscOptions} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options = {}) {
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    controlPort: options.controlPort === undefined ? 0 : options.controlPort,
    systemId: options.systemId ?? "lisoloo",
    password: options.password ?? "secret",
    smscSystemId: options.smscSystemId ?? "lisoloo-smsc",
    idFormat: options.idFormat ?? "decimal",
    firstId: options.firstId ?? FIRST_ID,
    receiptDelayMs: options.receiptDelayMs ?? 100,
    resendUnacknowledged: options.resendUnacknowledged ?? false,
    script: options.script === undefined ? [] : [options.script].flat(),
  };
}

/** @param {string} destination */
const matches = (destination) => {
  const wanted = destination.replace(/^\+/, "");
  return /** @param {string} addr */ (addr) => addr.replace(/^\+/, "") === wanted;
};

export class Simulator {
  /** @param {ResolvedOptions} options */
  constructor(options) {
    const script = new ScriptBook(options);
    /** @type {Context} */
    this.ctx = /** @type {Context} */ (
      /** @type {unknown} */ ({
        options,
        script,
        records: { binds: [], submits: [], receipts: [] },
        counters: { bind: 0, submit: 0, receipt: 0, message: options.firstId },
        sessions: new Set(),
        queued: new Set(),
        receiptTimers: new TimerGroup(),
        responseTimers: new TimerGroup(),
        events: new EventEmitter(),
      })
    );
    this.ctx.receipts = new ReceiptDesk(this.ctx);
    script.apply(options.script);
  }

  get events() {
    return this.ctx.events;
  }

  /** @param {import("node:net").Socket} socket */
  accept(socket) {
    this.ctx.sessions.add(new Session(this.ctx, socket));
  }

  /** @param {import("./types.js").ScriptInput | import("./types.js").ScriptInput[]} input */
  script(input) {
    this.ctx.script.apply(input);
  }

  scripts() {
    return this.ctx.script.view();
  }

  /** @param {SubmitFilter} [filter] */
  submits(filter = {}) {
    const destination = filter.destination === undefined ? null : matches(filter.destination);
    return structuredClone(
      this.ctx.records.submits.filter(
        (s) =>
          (destination === null || destination(s.destination_addr)) &&
          (filter.bindId === undefined || s.bindId === filter.bindId) &&
          (filter.messageId === undefined || s.messageId === filter.messageId),
      ),
    );
  }

  /** @param {ReceiptFilter} [filter] */
  receipts(filter = {}) {
    const destination = filter.destination === undefined ? null : matches(filter.destination);
    return structuredClone(
      this.ctx.records.receipts.filter(
        (r) =>
          (destination === null || destination(r.source_addr)) &&
          (filter.messageId === undefined || r.messageId === filter.messageId) &&
          (filter.status === undefined || r.status === filter.status),
      ),
    );
  }

  binds() {
    return structuredClone(this.ctx.records.binds);
  }

  /** @returns {SmscStats} */
  stats() {
    const { binds, submits, receipts } = this.ctx.records;
    /** @param {ReceiptRecord["status"]} status */
    const withStatus = (status) => receipts.filter((r) => r.status === status).length;
    return {
      binds: {
        total: binds.length,
        open: [...this.ctx.sessions].filter((s) => s.bind !== null && s.connection.open).length,
        refused: binds.filter((b) => b.end === "refused").length,
      },
      submits: {
        total: submits.length,
        ok: submits.filter((s) => s.outcome === "answered" && s.status === 0).length,
        failed: submits.filter((s) => s.outcome === "answered" && s.status !== 0).length,
        pending: submits.filter((s) => s.outcome === "pending").length,
        unanswered: submits.filter((s) => s.outcome === "unanswered").length,
      },
      receipts: {
        total: receipts.length,
        scheduled: withStatus("scheduled"),
        queued: withStatus("queued"),
        pending: withStatus("pending"),
        acknowledged: withStatus("acknowledged"),
        rejected: withStatus("rejected"),
        lost: withStatus("lost"),
        unsent: withStatus("unsent"),
      },
      maxOutstanding: Math.max(0, ...binds.map((b) => b.maxOutstanding)),
    };
  }

  /**
   * Forgets the records and run-time scripts (the start scripts apply again) and cancels receipts
   * not sent yet. Open binds stay open, with their counts restarted, unless `dropBinds`. Message ids
   * keep counting, so an id is never given twice.
   * @param {{ dropBinds?: boolean }} [options]
   */
  reset(options = {}) {
    const { ctx } = this;
    if (options.dropBinds) this.dropBinds();
    ctx.receiptTimers.cancelAll();
    ctx.queued.clear();
    ctx.script.clear();
    ctx.script.apply(ctx.options.script);
    const open = [...ctx.sessions].flatMap((s) => (s.bind && s.bind.end === null ? [s.bind] : []));
    for (const bind of open) {
      bind.submits = 0;
      bind.enquireLinks = 0;
      bind.maxOutstanding = bind.outstanding;
    }
    ctx.records.binds = open;
    ctx.records.submits = [];
    ctx.records.receipts = [];
  }

  /**
   * Drops open connections without a word (the client sees the socket close).
   * @param {number} [bindId] only this bind's connection
   * @returns {number} how many were dropped
   */
  dropBinds(bindId) {
    let dropped = 0;
    for (const session of [...this.ctx.sessions]) {
      if (bindId !== undefined && session.bind?.id !== bindId) continue;
      session.drop();
      dropped++;
    }
    return dropped;
  }

  /** Stops every timer and connection (the listeners are the caller's to close). */
  shutdown() {
    this.ctx.receiptTimers.cancelAll();
    this.ctx.responseTimers.cancelAll();
    for (const session of [...this.ctx.sessions]) session.drop("server-closed");
  }
}
