// One client connection: its bind, and the answers to what it sends (bind, enquire_link, unbind,
// submit_sm), as the script says.
import smpp from "smpp";
import { Connection } from "./connection.mjs";
import { formatId } from "./receipt-pdu.mjs";
import { ESME_RTHROTTLED } from "./script.mjs";
import { decodeSubmit } from "./submit-pdu.mjs";

/**
 * @typedef {import("./types.js").BindRecord} BindRecord
 * @typedef {import("./types.js").BindEnd} BindEnd
 * @typedef {import("./types.js").SubmitRecord} SubmitRecord
 * @typedef {import("./simulator.mjs").Context} Context
 * @typedef {import("smpp").PDU} Pdu
 */

const BIND_COMMANDS = new Set(["bind_transceiver", "bind_transmitter", "bind_receiver"]);

export class Session {
  /** @type {BindRecord | null} the accepted bind, while it lasts */
  bind = null;
  /** A silent bind answers nothing after its bind_resp. */
  silent = false;
  /** @type {BindEnd | null} */
  #end = null;
  /** Submits accepted in the last second, for `maxSubmitsPerSecond`. @type {number[]} */
  #accepted = [];
  /** Submits whose answer is still to be written. @type {Set<SubmitRecord>} */
  #pending = new Set();

  /**
   * @param {Context} ctx
   * @param {import("node:net").Socket} socket
   */
  constructor(ctx, socket) {
    this.ctx = ctx;
    this.remotePort = socket.remotePort ?? 0;
    this.connection = new Connection(socket, (pdu, frame) => this.#handle(pdu, frame));
    socket.on("error", (/** @type {NodeJS.ErrnoException} */ error) => {
      // A client that closes with unread data resets the connection: still the client's close.
      this.#end ??= error.code === "ECONNRESET" || error.code === "EPIPE" ? "client-closed" : "error";
    });
    socket.on("close", () => this.#closed());
  }

  /** Whether receipts can be written on this connection now. */
  get canReceive() {
    return this.bind !== null && this.bind.mode !== "transmitter" && !this.silent && this.connection.open;
  }

  /**
   * Cuts the connection without a word (`server-closed` cuts it at once, unflushed writes and all).
   * @param {BindEnd} [end]
   */
  drop(end = "dropped") {
    this.#end ??= end;
    // The record says so at once: the client may see the close before this socket's close event.
    if (this.bind && this.bind.end === null) {
      this.bind.end = this.#end;
      this.bind.endedAt = Date.now();
    }
    this.connection.cut({ now: end === "server-closed" });
  }

  /** @param {Pdu} pdu @param {Buffer} frame */
  #handle(pdu, frame) {
    if (BIND_COMMANDS.has(pdu.command)) return this.#bind(pdu);
    if (pdu.command === "submit_sm") return this.#submit(pdu, frame);
    if (this.silent) {
      if (pdu.command === "enquire_link" && this.bind) this.bind.enquireLinks++;
      return;
    }
    switch (pdu.command) {
      case "enquire_link":
        if (this.bind) this.bind.enquireLinks++;
        this.connection.write(pdu.response());
        return;
      case "unbind":
        this.#end ??= "unbind";
        this.connection.write(pdu.response());
        this.connection.end();
        return;
      default:
        // generic_nack for an unknown command, ESME_RINVCMDID for one this SMSC does not offer.
        this.connection.write(pdu.response({ command_status: smpp.ESME_RINVCMDID }));
    }
  }

  /** @param {Pdu} pdu */
  #bind(pdu) {
    const { ctx } = this;
    if (this.bind) {
      this.connection.write(pdu.response({ command_status: smpp.ESME_RALYBND }));
      return;
    }
    const systemId = String(pdu.system_id ?? "");
    let status = 0;
    let silent = false;
    if (systemId !== ctx.options.systemId) status = smpp.ESME_RINVSYSID;
    else if (String(pdu.password ?? "") !== ctx.options.password) status = smpp.ESME_RINVPASWD;
    else {
      const decision = ctx.script.noteBind();
      status = decision.refuse ?? 0;
      silent = decision.silent;
    }
    /** @type {BindRecord} */
    const record = {
      id: ++ctx.counters.bind,
      mode: /** @type {BindRecord["mode"]} */ (pdu.command.slice("bind_".length)),
      systemId,
      systemType: String(pdu.system_type ?? ""),
      interfaceVersion: Number(pdu.interface_version ?? 0),
      remotePort: this.remotePort,
      status,
      at: Date.now(),
      endedAt: null,
      end: null,
      silent,
      submits: 0,
      enquireLinks: 0,
      outstanding: 0,
      maxOutstanding: 0,
    };
    ctx.records.binds.push(record);
    if (status !== 0) {
      this.connection.write(pdu.response({ command_status: status }));
      this.connection.end();
      record.end = "refused";
      record.endedAt = record.at;
      ctx.events.emit("bind", record);
      return;
    }
    this.connection.write(pdu.response({ system_id: ctx.options.smscSystemId }));
    this.bind = record;
    this.silent = silent;
    ctx.events.emit("bind", record);
    if (this.canReceive) ctx.receipts.flush(this);
  }

