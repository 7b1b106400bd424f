import { describe, expect, it } from "vitest";
import { decodeGsm7, decodeUcs2, encodeGsm7 } from "../src/index.mjs";
import { receiptDate } from "../src/receipt-pdu.mjs";
import { decodeSubmit } from "../src/submit-pdu.mjs";

describe("GSM-7, one septet per octet", () => {
  it("decodes the basic table and the 0x1B extension table", () => {
    expect(decodeGsm7(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x11, 0x41, 0x61, 0x40, 0x60, 0x7f]))).toBe(
      "@£$¥_Aa¡¿à",
    );
    const ext = [0x0a, 0x14, 0x28, 0x29, 0x2f, 0x3c, 0x3d, 0x3e, 0x40, 0x65].flatMap((c) => [0x1b, c]);
    expect(decodeGsm7(Buffer.from(ext))).toBe("\f^{}\\[~]|€");
  });

  it("marks octets that are not GSM-7 (packed septets, Latin-1) as U+FFFD", () => {
    expect(decodeGsm7(Buffer.from([0x48, 0xe9, 0x80]))).toBe("H\ufffd\ufffd");
  });

  it("round-trips every character of both tables", () => {
    const all =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€";
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
    expect(encodeGsm7("€").toString("hex")).toBe("1b65");
    expect(encodeGsm7("ŋ✓")).toEqual(Buffer.from("??"));
  });
});

describe("UCS-2", () => {
  it("decodes UTF-16BE, surrogate pairs included", () => {
    expect(decodeUcs2(Buffer.from("Mbote 🇨🇩", "utf16le").swap16())).toBe("Mbote 🇨🇩");
  });
});

describe("submit_sm decoding", () => {
  it("reads fields from the bytes, including a message_payload TLV", () => {
    const body = Buffer.concat([
      Buffer.from("\0", "latin1"), // service_type
      Buffer.from([5, 0]),
      Buffer.from("Acme\0", "latin1"),
      Buffer.from([1, 1]),
      Buffer.from("243810000001\0", "latin1"),
      Buffer.from([0x00, 0, 0]),
      Buffer.from("\0", "latin1"), // schedule_delivery_time
      Buffer.from("260527101500000+\0", "latin1"),
      Buffer.from([1, 0, 8, 0, 0]), // registered_delivery … sm_length 0
      Buffer.from([0x04, 0x24, 0x00, 0x04, 0x00, 0x4f, 0x00, 0x4b]), // message_payload "OK"
    ]);
    const header = Buffer.alloc(16);
    header.writeUInt32BE(16 + body.length, 0);
    header.writeUInt32BE(0x00000004, 4);
    header.writeUInt32BE(7, 12);
    expect(decodeSubmit(Buffer.concat([header, body]))).toMatchObject({
      source_addr_ton: 5,
      source_addr: "Acme",
      destination_addr: "243810000001",
      validity_period: "260527101500000+",
      data_coding: 8,
      short_message: "",
      tlvs: { "0x0424": "004f004b" },
      text: "OK",
    });
  });

  it("writes receipt dates as YYMMDDhhmm in UTC", () => {
    expect(receiptDate(Date.UTC(2026, 4, 27, 10, 15, 59))).toBe("2605271015");
  });
});
