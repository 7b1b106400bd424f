// Delivery receipts: planned when a submit is accepted, sent when due on a bind of the same account
// that can receive, then followed until the client acknowledges them (deliver_sm_resp) or the
// connection ends. Unacknowledged receipts are queued for the account's next bind when the script
// says so (`resendUnacknowledged`).
import {
  defaultErr,
  formatId,
  isFinal,
  MESSAGE_STATE,
  receiptIdFormatOf,
  receiptPdu,
  receiptText,
} from "./receipt-pdu.mjs";

/**
 * @typedef {import("./types.js").ReceiptRecord} ReceiptRecord
 * @typedef {import("./types.js").SubmitRecord} SubmitRecord
 * @typedef {import("./script.mjs").EffectiveRule} EffectiveRule
 * @typedef {import("./simulator.mjs").Context} Context
 * @typedef {import("./session.mjs").Session} Session
 * @typedef {{ record: ReceiptRecord, submit: SubmitRecord }} Planned
 */

/** registered_delivery bits 0–1: 0 no receipt, 1 success or failure, 2 failure only (3 reserved, read as 1). */
const REGISTERED_DELIVERY_MASK = 0x03;
const FAILURE_ONLY = 0x02;

export class ReceiptDesk {
  /** @param {Context} ctx */
  constructor(ctx) {
    this.ctx = ctx;
  }

  /**
   * The receipts one accepted submit will get, as records (status `scheduled`): one group per
   * scripted stat, each group holding `receiptCopies` identical deliver_sm.
   * @param {SubmitRecord} submit
   * @param {number} number the message id's number
   * @param {EffectiveRule} rule
   * @returns {Planned[][]}
   */
  plan(submit, number, rule) {
    const wanted = submit.registered_delivery & REGISTERED_DELIVERY_MASK;
    if (wanted === 0 || submit.messageId === null || submit.systemId === null) return [];
    const stats = wanted === FAILURE_ONLY ? rule.receipt.filter((s) => s !== "DELIVRD") : rule.receipt;
    const idFormat = this.ctx.script.faults.idFormat;
    const receiptId = formatId(number, receiptIdFormatOf(rule.receiptIdFormat, idFormat));
    return stats.map((stat, i) =>
      Array.from({ length: rule.receiptCopies }, (_, copy) => {
        /** @type {ReceiptRecord} */
        const record = {
          id: ++this.ctx.counters.receipt,
          submitId: submit.id,
          systemId: /** @type {string} */ (submit.systemId),
          messageId: /** @type {string} */ (submit.messageId),
          receiptId,
          source_addr: submit.destination_addr,
          destination_addr: submit.source_addr,
          stat,
          message_state: MESSAGE_STATE[stat],
          err: rule.receiptErr ?? defaultErr(stat),
          final: isFinal(stat),
          form: rule.receiptForm,
          text: null,
          copy: copy + 1,
          beforeResp: rule.receiptBeforeResp && i === 0,
          dueAt: 0,
          status: "scheduled",
          acknowledged: false,
          attempts: [],
        };
        this.ctx.records.receipts.push(record);
        return { record, submit };
      }),
    );
  }

  /**
   * Sends the receipts of `groups` when due: group i at `(i + 1) × delay` from now (or `i × delay`
   * when the first one already went out before the response).
   * @param {Planned[][]} groups
   * @param {number} delayMs
   * @param {Session} session the bind the submit came on, preferred for the receipts
   */
  schedule(groups, delayMs, session) {
    const now = Date.now();
    groups.forEach((group, i) => {
      const offset = (group[0]?.record.beforeResp ? i : i + 1) * delayMs;
      for (const planned of group) planned.record.dueAt = now + offset;
      if (group[0]?.record.beforeResp) return; // sent already
      this.ctx.receiptTimers.later(offset, () => {
        for (const planned of group) this.send(planned, session);
      });
    });
  }

  /**
   * Writes one receipt on `preferred` or another bind of the account that can receive; when none can,
   * queues it (or gives up on it).
   * @param {Planned} planned
   * @param {Session | null} preferred
   */
  send(planned, preferred) {
    const { record, submit } = planned;
    if (record.dueAt === 0) record.dueAt = Date.now();
    const session = this.#pick(record.systemId, preferred);
    record.text ??=
      record.form === "tlv"
        ? null
        : receiptText({
            id: record.receiptId,
            stat: record.stat,
            err: record.err,
            submittedAt: submit.receivedAt,
            doneAt: Date.now(),
            text: submit.text,
          });
    const sent = session?.connection.request(
      receiptPdu({
        submit,
        receiptId: record.receiptId,
        stat: record.stat,
        form: record.form,
        text: record.text,
      }),
    );
    if (!session || !sent) {
      this.#park(planned, "unsent");
      this.ctx.events.emit("receipt", record);
      return;
    }
    /** @type {import("./types.js").ReceiptAttempt} */
    const attempt = {
      bindId: /** @type {number} */ (session.bind?.id),
      sequenceNumber: sent.sequenceNumber,
      sentAt: Date.now(),
      outcome: "pending",
      respStatus: null,
      answeredAt: null,
    };
    record.attempts.push(attempt);
    record.status = "pending";
    this.ctx.events.emit("receipt", record);
    sent.response.then((resp) => {
      attempt.answeredAt = Date.now();
      if (resp === null) {
        attempt.outcome = "lost";
        this.#park(planned, "lost");
      } else if (resp.command_status === 0) {
        attempt.outcome = "acknowledged";
        attempt.respStatus = 0;
        record.status = "acknowledged";
        record.acknowledged = true;
      } else {
        attempt.outcome = "rejected";
        attempt.respStatus = resp.command_status;
        this.#park(planned, "rejected");
      }
      this.ctx.events.emit("receipt-ack", record);
    });
  }

  /**
   * A receipt that did not get through: queued for the account's next bind, or left as it is.
   * @param {Planned} planned
   * @param {"unsent" | "lost" | "rejected"} status
   */
  #park(planned, status) {
    if (this.ctx.script.faults.resendUnacknowledged) {
      planned.record.status = "queued";
      this.ctx.queued.add(planned);
    } else {
      planned.record.status = status;
    }
  }

  /**
   * Sends what is queued for an account, on a bind that just came up.
   * @param {Session} session
   */
  flush(session) {
    for (const planned of [...this.ctx.queued]) {
      if (planned.record.systemId !== session.bind?.systemId) continue;
      this.ctx.queued.delete(planned);
      this.send(planned, session);
    }
  }

  /**
   * The bind to write a receipt on: the submitting bind when it can still receive, else any bind of
   * the same account that can.
   * @param {string} systemId
   * @param {Session | null} preferred
   */
  #pick(systemId, preferred) {
    if (preferred?.canReceive) return preferred;
    for (const session of this.ctx.sessions)
      if (session.canReceive && session.bind?.systemId === systemId) return session;
    return null;
  }
}
