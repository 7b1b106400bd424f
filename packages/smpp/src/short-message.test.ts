import { describe, expect, it } from "vitest";
import { createPdu } from "./commands.js";
import { decodeShortMessage, textEncodingOf } from "./short-message.js";

const deliver = (fields: Parameters<typeof createPdu<"deliver_sm">>[1]) => createPdu("deliver_sm", fields);

describe("decodeShortMessage", () => {
  it("reads a 16-bit concatenation reference (IEI 0x08)", () => {
    const pdu = deliver({
      esm_class: 0x40,
      short_message: Uint8Array.of(6, 0x08, 4, 0x12, 0x34, 3, 2, 0x48, 0x69),
    });
    expect(decodeShortMessage(pdu)).toEqual({
      text: "Hi",
      encoding: "GSM-7",
      udh: Uint8Array.of(6, 0x08, 4, 0x12, 0x34, 3, 2),
      concat: { reference: 0x1234, total: 3, sequence: 2 },
    });
  });

  it("skips other UDH elements (a port address) and finds the concatenation after them", () => {
    const udh = [11, 0x05, 4, 0x0b, 0x84, 0x23, 0xf0, 0x00, 3, 9, 2, 1];
    const pdu = deliver({ esm_class: 0x40, short_message: Uint8Array.of(...udh, 0x41) });
    expect(decodeShortMessage(pdu)).toMatchObject({
      text: "A",
      concat: { reference: 9, total: 2, sequence: 1 },
    });
  });

  it("reads the SAR TLVs when there is no UDH", () => {
    const pdu = deliver({
      short_message: Uint8Array.of(0x41),
      tlvs: { sar_msg_ref_num: 513, sar_total_segments: 4, sar_segment_seqnum: 4 },
    });
    expect(decodeShortMessage(pdu).concat).toEqual({ reference: 513, total: 4, sequence: 4 });
  });

  it("reads message_payload when short_message is empty", () => {
    const pdu = deliver({ data_coding: 8, tlvs: { message_payload: Uint8Array.of(0x00, 0xe7, 0x00, 0x61) } });
    expect(decodeShortMessage(pdu)).toMatchObject({ text: "ça", encoding: "UCS-2" });
  });

  it.each([
    [0x00, "GSM-7"],
    [0xf0, "GSM-7"],
    [0xf3, "GSM-7"],
    [0x01, "ASCII"],
    [0x03, "Latin-1"],
    [0x08, "UCS-2"],
  ])("reads data_coding 0x%s as %s", (dataCoding, encoding) => {
    expect(textEncodingOf(dataCoding)).toBe(encoding);
  });

  it("reads Latin-1 octets one character each", () => {
    const pdu = deliver({ data_coding: 3, short_message: Uint8Array.of(0x43, 0xe7, 0x61) });
    expect(decodeShortMessage(pdu).text).toBe("Cça");
  });

  it.each([
    ["binary data", { data_coding: 4, short_message: Uint8Array.of(1) }, /data_coding 0x04/],
    [
      "a UDH longer than the user data",
      { esm_class: 0x40, short_message: Uint8Array.of(9, 0, 3) },
      /UDH claims 10/,
    ],
    [
      "a UDH element past the header",
      { esm_class: 0x40, short_message: Uint8Array.of(3, 0, 3, 1) },
      /runs past/,
    ],
    ["an odd number of UCS-2 octets", { data_coding: 8, short_message: Uint8Array.of(0, 0x41, 0) }, /odd/],
    ["a GSM-7 octet above 0x7F", { short_message: Uint8Array.of(0x80) }, /outside 0x00–0x7F/],
  ])("refuses %s", (_, fields, message) => {
    expect(() => decodeShortMessage(deliver(fields))).toThrow(message);
  });
});
