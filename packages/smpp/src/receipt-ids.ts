/**
 * How a carrier's receipt ids relate to the ids its submit_sm_resp gave (CONTRACT §12
 * `receipt_id_format`): the same string, or the same number written in hexadecimal on one side and
 * in decimal on the other, a common SMSC quirk.
 */
export const receiptIdFormats = ["same", "submit_hex_receipt_decimal", "submit_decimal_receipt_hex"] as const;

/** A carrier's `receipt_id_format`. */
export type ReceiptIdFormat = (typeof receiptIdFormats)[number];

const DECIMAL = /^[0-9]+$/;
const HEXADECIMAL = /^[0-9a-f]+$/i;

/**
 * The key under which to store a submit_sm_resp message id, so that {@link receiptIdToSubmitId}
 * finds it: with `same` the id itself (trimmed), otherwise the number in the submit side's base
 * without leading zeros, hexadecimal in lowercase. An id that is not a number in that base is
 * returned trimmed, as it came; no receipt will match it, and it shows up as an orphan receipt.
 * @example normalizeSubmitId("00A1B2", "submit_hex_receipt_decimal") // "a1b2"
 * @example normalizeSubmitId("000123", "submit_decimal_receipt_hex") // "123"
 * @example normalizeSubmitId("Ab-12", "same") // "Ab-12"
 */
export function normalizeSubmitId(submitId: string, format: ReceiptIdFormat): string {
  const id = submitId.trim();
  switch (format) {
    case "same":
      return id;
    case "submit_hex_receipt_decimal":
      return HEXADECIMAL.test(id) ? BigInt(`0x${id}`).toString(16) : id;
    case "submit_decimal_receipt_hex":
      return DECIMAL.test(id) ? BigInt(id).toString(10) : id;
  }
}

/**
 * The submit id a receipt's id refers to, as {@link normalizeSubmitId} stores it: with `same` the
 * receipt id (trimmed); with `submit_hex_receipt_decimal` the decimal receipt id in lowercase
 * hexadecimal; with `submit_decimal_receipt_hex` the hexadecimal receipt id in decimal. Numbers
 * of any size are exact (BigInt; SMSC ids often exceed 2^53). Null when the receipt id is not a
 * number in the receipt side's base.
 * @example receiptIdToSubmitId("2952790016", "submit_hex_receipt_decimal") // "b0000000"
 * @example receiptIdToSubmitId("FFFFFFFFFFFFFFFF", "submit_decimal_receipt_hex") // "18446744073709551615"
 * @example receiptIdToSubmitId("abc", "submit_hex_receipt_decimal") // null
 */
export function receiptIdToSubmitId(receiptId: string, format: ReceiptIdFormat): string | null {
  const id = receiptId.trim();
  switch (format) {
    case "same":
      return id === "" ? null : id;
    case "submit_hex_receipt_decimal":
      return DECIMAL.test(id) ? BigInt(id).toString(16) : null;
    case "submit_decimal_receipt_hex":
      return HEXADECIMAL.test(id) ? BigInt(`0x${id}`).toString(10) : null;
  }
}
