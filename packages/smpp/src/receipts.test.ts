import { describe, expect, it } from "vitest";
import { createPdu } from "./commands.js";
import {
  formatReceiptText,
  normalizeStat,
  parseReceiptText,
  type ReceiptTextFields,
} from "./receipt-text.js";
import { isDeliveryReceipt, messageStateByStat, receiptOf, statByMessageState } from "./receipts.js";
import { encodeUcs2 } from "./short-message.js";
import type { DeliverSm, Tlvs } from "./types.js";

const none: ReceiptTextFields = {
  id: null,
  sub: null,
  dlvrd: null,
  submitDate: null,
  doneDate: null,
  stat: null,
  err: null,
  text: null,
};

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

function receipt(text: string, tlvs: Tlvs = {}, fields: Partial<DeliverSm> = {}): DeliverSm {
  return createPdu("deliver_sm", { esm_class: 0x04, short_message: ascii(text), tlvs, ...fields });
}

describe("parseReceiptText", () => {
  it.each<[string, string, Partial<ReceiptTextFields>]>([
    [
      "the Appendix B format",
      "id:0123456789 sub:001 dlvrd:001 submit date:2606010800 done date:2606010801 stat:DELIVRD err:000 text:Mbote na yo",
      {
        id: "0123456789",
        sub: "001",
        dlvrd: "001",
        submitDate: "2606010800",
        doneDate: "2606010801",
        stat: "DELIVRD",
        err: "000",
        text: "Mbote na yo",
      },
    ],
    [
      "lowercase words and no text:",
      "id:42 sub:001 dlvrd:000 submit date:2606010800 done date:2606010805 stat:undeliv err:001",
      {
        id: "42",
        sub: "001",
        dlvrd: "000",
        submitDate: "2606010800",
        doneDate: "2606010805",
        stat: "undeliv",
        err: "001",
      },
    ],
    [
      "uppercase keys",
      "ID:ABC SUB:001 DLVRD:001 SUBMIT DATE:2606010800 DONE DATE:2606010801 STAT:EXPIRED ERR:000 TEXT:",
      {
        id: "ABC",
        sub: "001",
        dlvrd: "001",
        submitDate: "2606010800",
        doneDate: "2606010801",
        stat: "EXPIRED",
        err: "000",
        text: "",
      },
    ],
    [
      "extra spaces around keys and values",
      "id: 7A2F  sub: 001   dlvrd:001 submit  date: 2606010800 done date :2606010801   stat: DELIVRD  err: 000 text:  hi ",
      {
        id: "7A2F",
        sub: "001",
        dlvrd: "001",
        submitDate: "2606010800",
        doneDate: "2606010801",
        stat: "DELIVRD",
        err: "000",
        text: "hi",
      },
    ],
    [
      "underscores in the date keys and a short err",
      "id:1 submit_date:2606010800 done_date:2606010801 stat:REJECTD err:0B",
      { id: "1", submitDate: "2606010800", doneDate: "2606010801", stat: "REJECTD", err: "0B" },
    ],
    [
      "Text: holding a UCS-2 message read octet by octet",
      "id:99 sub:001 dlvrd:001 submit date:2606010800 done date:2606010801 stat:DELIVRD err:000 Text:\u0000M\u0000b\u0000o",
      {
        id: "99",
        sub: "001",
        dlvrd: "001",
        submitDate: "2606010800",
        doneDate: "2606010801",
        stat: "DELIVRD",
        err: "000",
        text: "\u0000M\u0000b\u0000o",
      },
    ],
    [
      "a text that quotes a receipt",
      "id:5 stat:UNDELIV err:000 text:stat:DELIVRD id:6",
      { id: "5", stat: "UNDELIV", err: "000", text: "stat:DELIVRD id:6" },
    ],
    ["another order", "stat:DELIVRD err:000 id:77", { id: "77", stat: "DELIVRD", err: "000" }],
    [
      "dates with seconds",
      "id:1 submit date:260601080000 done date:260601080005",
      { id: "1", submitDate: "260601080000", doneDate: "260601080005" },
    ],
    ["no id at all", "stat:ACCEPTD", { id: null, stat: "ACCEPTD" }],
    ["no receipt at all", "Hello, how are you?", {}],
    ["an empty text", "", {}],
  ])("reads %s", (_, text, expected) => {
    expect(parseReceiptText(text)).toEqual({ ...none, ...expected });
  });

  it("does not take a key inside another word", () => {
    expect(parseReceiptText("sid:1 id:2 stat:DELIVRD")).toEqual({ ...none, id: "2", stat: "DELIVRD" });
  });
});

