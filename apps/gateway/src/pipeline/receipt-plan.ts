import {
  applyReceipt,
  billingOf,
  type DeliveryErrorCode,
  type DeliveryEventType,
  type DeliveryState,
  type DeliveryStatus,
  errorCodeForStatus,
  handedToCarrier,
  isTerminal,
} from "@lisoloo/protocol";
import type { CarrierReceipt } from "../carriers/types";
import { isoSeconds } from "../iso-seconds";
import { type DeliveryRow, stateOf } from "./delivery-row";
import { deliveryEventData } from "./event-payloads";

/** Where fresh tokens come from: passed in, so a plan is a pure function of its input. */
export type Tokens = { revision: () => string; eventId: () => string };

/** A delivery's new state, written only if it still has the revision it was read with (`old`). */
export type DeliveryChange = {
  id: number;
  old: string | null;
  rev: string;
  status: DeliveryStatus;
  code: DeliveryErrorCode | null;
  parts: string | null;
  /** What the connector said about a failure (`error_message`); null leaves the stored one. */
  message: string | null;
  seq: number;
  sent: number | null;
  delivered: number | null;
  failed: number | null;
};

export type PlannedEvent = {
  id: string;
  deliveryId: number;
  type: DeliveryEventType;
  seq: number;
  payload: string;
  occurredAt: number;
  revision: string;
};

/** A receipt as it arrived; `revision` ties it to its delivery's change (null: logged as is). */
export type PlannedReceiptLog = {
  deliveryId: number;
  status: string;
  outcome: string;
  errorCode: string | null;
  raw: string;
  revision: string | null;
};

/** The price of a delivery paid back, only if its change lands. */
export type PlannedRefund = { deliveryId: number; sendId: string; amountMicros: number; revision: string };

export type ReceiptPlan = {
  changes: DeliveryChange[];
  events: PlannedEvent[];
  log: PlannedReceiptLog[];
  refunds: PlannedRefund[];
  /** Receipts that name no delivery read. */
  unmatched: CarrierReceipt[];
  /** The receipts each delivery got, in arrival order: re-applied if its write loses a race. */
  receiptsOf: Map<number, CarrierReceipt[]>;
};

type Stamps = { sent: number | null; delivered: number | null; failed: number | null };

/** One part of a delivery a carrier took, as `carrier_message_parts` maps the carrier's id to it. */
export type CarrierPart = { deliveryId: number; index: number; total: number };

/** Timestamp column a status sets when a delivery first reaches it. */
function stampOf(status: DeliveryStatus): keyof Stamps | null {
  if (status === "sent") return "sent";
  if (status === "delivered") return "delivered";
  if (!isTerminal(status) || status === "cancelled") return null;
  return "failed";
}

/**
 * Decides what a list of receipts does to the deliveries they name, without touching anything:
 * each delivery's next state through the protocol's lifecycle (forward only, duplicates and late
 * ones recorded but not applied, multipart merged), the events its transitions emit with strictly
 * increasing per-delivery sequence numbers, every receipt as it arrived, and the refund the
 * protocol's billing rule gives a delivery that ends here. `carrier` is the connector that sent the
 * receipts, `null` for the gateway's own (connector refusals, dead letters, sweeps, validity ends):
 * a carrier's receipt proves the delivery was handed to it, the gateway's do not. A receipt naming
 * a carrier id of `parts` is about that part of its delivery (merged per part when there are
 * several); any other carrier id is looked up as the delivery's own `carrier_message_id`.
 */
