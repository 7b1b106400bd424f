import { commandStatus, describeStatus, normalizeSubmitId, type Pdu, statusClass } from "@lisoloo/smpp";
import { Wakeup } from "../../webhooks/dispatcher/wakeup";
import type { ReceiptIdFormat } from "../settings";
import type { Link } from "./link";
import type { PartOutcome, PartRequest } from "./types";

/** CONTRACT §12: a `submit_sm` with no answer within 60 s has an unknown outcome. */
export const RESPONSE_TIMEOUT_MS = 60_000;
/** `ESME_RTHROTTLED` pauses the whole bind this long. */
const THROTTLE_PAUSE_MS = 1_000;
/** A part refused with a transient status waits 250 ms, doubling to 8 s, before it is sent again. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 8_000;
/** Parts given up on after the response timeout whose late answers are still read. */
const MAX_LATE = 1_000;

/** One part a bind owes an answer: queued, or sent and waiting for its `submit_sm_resp`. */
export type Part = {
  req: PartRequest;
  /** When the call that brought it gives up on it: reported transient then. */
  deadline: number;
  attempts: number;
  notBefore: number;
  reason: string | null;
  settled: boolean;
  resolve: (outcome: PartOutcome) => void;
};

/** What the window needs from its bind. */
export type WindowHooks = {
  /** A part whose outcome is unknown is about to go out again: count it, log it. */
  resubmitting(part: PartRequest, why: string): void;
  /** Stores a taken part's id in D1; resolves once it is there. */
  store(part: PartRequest, id: string): Promise<void>;
  /** The carrier's `receipt_id_format`, to key the ids as receipts will look them up. */
  format(): ReceiptIdFormat;
  /** Something of note (`smpp.*` event, fields). */
  note(event: string, fields: Record<string, unknown>): void;
};

/**
 * The `submit_sm`s of one bind: the parts queued, the ones sent and not answered yet (at most the
 * carrier's `window`, at most `throughput` per second), their answers, timeouts and retries
 * (CONTRACT §12). It sends only through the link it is handed; the bind owns the link.
 */
export class SubmitWindow {
  /** Rings when an answer arrives, a part is queued or the link changes: the bind's loop looks again. */
  readonly wakeup = new Wakeup();
  private readonly queue: Part[] = [];
  private readonly sent = new Map<number, { part: Part; timer: ReturnType<typeof setTimeout> }>();
  private readonly late = new Map<number, PartRequest>();
  private pausedUntil = 0;
  private nextSendAt = 0;

  constructor(private readonly hooks: WindowHooks) {}

  /** Queues parts; each promise settles with the part's outcome. */
  add(requests: PartRequest[], deadline: number): Promise<PartOutcome>[] {
    const outcomes = requests.map(
      (req) =>
        new Promise<PartOutcome>((resolve) =>
          this.queue.push({
            req,
            deadline,
            attempts: 0,
            notBefore: 0,
            reason: null,
            settled: false,
            resolve,
          }),
        ),
    );
    this.wakeup.ring();
    return outcomes;
  }

  /** `submit_sm`s sent and not answered yet. */
  get inUse(): number {
    return this.sent.size;
  }

  /** Whether any part still waits for an outcome. */
  hasWork(): boolean {
    if (this.queue.length > 0) return true;
    for (const { part } of this.sent.values()) if (!part.settled) return true;
    return false;
  }

  /** Reports every queued part transient (nothing can send them now: no bind). */
  failQueued(reason: string): void {
    for (const part of this.queue.splice(0))
      settle(part, { kind: "transient", reason: part.reason ?? reason });
  }

