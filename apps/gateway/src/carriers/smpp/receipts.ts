import type { DeliveryErrorCode, ReceiptStatus } from "@lisoloo/protocol";
import { type DeliverSm, type ReceiptStat, receiptIdToSubmitId, receiptOf } from "@lisoloo/smpp";
import type { ReceiptIdFormat } from "../settings";
import type { CarrierReceipt } from "../types";

/** What each receipt `stat` means for a delivery (CONTRACT §12). */
export const receiptStatusOf: Readonly<
  Record<ReceiptStat, { status: ReceiptStatus; errorCode: DeliveryErrorCode | null }>
> = {
  ACCEPTD: { status: "accepted", errorCode: null },
  ENROUTE: { status: "enroute", errorCode: null },
  DELIVRD: { status: "delivered", errorCode: null },
  UNDELIV: { status: "undelivered", errorCode: "1504" },
  EXPIRED: { status: "expired", errorCode: "1505" },
  REJECTD: { status: "rejected", errorCode: "1502" },
  DELETED: { status: "undelivered", errorCode: "1504" },
  UNKNOWN: { status: "delivery_unknown", errorCode: "1503" },
};

/** A receipt the bind can hand on, or why it cannot (answered anyway: it can never become usable). */
export type ReadReceipt =
  | { receipt: CarrierReceipt }
  | { unusable: "no_message_id" | "unknown_stat"; messageId: string | null; stat: string | null }
  | { orphan: string };

/**
 * Reads a delivery receipt (`deliver_sm` with the receipt flag) into the receipt path's shape: the
 * submit id it names, as `normalizeSubmitId` stored it for the carrier's `receipt_id_format` (TLVs
 * first, then the text), and its `stat` mapped per CONTRACT §12.
 * @example readReceipt(deliverSm, "same", "2026-06-01T08:00:05Z")
 * // { receipt: { carrierMessageId: "2684354561", status: "delivered", errorCode: null, at: "2026-06-01T08:00:05Z" } }
 */
export function readReceipt(pdu: DeliverSm, format: ReceiptIdFormat, at: string): ReadReceipt {
  const receipt = receiptOf(pdu);
  if (receipt === null) return { unusable: "no_message_id", messageId: null, stat: null };
  if (receipt.stat === null) {
    return { unusable: "unknown_stat", messageId: receipt.messageId, stat: receipt.fields.stat };
  }
  const id = receiptIdToSubmitId(receipt.messageId, format);
  // Not a number in the base the format says: no part was ever stored under it.
  if (id === null) return { orphan: receipt.messageId };
  const { status, errorCode } = receiptStatusOf[receipt.stat];
  return { receipt: { carrierMessageId: id, status, errorCode, at } };
}

/** Receipts per queue message: a queue message holds at most 128 KB, a receipt about 150 bytes. */
const MAX_PER_MESSAGE = 100;
/** Receipts arriving within this long of each other share one queue message. */
const GATHER_MS = 10;

type Held = { receipt: CarrierReceipt; answer: (queued: boolean) => void };

/**
 * Hands receipts to the receipt path in as few queue messages as is cheap: receipts arriving
 * together (a burst of `deliver_sm`) are gathered for a few milliseconds. Each receipt's `answer`
 * is called once its message is durably queued (`true`: now send `deliver_sm_resp`) or could not
 * be (`false`: refuse it, so the SMSC sends it again).
 */
export class ReceiptForwarder {
  private held: Held[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly queue: (receipts: CarrierReceipt[]) => Promise<void>) {}

  add(receipt: CarrierReceipt, answer: (queued: boolean) => void): void {
    this.held.push({ receipt, answer });
    if (this.held.length >= MAX_PER_MESSAGE) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.held.splice(0, MAX_PER_MESSAGE);
    if (batch.length === 0) return;
    this.queue(batch.map((h) => h.receipt)).then(
      () => {
        for (const h of batch) h.answer(true);
      },
      () => {
        for (const h of batch) h.answer(false);
      },
    );
    if (this.held.length > 0) this.timer = setTimeout(() => this.flush(), GATHER_MS);
  }
}