export function planReceipts(input: {
  rows: ReadonlyMap<number, DeliveryRow>;
  /** The carrier's message ids of the receipts that name parts (`carrier_message_parts`), by id. */
  parts?: ReadonlyMap<string, CarrierPart>;
  carrier: string | null;
  receipts: readonly CarrierReceipt[];
  now: number;
  tokens: Tokens;
}): ReceiptPlan {
  const { rows, carrier, now, tokens } = input;
  const byRef = new Map<string, DeliveryRow>();
  for (const row of rows.values()) if (row.carrier_message_id) byRef.set(row.carrier_message_id, row);

  type Open = {
    row: DeliveryRow;
    next: DeliveryState;
    rev: string;
    seq: number;
    stamps: Stamps;
    message: string | null;
  };
  const open = new Map<number, Open>();
  const plan: ReceiptPlan = {
    changes: [],
    events: [],
    log: [],
    refunds: [],
    unmatched: [],
    receiptsOf: new Map(),
  };
  for (const receipt of input.receipts) {
    const mapped =
      receipt.deliveryId === undefined && receipt.carrierMessageId !== undefined
        ? input.parts?.get(receipt.carrierMessageId)
        : undefined;
    const row =
      receipt.deliveryId !== undefined
        ? rows.get(receipt.deliveryId)
        : mapped !== undefined
          ? rows.get(mapped.deliveryId)
          : receipt.carrierMessageId !== undefined
            ? byRef.get(receipt.carrierMessageId)
            : undefined;
    // A single-part message's receipt is about the whole delivery.
    const part =
      mapped !== undefined && mapped.total > 1
        ? { index: mapped.index, total: mapped.total }
        : (receipt.part ?? null);
    if (!row) {
      plan.unmatched.push(receipt);
      continue;
    }
    plan.receiptsOf.set(row.id, [...(plan.receiptsOf.get(row.id) ?? []), receipt]);
    const current = open.get(row.id)?.next ?? stateOf(row);
    const applied = applyReceipt(current, {
      status: receipt.status,
      part,
      error_code: receipt.errorCode ?? null,
      at: receipt.at,
    });
    plan.log.push({
      deliveryId: row.id,
      status: receipt.status,
      outcome: applied.outcome,
      errorCode: receipt.errorCode ?? null,
      raw: JSON.stringify(receipt),
      revision: null,
    });
    if (applied.outcome !== "applied" && applied.outcome !== "merged") continue;
    const change = open.get(row.id) ?? {
      row,
      next: current,
      rev: tokens.revision(),
      seq: row.event_seq,
      stamps: { sent: null, delivered: null, failed: null },
      message: null,
    };
    change.next = applied.next;
    if (receipt.reason !== undefined) change.message = receipt.reason;
    const at = Date.parse(receipt.at) || now;
    const stamp = stampOf(applied.next.status);
    if (stamp && change.stamps[stamp] === null) change.stamps[stamp] = at;
    if (applied.event_type) {
      change.seq += 1;
      const data = deliveryEventData(
        applied.event_type,
        row,
        applied.next,
        row.carrier ?? carrier,
        isoSeconds(at),
        change.message,
      );
      plan.events.push({
        id: tokens.eventId(),
        deliveryId: row.id,
        type: applied.event_type,
        seq: change.seq,
        payload: JSON.stringify(data),
        occurredAt: at,
        revision: change.rev,
      });
    }
    open.set(row.id, change);
  }

  for (const c of open.values()) {
    const code = c.next.error_code ?? errorCodeForStatus(c.next.status);
    plan.changes.push({
      id: c.row.id,
      old: c.row.revision,
      rev: c.rev,
      status: c.next.status,
      code,
      parts: c.next.parts ? JSON.stringify(c.next.parts) : null,
      message: c.message,
      seq: c.seq,
      ...c.stamps,
    });
    const handed =
      carrier !== null ||
      handedToCarrier({ status: c.row.status, has_carrier_message_id: c.row.carrier_message_id !== null });
    const endsHere = !isTerminal(c.row.status) && isTerminal(c.next.status);
    if (
      endsHere &&
      billingOf({ status: c.next.status, error_code: code, handed_to_carrier: handed }) === "refunded"
    )
      plan.refunds.push({
        deliveryId: c.row.id,
        sendId: c.row.send_id,
        amountMicros: c.row.segments * c.row.unit_price_micros,
        revision: c.rev,
      });
  }
  for (const l of plan.log) l.revision = open.get(l.deliveryId)?.rev ?? null;
  return plan;
}