  /** @param {Pdu} pdu @param {Buffer} frame */
  #submit(pdu, frame) {
    const { ctx, bind } = this;
    /** @type {SubmitRecord} */
    const record = {
      id: ++ctx.counters.submit,
      bindId: bind?.id ?? null,
      systemId: bind?.systemId ?? null,
      sequenceNumber: pdu.sequence_number,
      receivedAt: Date.now(),
      ...decodeSubmit(frame),
      status: null,
      messageId: null,
      answeredAt: null,
      outcome: "pending",
    };
    ctx.records.submits.push(record);
    if (!bind || bind.mode === "receiver") {
      record.status = smpp.ESME_RINVBNDSTS;
      this.#answer(pdu, record);
      ctx.events.emit("submit", record);
      return;
    }
    bind.submits++;
    bind.outstanding++;
    bind.maxOutstanding = Math.max(bind.maxOutstanding, bind.outstanding);
    this.#pending.add(record);
    if (this.silent) {
      record.outcome = "unanswered";
      ctx.events.emit("submit", record);
      return;
    }
    const { hold, drop } = ctx.script.noteSubmit();
    if (hold) record.outcome = "unanswered";
    else this.#decide(pdu, record);
    ctx.events.emit("submit", record);
    if (drop) this.drop();
  }

  /**
   * Picks the command_status (one-shot failures, then the rate, then the rule's status), answers
   * now or later, and plans the receipts of an accepted message.
   * @param {Pdu} pdu @param {SubmitRecord} record
   */
  #decide(pdu, record) {
    const { ctx } = this;
    const { rule, takeFailure } = ctx.script.resolve(record.destination_addr);
    let status = takeFailure();
    if (status === null && rule.maxSubmitsPerSecond !== null && this.#overRate(rule.maxSubmitsPerSecond))
      status = ESME_RTHROTTLED;
    status ??= rule.submitStatus;
    record.status = status;
    if (!rule.answerSubmits) {
      record.outcome = "unanswered";
      return;
    }
    const number = status === 0 ? ctx.counters.message++ : null;
    if (number !== null) {
      this.#accepted.push(record.receivedAt);
      record.messageId = formatId(number, ctx.script.faults.idFormat);
    }
    const respond = () => {
      // The connection ended while the answer waited: the client never learns the id, and no
      // receipt follows.
      if (record.outcome !== "pending") return;
      if (number === null || !this.connection.open) {
        this.#answer(pdu, record);
        return;
      }
      const groups = ctx.receipts.plan(record, number, rule);
      if (rule.receiptBeforeResp) for (const planned of groups[0] ?? []) ctx.receipts.send(planned, this);
      this.#answer(pdu, record);
      ctx.receipts.schedule(groups, rule.receiptDelayMs, this);
    };
    if (rule.submitRespDelayMs > 0) ctx.responseTimers.later(rule.submitRespDelayMs, respond);
    else respond();
  }

  /** @param {number} perSecond */
  #overRate(perSecond) {
    const since = Date.now() - 1000;
    while (this.#accepted.length > 0 && (this.#accepted[0] ?? 0) <= since) this.#accepted.shift();
    return this.#accepted.length >= perSecond;
  }

  /**
   * Writes the submit_sm_resp for a decided record.
   * @param {Pdu} pdu @param {SubmitRecord} record
   * @returns {boolean} whether it was written
   */
  #answer(pdu, record) {
    const status = record.status ?? 0;
    const resp =
      status === 0
        ? pdu.response({ message_id: record.messageId })
        : pdu.response({ command_status: status });
    const written = this.connection.write(resp);
    record.outcome = written ? "answered" : "unanswered";
    if (written) record.answeredAt = Date.now();
    if (this.#pending.delete(record) && this.bind) this.bind.outstanding--;
    return written;
  }

  #closed() {
    const { ctx } = this;
    ctx.sessions.delete(this);
    for (const record of this.#pending) record.outcome = "unanswered";
    this.#pending.clear();
    const bind = this.bind;
    if (!bind) return;
    bind.end ??= this.#end ?? "client-closed";
    bind.endedAt ??= Date.now();
    ctx.events.emit("bind-end", bind);
  }
}
