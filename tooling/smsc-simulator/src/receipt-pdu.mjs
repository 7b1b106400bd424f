// What a delivery receipt looks like on the wire: a deliver_sm with esm_class 0x04, the receipt
// text in the short message, and/or the receipted_message_id and message_state TLVs.
import smpp from "smpp";
import { decodeGsm7, encodeGsm7 } from "./text.mjs";

/**
 * @typedef {import("./types.js").ReceiptStat} ReceiptStat
 * @typedef {import("./types.js").ReceiptForm} ReceiptForm
 * @typedef {import("./types.js").IdFormat} IdFormat
 * @typedef {import("./types.js").ReceiptIdFormat} ReceiptIdFormat
 */

export const ESM_CLASS_RECEIPT = 0x04;

/** message_state (SMPP 3.4 §5.2.28) for each receipt stat. */
export const MESSAGE_STATE = /** @type {const} */ ({
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
});

/** @param {ReceiptStat} stat */
export const isFinal = (stat) => stat !== "ACCEPTD" && stat !== "ENROUTE";

/** @param {ReceiptStat} stat */
export const defaultErr = (stat) => (stat === "DELIVRD" || !isFinal(stat) ? "000" : "001");

/**
 * Writes a message id number in a format.
 * @param {number} n
 * @param {IdFormat} format
 */
export const formatId = (n, format) => (format === "hex" ? n.toString(16) : String(n));

/**
 * The format a receipt writes its id in, given the submit's.
 * @param {ReceiptIdFormat} receiptFormat
 * @param {IdFormat} submitFormat
 * @returns {IdFormat}
 */
export function receiptIdFormatOf(receiptFormat, submitFormat) {
  if (receiptFormat === "same") return submitFormat;
  if (receiptFormat === "other") return submitFormat === "hex" ? "decimal" : "hex";
  return receiptFormat;
}

/** `YYMMDDhhmm` in UTC. @param {number} ms */
export function receiptDate(ms) {
  const iso = new Date(ms).toISOString(); // 2026-05-27T10:15:00.000Z
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
}

/**
 * The receipt text of SMPP 3.4 Appendix B.
 * @param {{ id: string, stat: ReceiptStat, err: string, submittedAt: number, doneAt: number, text: string | null }} r
 */
export function receiptText(r) {
  const delivered = r.stat === "DELIVRD" ? "001" : "000";
  // The first 20 characters of the message, as SMSCs do, in what GSM-7 can carry (others read `?`).
  const excerpt = decodeGsm7(encodeGsm7([...(r.text ?? "")].slice(0, 20).join("")));
  return (
    `id:${r.id} sub:001 dlvrd:${delivered} submit date:${receiptDate(r.submittedAt)} ` +
    `done date:${receiptDate(r.doneAt)} stat:${r.stat} err:${r.err} text:${excerpt}`
  );
}

/**
 * The deliver_sm that carries a receipt, from the handset (the submit's destination) back to the
 * submit's sender.
 * @param {{ submit: import("./types.js").SubmitRecord, receiptId: string, stat: ReceiptStat,
 *   form: ReceiptForm, text: string | null }} r
 */
export function receiptPdu(r) {
  /** @type {Record<string, unknown>} */
  const fields = {
    source_addr_ton: r.submit.dest_addr_ton,
    source_addr_npi: r.submit.dest_addr_npi,
    source_addr: r.submit.destination_addr,
    dest_addr_ton: r.submit.source_addr_ton,
    dest_addr_npi: r.submit.source_addr_npi,
    destination_addr: r.submit.source_addr,
    esm_class: ESM_CLASS_RECEIPT,
    data_coding: 0,
    short_message: r.form === "tlv" || r.text === null ? Buffer.alloc(0) : encodeGsm7(r.text),
  };
  if (r.form !== "text") {
    fields.receipted_message_id = r.receiptId;
    fields.message_state = MESSAGE_STATE[r.stat];
  }
  return new smpp.PDU("deliver_sm", fields);
}
