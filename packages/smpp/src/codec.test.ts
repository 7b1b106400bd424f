import { describe, expect, it } from "vitest";
import { decodePdu, encodePdu } from "./codec.js";
import { createPdu, respondTo } from "./commands.js";
import { nackFor, SmppDecodeError } from "./errors.js";
import type { Pdu } from "./types.js";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (text: string) =>
  Uint8Array.from(text.replace(/\s/g, "").match(/../g) ?? [], (h) => parseInt(h, 16));
/** A PDU with a correct command_length around a header and body given in hex. */
const frame = (rest: string) => {
  const body = bytes(rest);
  return bytes((body.length + 4).toString(16).padStart(8, "0") + rest.replace(/\s/g, ""));
};

function decodeError(input: Uint8Array): SmppDecodeError {
  try {
    decodePdu(input);
  } catch (error) {
    if (error instanceof SmppDecodeError) return error;
    throw error;
  }
  throw new Error("decoded without an error");
}

describe("encodePdu", () => {
  it("writes a header-only PDU as 16 octets", () => {
    expect(hex(encodePdu(createPdu("enquire_link", { sequence_number: 1 })))).toBe(
      "00000010000000150000000000000001",
    );
  });

  it("writes a bind_transceiver as the spec lays it out", () => {
    const pdu = createPdu("bind_transceiver", { sequence_number: 2, system_id: "ab", password: "p" });
    // length 26, id 9, status 0, seq 2, "ab\0" "p\0" "\0", version 0x34, ton 0, npi 0, range "\0"
    expect(hex(encodePdu(pdu))).toBe(
      "0000001a000000090000000000000002" + "616200" + "7000" + "00" + "34" + "0000" + "00",
    );
  });

  it("writes a response with a non-zero status as its header alone", () => {
    const resp = createPdu("submit_sm_resp", {
      command_status: 0x58,
      sequence_number: 5,
      message_id: "ignored",
    });
    expect(hex(encodePdu(resp))).toBe("00000010800000040000005800000005");
  });

  it("writes TLVs after the mandatory fields, named ones in tag order, unknown ones last", () => {
    const pdu = createPdu("deliver_sm_resp", {
      tlvs: { message_state: 2, receipted_message_id: "7", unknown: [{ tag: 0x1400, value: bytes("ff") }] },
    });
    expect(hex(encodePdu(pdu)).slice(32)).toBe("00" + "001e00023700" + "0427000102" + "14000001ff");
  });

  it.each([
    ["a NUL in a C-octet string", { system_id: "a\0b" }, /system_id has U\+0000/],
    ["a character above U+00FF", { system_id: "€" }, /U\+20AC/],
    ["an integer above 255", { addr_ton: 256 }, /addr_ton must be an integer from 0 to 255/],
    ["a fractional integer", { addr_npi: 1.5 }, /addr_npi/],
    ["a negative sequence number", { sequence_number: -1 }, /sequence_number/],
  ])("refuses %s", (_, init, message) => {
    expect(() => encodePdu(createPdu("bind_transceiver", init as never))).toThrow(message);
  });

  it("refuses a short_message over 254 octets, pointing at message_payload", () => {
    const pdu = createPdu("submit_sm", { short_message: new Uint8Array(255) });
    expect(() => encodePdu(pdu)).toThrow(/message_payload/);
    expect(encodePdu(createPdu("submit_sm", { short_message: new Uint8Array(254) })).length).toBe(
      16 + 17 + 254,
    );
  });
});

