import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeSubmitId, type ReceiptIdFormat, receiptIdToSubmitId } from "./receipt-ids.js";

describe("receiptIdToSubmitId and normalizeSubmitId", () => {
  it.each<[ReceiptIdFormat, string, string]>([
    ["same", "0A1B2C", "0A1B2C"],
    ["same", "msg-42_x", "msg-42_x"],
    ["submit_hex_receipt_decimal", "0A1B2C3D", "169552957"],
    ["submit_hex_receipt_decimal", "a1b2c3d", "0169552957"],
    ["submit_hex_receipt_decimal", "00000000FF", "255"],
    ["submit_hex_receipt_decimal", "ffffffffffffffff", "18446744073709551615"],
    ["submit_hex_receipt_decimal", "20000000000001", "9007199254740993"],
    ["submit_hex_receipt_decimal", "0", "0000"],
    ["submit_decimal_receipt_hex", "169552957", "0A1B2C3D"],
    ["submit_decimal_receipt_hex", "000169552957", "a1b2c3d"],
    ["submit_decimal_receipt_hex", "9007199254740993", "20000000000001"],
    [
      "submit_decimal_receipt_hex",
      "340282366920938463463374607431768211455",
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    ],
  ])("%s: submit id %s matches receipt id %s", (format, submitId, receiptId) => {
    expect(receiptIdToSubmitId(receiptId, format)).toBe(normalizeSubmitId(submitId, format));
  });

  it.each<[ReceiptIdFormat, string, string | null]>([
    ["submit_hex_receipt_decimal", "2952790016", "b0000000"],
    ["submit_hex_receipt_decimal", " 42 ", "2a"],
    ["submit_decimal_receipt_hex", "FFFFFFFFFFFFFFFF", "18446744073709551615"],
    ["submit_hex_receipt_decimal", "0x10", null],
    ["submit_hex_receipt_decimal", "12ab", null],
    ["submit_decimal_receipt_hex", "12-34", null],
    ["submit_decimal_receipt_hex", "", null],
    ["same", "  ", null],
  ])("%s: receipt id %j gives %j", (format, receiptId, submitId) => {
    expect(receiptIdToSubmitId(receiptId, format)).toBe(submitId);
  });

  it("leaves a submit id that is not a number in its base as it came", () => {
    expect(normalizeSubmitId("not-hex", "submit_hex_receipt_decimal")).toBe("not-hex");
    expect(normalizeSubmitId(" 12ab ", "submit_decimal_receipt_hex")).toBe("12ab");
  });

  it("matches any number, however the submit side pads and cases it", () => {
    const id = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    const padding = fc.integer({ min: 0, max: 4 });
    fc.assert(
      fc.property(id, padding, fc.boolean(), (n, zeros, upper) => {
        const hex = "0".repeat(zeros) + n.toString(16);
        const cased = upper ? hex.toUpperCase() : hex;
        const decimal = "0".repeat(zeros) + n.toString(10);
        expect(receiptIdToSubmitId(decimal, "submit_hex_receipt_decimal")).toBe(
          normalizeSubmitId(cased, "submit_hex_receipt_decimal"),
        );
        expect(receiptIdToSubmitId(cased, "submit_decimal_receipt_hex")).toBe(
          normalizeSubmitId(decimal, "submit_decimal_receipt_hex"),
        );
      }),
      { numRuns: 2_000 },
    );
  });
});
