import { type DeliveryErrorCode, errorCodeForStatus } from "./error-codes.js";
import { type DeliveryEventType, eventTypeFor } from "./events.js";
import { type DeliveryStatus, deliveryStatuses, deliveryStatusRank, isTerminal } from "./statuses.js";

/**
 * The statuses a receipt can report. `pending` is where a delivery starts and
 * `partially_delivered` is only ever the merge of part receipts, so neither comes in a receipt.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   deliveryStatuses,
 *   type ReceiptOutcome,
 *   receiptOutcomes,
 *   receiptStatuses,
 * } from "@lisoloo/protocol/lifecycle";
 *
 * const outcomes: readonly ReceiptOutcome[] = receiptOutcomes;
 * assert.deepEqual(outcomes, [
 *   "applied",
 *   "merged",
 *   "ignored_duplicate",
 *   "ignored_late",
 *   "ignored_terminal",
 *   "ignored_invalid",
 * ]);
 * // Every delivery status can come in a receipt, but these two
 * const neverInReceipts = deliveryStatuses.filter((s) => !(receiptStatuses as readonly string[]).includes(s));
 * assert.deepEqual(neverInReceipts, ["pending", "partially_delivered"]);
 */
export const receiptStatuses: readonly ReceiptStatus[] = deliveryStatuses.filter(
  (s): s is ReceiptStatus => s !== "pending" && s !== "partially_delivered",
);

/** A status a receipt can report. */
export type ReceiptStatus = Exclude<DeliveryStatus, "pending" | "partially_delivered">;

/** Which segment of a concatenated message a receipt is about: `index` is 1-based, as in the UDH. */
export interface ReceiptPart {
  readonly index: number;
  readonly total: number;
}

/**
 * What the gateway or a carrier reports about one delivery. Without `part` it is about the whole
 * delivery; with `part` it is about one segment of a multi-segment message.
 */
export interface Receipt {
  readonly status: ReceiptStatus;
  readonly part?: ReceiptPart | null | undefined;
  /** Overrides the status's default code (`errorCodeForStatus`) for a failure. */
  readonly error_code?: DeliveryErrorCode | null | undefined;
  /** When the reported change happened (ISO 8601); the `occurred_at` of the event it causes. */
  readonly at: string;
}

/** Where one segment of a delivery stands. */
export interface PartState {
  readonly status: DeliveryStatus;
  readonly error_code: DeliveryErrorCode | null;
}

/**
 * Where one delivery stands. `parts` is absent until the first part receipt arrives; from then on
 * it holds one entry per segment and `status` is derived from it.
 */
export interface DeliveryState {
  readonly status: DeliveryStatus;
  readonly error_code?: DeliveryErrorCode | null | undefined;
  readonly parts?: readonly PartState[] | null | undefined;
}

/**
 * What `applyReceipt` did with a receipt. Ignored receipts are meant to be recorded, not applied.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   deliveryStatuses,
 *   type ReceiptOutcome,
 *   receiptOutcomes,
 *   receiptStatuses,
 * } from "@lisoloo/protocol/lifecycle";
 *
 * const outcomes: readonly ReceiptOutcome[] = receiptOutcomes;
 * assert.deepEqual(outcomes, [
 *   "applied",
 *   "merged",
 *   "ignored_duplicate",
 *   "ignored_late",
 *   "ignored_terminal",
 *   "ignored_invalid",
 * ]);
 * // Every delivery status can come in a receipt, but these two
 * const neverInReceipts = deliveryStatuses.filter((s) => !(receiptStatuses as readonly string[]).includes(s));
 * assert.deepEqual(neverInReceipts, ["pending", "partially_delivered"]);
 */
export const receiptOutcomes = [
  "applied",
  "merged",
  "ignored_duplicate",
  "ignored_late",
  "ignored_terminal",
  "ignored_invalid",
] as const;

/** The outcome of one receipt. */
export type ReceiptOutcome = (typeof receiptOutcomes)[number];

/** The result of `applyReceipt`. When the receipt is ignored, `next` is `current` itself. */
export interface ReceiptResult {
  readonly outcome: ReceiptOutcome;
  readonly next: DeliveryState;
  /** The webhook event the status change emits, if any. */
  readonly event_type: DeliveryEventType | null;
}

/** Concatenated SMS carry at most 255 parts (one UDH octet). */
const MAX_PARTS = 255;

const receiptStatusSet: ReadonlySet<string> = new Set(receiptStatuses);

/**
 * A fresh delivery, as created when its dispatch is released.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { applyReceipt, newDeliveryState } from "@lisoloo/protocol/lifecycle";
 *
 * let state = newDeliveryState();
 * assert.deepEqual(state, { status: "pending", error_code: null, parts: null });
 *
 * const sent = applyReceipt(state, { status: "sent", at: "2026-06-01T08:00:01Z" });
 * assert.equal(sent.outcome, "applied");
 * assert.equal(sent.event_type, "sms.sent");
 * state = sent.next;
 *
 * // A receipt of a lower rank arriving late changes nothing
 * const late = applyReceipt(state, { status: "processing", at: "2026-06-01T08:00:00Z" });
 * assert.equal(late.outcome, "ignored_late");
 * assert.equal(late.next, state);
 */
export function newDeliveryState(): DeliveryState {
  return { status: "pending", error_code: null, parts: null };
}