describe("normalizeStat", () => {
  it.each([
    ["DELIVRD", "DELIVRD"],
    [" delivrd ", "DELIVRD"],
    ["Delivered", "DELIVRD"],
    ["UNDELIVERABLE", "UNDELIV"],
    ["accepted", "ACCEPTD"],
    ["REJECTED", "REJECTD"],
    ["unknown", "UNKNOWN"],
    ["SENT", null],
    ["", null],
    [null, null],
  ])("%s → %s", (word, stat) => {
    expect(normalizeStat(word)).toBe(stat);
  });
});

describe("message_state", () => {
  it("maps 1–8 to the stat words and back", () => {
    expect(Object.entries(statByMessageState)).toEqual([
      ["1", "ENROUTE"],
      ["2", "DELIVRD"],
      ["3", "EXPIRED"],
      ["4", "DELETED"],
      ["5", "UNDELIV"],
      ["6", "ACCEPTD"],
      ["7", "UNKNOWN"],
      ["8", "REJECTD"],
    ]);
    for (const [state, stat] of Object.entries(statByMessageState))
      expect(messageStateByStat[stat]).toBe(Number(state));
  });
});

describe("receiptOf", () => {
  it("reads a receipt text", () => {
    const pdu = receipt(
      "id:0A1B sub:001 dlvrd:001 submit date:2606010800 done date:2606010801 stat:DELIVRD err:000 text:",
    );
    expect(receiptOf(pdu)).toMatchObject({
      messageId: "0A1B",
      stat: "DELIVRD",
      err: "000",
      messageState: null,
      networkErrorCode: null,
      fields: { submitDate: "2606010800" },
    });
  });

  it("reads the TLVs alone when there is no text", () => {
    expect(receiptOf(receipt("", { receipted_message_id: "abc", message_state: 8 }))).toMatchObject({
      messageId: "abc",
      stat: "REJECTD",
      messageState: 8,
      err: null,
    });
  });

  it("prefers receipted_message_id and message_state to the text", () => {
    const pdu = receipt("id:123 stat:DELIVRD err:000", {
      receipted_message_id: "7B",
      message_state: 5,
      network_error_code: { network_type: 3, error_code: 27 },
    });
    expect(receiptOf(pdu)).toMatchObject({
      messageId: "7B",
      stat: "UNDELIV",
      err: "000",
      networkErrorCode: { network_type: 3, error_code: 27 },
      fields: { id: "123", stat: "DELIVRD" },
    });
  });

  it("falls back to the text for a message_state outside 1–8, or an empty receipted_message_id", () => {
    expect(
      receiptOf(receipt("id:9 stat:EXPIRED", { message_state: 0, receipted_message_id: " " })),
    ).toMatchObject({
      messageId: "9",
      stat: "EXPIRED",
      messageState: 0,
    });
  });

  it("reads a UCS-2 receipt, and one in message_payload", () => {
    const text = "id:55 stat:DELIVRD err:000 text:ça";
    expect(receiptOf(receipt("", {}, { data_coding: 8, short_message: encodeUcs2(text) }))).toMatchObject({
      messageId: "55",
      stat: "DELIVRD",
      fields: { text: "ça" },
    });
    expect(receiptOf(receipt("", { message_payload: ascii("id:56 stat:ENROUTE") }))).toMatchObject({
      messageId: "56",
      stat: "ENROUTE",
    });
  });

  it("reads octets above 0x7F without failing", () => {
    expect(receiptOf(receipt("id:57 stat:UNDELIV text:\u00e7\u00ff"))?.fields.text).toBe("\u00e7\u00ff");
  });

  it("gives null for an inbound SMS and for a receipt that names no message", () => {
    const inbound = receipt("id:1 stat:DELIVRD", {}, { esm_class: 0 });
    expect(isDeliveryReceipt(inbound)).toBe(false);
    expect(receiptOf(inbound)).toBeNull();
    expect(receiptOf(receipt("stat:DELIVRD err:000", { message_state: 2 }))).toBeNull();
  });

  it("keeps a stat word the spec does not have as null, with the word in fields", () => {
    expect(receiptOf(receipt("id:1 stat:SENT"))).toMatchObject({ stat: null, fields: { stat: "SENT" } });
  });

  it("reads what formatReceiptText writes", () => {
    const text = formatReceiptText({
      id: "42",
      stat: "UNDELIV",
      err: "001",
      submitDate: new Date("2026-06-01T08:00:00Z"),
      doneDate: "2606010805",
      text: "Mbote",
    });
    expect(text).toBe(
      "id:42 sub:001 dlvrd:000 submit date:2606010800 done date:2606010805 stat:UNDELIV err:001 text:Mbote",
    );
    expect(receiptOf(receipt(text))).toMatchObject({ messageId: "42", stat: "UNDELIV", err: "001" });
  });
});