  /** Gives up on parts whose call's time is up: queued ones leave the queue, sent ones wait for their answer. */
  expire(now: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const part = this.queue[i] as Part;
      if (part.deadline > now) continue;
      this.queue.splice(i, 1);
      settle(part, { kind: "transient", reason: part.reason ?? "Not sent in time: the bind is busy" });
    }
    for (const { part } of this.sent.values())
      if (part.deadline <= now) settle(part, { kind: "transient", reason: "No submit_sm_resp yet" });
  }

  /** How long the bind's loop may sleep before something is due; undefined: until a ring. */
  nextWake(now: number, window: number): number | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const part of this.queue) at = Math.min(at, part.deadline);
    for (const { part } of this.sent.values()) if (!part.settled) at = Math.min(at, part.deadline);
    if (this.queue.length > 0 && this.sent.size < window) {
      let ready = Number.POSITIVE_INFINITY;
      for (const part of this.queue) ready = Math.min(ready, part.notBefore);
      at = Math.min(at, Math.max(ready, this.pausedUntil, this.nextSendAt));
    }
    return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
  }

  /** When the earliest queued part's call gives up (for a loop waiting on a re-bind). */
  earliestDeadline(): number {
    return this.queue.reduce((at, part) => Math.min(at, part.deadline), Number.POSITIVE_INFINITY);
  }

  /** Sends what is ready, as far as the window, a throttling pause and the throughput cap allow. */
  sendReady(link: Link, settings: { window: number; throughput: number | null }, now: number): number {
    let sent = 0;
    while (this.sent.size < settings.window && now >= this.pausedUntil && now >= this.nextSendAt) {
      const index = this.queue.findIndex((p) => p.notBefore <= now);
      if (index < 0) break;
      const [part] = this.queue.splice(index, 1) as [Part];
      const sequence = link.nextSequence();
      const timer = setTimeout(() => this.noAnswer(sequence), RESPONSE_TIMEOUT_MS);
      this.sent.set(sequence, { part, timer });
      if (settings.throughput !== null)
        this.nextSendAt = Math.max(now, this.nextSendAt) + 1000 / settings.throughput;
      void link.send({ ...part.req.pdu, sequence_number: sequence });
      sent++;
    }
    return sent;
  }

  /** A `submit_sm_resp` (or `generic_nack`) arrived on the link the window sends through. */
  answered(pdu: Pdu): void {
    const entry = this.sent.get(pdu.sequence_number);
    if (entry === undefined) {
      this.lateAnswer(pdu);
      return;
    }
    this.sent.delete(pdu.sequence_number);
    clearTimeout(entry.timer);
    this.wakeup.ring();
    const { part } = entry;
    const status =
      pdu.command === "generic_nack" && pdu.command_status === 0
        ? commandStatus.ESME_RUNKNOWNERR
        : pdu.command_status;
    switch (statusClass(status)) {
      case "ok":
        this.taken(part, pdu.command === "submit_sm_resp" ? pdu.message_id : "");
        return;
      case "transient":
        if (status === commandStatus.ESME_RTHROTTLED) this.pausedUntil = Date.now() + THROTTLE_PAUSE_MS;
        this.again(part, describeStatus(status));
        return;
      case "permanent":
        settle(part, { kind: "permanent", reason: describeStatus(status) });
    }
  }

  /**
   * The link dropped: parts written and not answered may or may not have reached the SMSC. They go
   * out again after the re-bind, first in line (CONTRACT §12: a rare duplicate rather than a loss).
   * Returns how many.
   */
  lost(reason: string): number {
    const again: Part[] = [];
    for (const { part, timer } of this.sent.values()) {
      clearTimeout(timer);
      if (part.settled) continue;
      this.hooks.resubmitting(part.req, `connection lost before its submit_sm_resp (${reason})`);
      again.push(part);
    }
    this.sent.clear();
    this.late.clear();
    this.queue.unshift(...again);
    this.wakeup.ring();
    return again.length;
  }

  /** An unbind on purpose: what is still unanswered is reported transient, not sent again. */
  abandon(reason: string): void {
    for (const { part, timer } of this.sent.values()) {
      clearTimeout(timer);
      settle(part, { kind: "transient", reason });
    }
    this.sent.clear();
    this.late.clear();
  }

  private noAnswer(sequence: number): void {
    const entry = this.sent.get(sequence);
    if (entry === undefined) return;
    this.sent.delete(sequence);
    this.late.set(sequence, entry.part.req);
    if (this.late.size > MAX_LATE) this.late.delete(this.late.keys().next().value as number);
    this.wakeup.ring();
    if (entry.part.settled) return;
    const why = `No submit_sm_resp within ${RESPONSE_TIMEOUT_MS / 1000} s`;
    this.hooks.resubmitting(entry.part.req, why);
    entry.part.reason = why;
    this.queue.unshift(entry.part);
  }

  /**
   * The answer to a part given up on after the response timeout (and sent again): the SMSC took that
   * copy too, so its id is stored as well, and its receipt finds the part.
   */
  private lateAnswer(pdu: Pdu): void {
    const req = this.late.get(pdu.sequence_number);
    if (req === undefined) return;
    this.late.delete(pdu.sequence_number);
    this.hooks.note("smpp.late_answer", {
      delivery_id: req.deliveryId,
      part: req.index,
      command_status: pdu.command_status,
    });
    if (pdu.command !== "submit_sm_resp" || pdu.command_status !== 0) return;
    const id = normalizeSubmitId(pdu.message_id, this.hooks.format());
    if (id !== "") this.hooks.store(req, id).catch(() => undefined);
  }

  /** A transient refusal: the part goes out again after a back-off, if its call's time allows. */
  private again(part: Part, reason: string): void {
    part.attempts++;
    part.reason = reason;
    if (part.settled) return;
    part.notBefore = Date.now() + Math.min(RETRY_FIRST_MS * 2 ** (part.attempts - 1), RETRY_MAX_MS);
    if (part.notBefore >= part.deadline) settle(part, { kind: "transient", reason });
    else this.queue.push(part);
  }

  /** Taken: reported accepted once its id is in D1, so a receipt can find it. */
  private taken(part: Part, messageId: string): void {
    let id = normalizeSubmitId(messageId, this.hooks.format());
    if (id === "") {
      // Taken, so it must not be sent again; no receipt can name it.
      id = `no-id:${part.req.deliveryId}:${part.req.index}:${Date.now()}`;
      this.hooks.note("smpp.submit_without_id", { delivery_id: part.req.deliveryId });
    }
    this.hooks.store(part.req, id).then(
      () => settle(part, { kind: "accepted", carrierMessageId: id }),
      () => settle(part, { kind: "transient", reason: "Taken by the SMSC, but its id could not be stored" }),
    );
  }
}

function settle(part: Part, outcome: PartOutcome): void {
  if (part.settled) return;
  part.settled = true;
  part.resolve(outcome);
}