/**
 * Applies one receipt to a delivery (CONTRACT §7). A delivery only moves forward by rank; a final
 * delivery never changes; a receipt that would move it back (`ignored_late`), repeats its status
 * (`ignored_duplicate`), arrives after it is final (`ignored_terminal`) or names a part that does not
 * fit (`ignored_invalid`) leaves it as it is.
 *
 * Part receipts are merged per segment, whatever their order: all parts `delivered` → `delivered`;
 * all final with some delivered → `partially_delivered` (error code of the first part that failed);
 * all final with none delivered → the status and code of the first part. Until every part is final
 * the delivery shows its least advanced part. A receipt without `part` moves every unfinished part,
 * so a validity timeout (`delivery_unknown`) after some parts were delivered ends
 * `partially_delivered`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { applyReceipt, newDeliveryState } from "@lisoloo/protocol/lifecycle";
 *
 * let state = newDeliveryState();
 * assert.deepEqual(state, { status: "pending", error_code: null, parts: null });
 *
 * const sent = applyReceipt(state, { status: "sent", at: "2026-06-01T08:00:01Z" });
 * assert.equal(sent.outcome, "applied");
 * assert.equal(sent.event_type, "sms.sent");
 * state = sent.next;
 *
 * // A receipt of a lower rank arriving late changes nothing
 * const late = applyReceipt(state, { status: "processing", at: "2026-06-01T08:00:00Z" });
 * assert.equal(late.outcome, "ignored_late");
 * assert.equal(late.next, state);
 */
export function applyReceipt(current: DeliveryState, receipt: Receipt): ReceiptResult {
  if (!receiptStatusSet.has(receipt.status)) return ignored(current, "ignored_invalid");
  const part = receipt.part ?? null;
  if (part === null) return applyToWhole(current, receipt);
  const parts = current.parts ?? null;
  if (!fits(part, parts)) return ignored(current, "ignored_invalid");
  return applyToPart(current, receipt, part.index - 1, part.total);
}

function applyToWhole(current: DeliveryState, receipt: Receipt): ReceiptResult {
  const { status } = receipt;
  const verdict = compare(current.status, status);
  if (verdict !== null) return ignored(current, verdict);
  const parts = current.parts ?? null;
  if (parts === null) {
    return changed(current, "applied", { status, error_code: codeOf(receipt), parts: null });
  }
  const raised = parts.map((p) =>
    deliveryStatusRank[status] > deliveryStatusRank[p.status] ? partOf(receipt) : p,
  );
  return changed(current, "applied", merge(raised));
}

function applyToPart(current: DeliveryState, receipt: Receipt, index: number, total: number): ReceiptResult {
  const parts = current.parts ?? Array.from({ length: total }, () => partFrom(current));
  const part = parts[index] ?? partFrom(current);
  if (isTerminal(current.status)) {
    return ignored(current, part.status === receipt.status ? "ignored_duplicate" : "ignored_terminal");
  }
  const verdict = compare(part.status, receipt.status);
  if (verdict !== null) return ignored(current, verdict);
  const next = parts.slice();
  next[index] = partOf(receipt);
  return changed(current, "merged", merge(next));
}

/** Why a receipt with `incoming` status cannot move something at `existing`, or `null` if it can. */
function compare(existing: DeliveryStatus, incoming: DeliveryStatus): ReceiptOutcome | null {
  if (existing === incoming) return "ignored_duplicate";
  if (isTerminal(existing)) return "ignored_terminal";
  if (deliveryStatusRank[incoming] < deliveryStatusRank[existing]) return "ignored_late";
  return null;
}

function fits(part: ReceiptPart, parts: readonly PartState[] | null): boolean {
  const { index, total } = part;
  if (!Number.isInteger(total) || total < 1 || total > MAX_PARTS) return false;
  if (!Number.isInteger(index) || index < 1 || index > total) return false;
  return parts === null || parts.length === total;
}

function merge(parts: readonly PartState[]): Required<DeliveryState> {
  let least: DeliveryStatus | null = null;
  let delivered = 0;
  let firstFailure: PartState | null = null;
  for (const p of parts) {
    if (!isTerminal(p.status)) {
      if (least === null || deliveryStatusRank[p.status] < deliveryStatusRank[least]) least = p.status;
    } else if (p.status === "delivered") {
      delivered += 1;
    } else if (firstFailure === null) {
      firstFailure = p;
    }
  }
  if (least !== null) return { status: least, error_code: null, parts };
  if (firstFailure === null) return { status: "delivered", error_code: null, parts };
  if (delivered > 0) {
    const code = firstCode(parts) ?? errorCodeForStatus("partially_delivered");
    return { status: "partially_delivered", error_code: code, parts };
  }
  return { status: firstFailure.status, error_code: firstFailure.error_code, parts };
}

function firstCode(parts: readonly PartState[]): DeliveryErrorCode | null {
  for (const p of parts) if (p.error_code !== null) return p.error_code;
  return null;
}

function codeOf(receipt: Receipt): DeliveryErrorCode | null {
  const fallback = errorCodeForStatus(receipt.status);
  return fallback === null ? null : (receipt.error_code ?? fallback);
}

function partOf(receipt: Receipt): PartState {
  return { status: receipt.status, error_code: codeOf(receipt) };
}

function partFrom(state: DeliveryState): PartState {
  return { status: state.status, error_code: null };
}

function ignored(current: DeliveryState, outcome: ReceiptOutcome): ReceiptResult {
  return { outcome, next: current, event_type: null };
}

function changed(
  current: DeliveryState,
  outcome: ReceiptOutcome,
  next: Required<DeliveryState>,
): ReceiptResult {
  return { outcome, next, event_type: eventTypeFor(current.status, next.status) };
}
