import { latin1 } from "./bytes.js";
import { normalizeStat, parseReceiptText, type ReceiptStat, type ReceiptTextFields } from "./receipt-text.js";
import { decodeUcs2, ESM_CLASS_UDHI } from "./short-message.js";
import type { DeliverSm, NetworkErrorCode } from "./types.js";

/** esm_class bit of a deliver_sm that is an SMSC delivery receipt. */
export const ESM_CLASS_RECEIPT = 0x04;

/** The stat word of each message_state value (SMPP 3.4 §5.2.28). */
export const statByMessageState: Readonly<Record<number, ReceiptStat>> = {
  1: "ENROUTE",
  2: "DELIVRD",
  3: "EXPIRED",
  4: "DELETED",
  5: "UNDELIV",
  6: "ACCEPTD",
  7: "UNKNOWN",
  8: "REJECTD",
};

/** The message_state value of each stat word, for an SMSC (or simulator) writing receipts. */
export const messageStateByStat: Readonly<Record<ReceiptStat, number>> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

/** What a delivery receipt says, TLVs first, the text second. */
export interface DeliveryReceipt {
  /** The SMSC's message id: receipted_message_id, else the text's `id:`. */
  messageId: string;
  /** message_state as a word, else the text's `stat:`; null when neither is one the spec has. */
  stat: ReceiptStat | null;
  /** The text's `err:` (carrier-specific, often 3 digits), null when absent. */
  err: string | null;
  /** The message_state TLV as it came, null when absent. */
  messageState: number | null;
  networkErrorCode: NetworkErrorCode | null;
  /** Everything the text said, for logs and for what the TLVs do not carry (dates, counts). */
  fields: ReceiptTextFields;
}

/**
 * Whether a deliver_sm is a delivery receipt (esm_class & 0x04) rather than an inbound SMS.
 * @example isDeliveryReceipt({ esm_class: 0x04 }) // true
 */
export function isDeliveryReceipt(pdu: Pick<DeliverSm, "esm_class">): boolean {
  return (pdu.esm_class & ESM_CLASS_RECEIPT) !== 0;
}

/**
 * The receipt a deliver_sm carries (CONTRACT §12): the receipted_message_id and message_state TLVs
 * when present, else the receipt text in short_message (or message_payload). Null when the PDU is
 * not a receipt or names no message id anywhere.
 * @example
 * const receipt = receiptOf(deliverSm);
 * if (receipt) lookUp(receiptIdToSubmitId(receipt.messageId, carrier.receipt_id_format), receipt.stat);
 */
export function receiptOf(pdu: DeliverSm): DeliveryReceipt | null {
  if (!isDeliveryReceipt(pdu)) return null;
  const fields = parseReceiptText(receiptText(pdu));
  const tlvs = pdu.tlvs ?? {};
  const messageId = nonEmpty(tlvs.receipted_message_id) ?? nonEmpty(fields.id);
  if (messageId === null) return null;
  const messageState = tlvs.message_state ?? null;
  const stat =
    (messageState === null ? undefined : statByMessageState[messageState]) ?? normalizeStat(fields.stat);
  return {
    messageId,
    stat,
    err: fields.err,
    messageState,
    networkErrorCode: tlvs.network_error_code ?? null,
    fields,
  };
}

/**
 * The text of a receipt: UCS-2 when data_coding says so, else one character per octet, which
 * reads the ASCII the spec prescribes and never throws on an octet above 0x7F.
 */
export function receiptText(
  pdu: Pick<DeliverSm, "esm_class" | "data_coding" | "short_message" | "tlvs">,
): string {
  let data =
    pdu.short_message.length === 0 && pdu.tlvs?.message_payload
      ? pdu.tlvs.message_payload
      : pdu.short_message;
  if ((pdu.esm_class & ESM_CLASS_UDHI) !== 0 && data.length > 0 && (data[0] as number) < data.length) {
    data = data.subarray(1 + (data[0] as number));
  }
  return pdu.data_coding === 0x08 && data.length % 2 === 0 ? decodeUcs2(data) : latin1(data);
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
