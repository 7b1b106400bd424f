import {
  createPdu,
  formatReceiptText,
  messageStateByStat,
  type ReceiptStat,
  receiptStats,
} from "@lisoloo/smpp";
import { describe, expect, it } from "vitest";
import { readReceipt, receiptStatusOf } from "./receipts";

const at = "2026-06-01T08:00:05Z";

function receiptPdu(init: { id: string; stat: string; tlv?: boolean; text?: boolean; receipt?: boolean }) {
  const text =
    init.text === false
      ? ""
      : formatReceiptText({
          id: init.id,
          stat: init.stat as ReceiptStat,
          submitDate: new Date(at),
          doneDate: new Date(at),
        });
  return createPdu("deliver_sm", {
    esm_class: init.receipt === false ? 0 : 0x04,
    short_message: new TextEncoder().encode(text),
    tlvs: init.tlv
      ? { receipted_message_id: init.id, message_state: messageStateByStat[init.stat as ReceiptStat] }
      : {},
  });
}

describe("readReceipt", () => {
  it.each([
    ["ACCEPTD", "accepted", null],
    ["ENROUTE", "enroute", null],
    ["DELIVRD", "delivered", null],
    ["UNDELIV", "undelivered", "1504"],
    ["EXPIRED", "expired", "1505"],
    ["REJECTD", "rejected", "1502"],
    ["DELETED", "undelivered", "1504"],
    ["UNKNOWN", "delivery_unknown", "1503"],
  ] as const)("maps %s to %s (%s), from the text or from the TLVs alone", (stat, status, errorCode) => {
    for (const form of [{ tlv: false }, { tlv: true, text: false }]) {
      expect(readReceipt(receiptPdu({ id: "2684354561", stat, ...form }), "same", at)).toEqual({
        receipt: { carrierMessageId: "2684354561", status, errorCode, at },
      });
    }
  });

  it("covers every stat the codec knows", () => {
    expect(Object.keys(receiptStatusOf).sort()).toEqual([...receiptStats].sort());
  });

  it("turns the receipt's id into the submit id the bind stored, per receipt_id_format", () => {
    const pdu = receiptPdu({ id: "169552957", stat: "DELIVRD" });
    expect(readReceipt(pdu, "submit_hex_receipt_decimal", at)).toMatchObject({
      receipt: { carrierMessageId: "a1b2c3d" },
    });
    // Not a number in the base the format says: no part was ever stored under it.
    expect(
      readReceipt(receiptPdu({ id: "zz-1", stat: "DELIVRD" }), "submit_decimal_receipt_hex", at),
    ).toEqual({
      orphan: "zz-1",
    });
  });

  it("says why a receipt cannot be used: no id, or a stat no one defined", () => {
    expect(readReceipt(receiptPdu({ id: "", stat: "DELIVRD", text: false }), "same", at)).toMatchObject({
      unusable: "no_message_id",
    });
    expect(readReceipt(receiptPdu({ id: "42", stat: "SMILING" }), "same", at)).toMatchObject({
      unusable: "unknown_stat",
      messageId: "42",
    });
  });
});