describe("decodePdu", () => {
  it("reads back what it wrote", () => {
    const pdu = createPdu("submit_sm", {
      sequence_number: 77,
      source_addr: "Lisoloo",
      destination_addr: "243810000000",
      short_message: bytes("48656c6c6f"),
      tlvs: { user_message_reference: 9, network_error_code: { network_type: 3, error_code: 0x0102 } },
    });
    expect(decodePdu(encodePdu(pdu))).toEqual(pdu);
  });

  it("reads a response with no body as empty fields", () => {
    expect(decodePdu(bytes("00000010 80000004 00000014 00000003"))).toEqual({
      command: "submit_sm_resp",
      command_status: 0x14,
      sequence_number: 3,
      message_id: "",
      tlvs: {},
    });
    expect(decodePdu(bytes("00000010 80000005 00000000 00000004"))).toMatchObject({ message_id: "" });
  });

  it("reads a message_id sent with an error status", () => {
    expect(decodePdu(bytes("00000013 80000004 00000045 00000003 414200"))).toMatchObject({
      command_status: 0x45,
      message_id: "AB",
    });
  });

  it("keeps a known TLV whose length does not fit its type as raw bytes", () => {
    const pdu = decodePdu(bytes("00000017 80000005 00000000 00000001 00 0427 0002 0102"));
    expect(pdu.tlvs).toEqual({ unknown: [{ tag: 0x0427, value: bytes("0102") }] });
  });

  it("reads a receipted_message_id sent without its NUL", () => {
    const pdu = decodePdu(bytes("00000017 80000005 00000000 00000001 00 001e 0002 3132"));
    expect(pdu.tlvs.receipted_message_id).toBe("12");
  });

  it("copies byte fields, so a decoded PDU never aliases the input", () => {
    // Like a Node Buffer, whose slice is a view of the same memory.
    class ViewSlice extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end);
      }
    }
    const wire = ViewSlice.from(encodePdu(createPdu("submit_sm", { short_message: bytes("010203") })));
    const pdu = decodePdu(wire) as Extract<Pdu, { command: "submit_sm" }>;
    wire.fill(0xee);
    expect(pdu.short_message).toEqual(bytes("010203"));
    expect(pdu.short_message.constructor).toBe(Uint8Array);
  });

  it.each([
    ["fewer than 16 octets", "0000000c 00000015 00000000", "too_short", true, null],
    ["a command_length below 16", "0000000c 00000015 00000000 00000001", "too_short", true, 1],
    [
      "a command_length that is not the input's",
      "00000011 00000015 00000000 00000001",
      "length_mismatch",
      true,
      1,
    ],
    ["an unknown command id", frame("00000103 00000000 00000008"), "unknown_command", false, 8],
    [
      "a truncated C-octet string",
      frame("00000009 00000000 00000009 616263"),
      "unterminated_cstring",
      false,
      9,
    ],
    [
      "a body missing its last fields",
      frame("00000009 00000000 0000000a 6100 7000 00 34"),
      "truncated",
      false,
      10,
    ],
    [
      "an sm_length past the end",
      frame("00000004 00000000 0000000b 00 0000 00 0000 00 000000 00 00 00 00 00 00 05 4142"),
      "truncated",
      false,
      11,
    ],
    ["a TLV header cut short", frame("80000005 00000000 0000000c 00 0427"), "truncated_tlv", false, 12],
    [
      "a TLV value past the end",
      frame("80000005 00000000 0000000d 00 0427 0005 01"),
      "truncated_tlv",
      false,
      13,
    ],
  ])("refuses %s", (_, input, reason, fatal, sequenceNumber) => {
    const error = decodeError(typeof input === "string" ? bytes(input) : input);
    expect(error).toMatchObject({ name: "SmppDecodeError", reason, fatal, sequenceNumber });
  });
});

describe("nackFor", () => {
  it("answers an unknown command with ESME_RINVCMDID and its sequence number", () => {
    const error = decodeError(bytes("00000010 00000103 00000000 00000008"));
    expect(nackFor(error)).toEqual({
      command: "generic_nack",
      command_status: 0x03,
      sequence_number: 8,
      tlvs: {},
    });
  });

  it("answers a malformed request with ESME_RINVCMDLEN", () => {
    const error = decodeError(bytes("00000013 00000009 00000000 00000009 616263"));
    expect(nackFor(error)).toMatchObject({ command_status: 0x02, sequence_number: 9 });
  });

  it("never answers a response, or a PDU whose header is unreadable", () => {
    expect(nackFor(decodeError(bytes("00000013 80000004 00000000 00000009 616263")))).toBeNull();
    expect(nackFor(decodeError(bytes("00000010 80000103 00000000 00000008")))).toBeNull();
    expect(nackFor(decodeError(bytes("0000000c 00000015 00000000")))).toBeNull();
  });
});

describe("respondTo", () => {
  it("answers with the response command and the request's sequence number", () => {
    const deliver = createPdu("deliver_sm", { sequence_number: 41 });
    expect(respondTo(deliver)).toEqual({
      command: "deliver_sm_resp",
      command_status: 0,
      sequence_number: 41,
      message_id: "",
      tlvs: {},
    });
    expect(respondTo(createPdu("enquire_link", { sequence_number: 3 }), { command_status: 8 })).toMatchObject(
      {
        command: "enquire_link_resp",
        command_status: 8,
        sequence_number: 3,
      },
    );
  });
});
