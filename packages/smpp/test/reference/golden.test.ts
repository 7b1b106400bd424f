// Our codec against the npm smpp package (0.5.1), an independent SMPP implementation that real
// deployments use: the same PDU must be the same bytes, and each side must read the other's.
import { Buffer } from "node:buffer";
import fc from "fast-check";
import smpp from "smpp";
import { describe, expect, it } from "vitest";
import { decodePdu, encodePdu } from "../../src/codec.js";
import { createPdu, layouts } from "../../src/commands.js";
import { decodeShortMessage } from "../../src/short-message.js";
import { statusName } from "../../src/status.js";
import { submitSmPdus } from "../../src/submit.js";
import { tlvTags } from "../../src/tlv.js";
import type { Pdu, ShortMessageBody } from "../../src/types.js";
import { anyPdu } from "../arbitraries.js";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** The reference's options for our PDU: the same fields, byte fields as Buffers, TLVs in our order. */
function referenceOptions(pdu: Pdu): Record<string, unknown> {
  const { command: _, tlvs, ...fields } = pdu;
  const options: Record<string, unknown> = { ...fields };
  if ("short_message" in fields) options.short_message = Buffer.from(fields.short_message);
  if (tlvs.unknown) throw new Error("the reference cannot write unknown TLVs");
  for (const name of Object.keys(tlvTags) as (keyof typeof tlvTags)[]) {
    const value = tlvs[name];
    if (value === undefined) continue;
    if (value instanceof Uint8Array) options[name] = Buffer.from(value);
    else if (typeof value === "object") {
      options[name] = Buffer.from(
        Uint8Array.of(value.network_type, value.error_code >>> 8, value.error_code & 0xff),
      );
    } else options[name] = value;
  }
  return options;
}

function referenceBytes(pdu: Pdu): Uint8Array {
  return new smpp.PDU(pdu.command, referenceOptions(pdu)).toBuffer();
}

/** The fields the reference reads as we do: integers, C-strings (not its Date-parsed times), TLVs. */
function expectReferenceReads(pdu: Pdu, wire: Uint8Array): void {
  const theirs = new smpp.PDU(Buffer.from(wire));
  expect(theirs.command).toBe(pdu.command);
  expect(theirs.command_status).toBe(pdu.command_status);
  expect(theirs.sequence_number).toBe(pdu.sequence_number);
  if (wire.length === 16) return;
  const fields = pdu as unknown as Record<string, unknown>;
  for (const [name, kind] of layouts[pdu.command]) {
    if (kind === "short_message" || name === "schedule_delivery_time" || name === "validity_period") continue;
    expect(theirs[name], name).toEqual(fields[name]);
  }
  const { receipted_message_id, message_state, user_message_reference, network_error_code } = pdu.tlvs;
  const { sar_msg_ref_num, sar_total_segments, sar_segment_seqnum, sc_interface_version } = pdu.tlvs;
  const scalars = {
    receipted_message_id,
    message_state,
    user_message_reference,
    sar_msg_ref_num,
    sar_total_segments,
    sar_segment_seqnum,
    sc_interface_version,
  };
  for (const [name, value] of Object.entries(scalars)) expect(theirs[name], name).toEqual(value);
  if (network_error_code) {
    const raw = theirs.network_error_code as Uint8Array;
    expect([raw[0], ((raw[1] as number) << 8) | (raw[2] as number)]).toEqual([
      network_error_code.network_type,
      network_error_code.error_code,
    ]);
  }
}

const to = "+243810000000";
const examples: [string, Pdu][] = [
  [
    "bind_transceiver",
    createPdu("bind_transceiver", { sequence_number: 1, system_id: "lisoloo", password: "secret" }),
  ],
  [
    "bind_transmitter with a system_type and an address range",
    createPdu("bind_transmitter", {
      sequence_number: 2,
      system_id: "lisoloo",
      password: "pw",
      system_type: "SMPP",
      addr_ton: 1,
      addr_npi: 1,
      address_range: "^243",
    }),
  ],
  ["bind_receiver", createPdu("bind_receiver", { sequence_number: 3, system_id: "rx", password: "pw" })],
  [
    "bind_transceiver_resp with sc_interface_version",
    createPdu("bind_transceiver_resp", {
      sequence_number: 1,
      system_id: "SMSC",
      tlvs: { sc_interface_version: 0x34 },
    }),
  ],
  [
    "bind_transceiver_resp refusing the password",
    createPdu("bind_transceiver_resp", { sequence_number: 1, command_status: 0x0e }),
  ],
  ["bind_transmitter_resp", createPdu("bind_transmitter_resp", { sequence_number: 2, system_id: "SMSC" })],
  ["bind_receiver_resp", createPdu("bind_receiver_resp", { sequence_number: 3, system_id: "SMSC" })],
  ...submitSmPdus({
    source: "Lisoloo",
    destination: to,
    text: "Mbote! Prix: 5€ [promo] ~ {ok}",
    reference: 1,
    validitySeconds: 172_800,
  }).map((pdu): [string, Pdu] => ["submit_sm, GSM-7 with escapes", { ...pdu, sequence_number: 10 }]),
  ...submitSmPdus({ source: "+243990000000", destination: to, text: "Merci 🙏 ça marche", reference: 2 }).map(
    (pdu): [string, Pdu] => ["submit_sm, UCS-2 from a numeric sender", { ...pdu, sequence_number: 11 }],
  ),
  ...submitSmPdus({
    source: "Lisoloo",
    destination: to,
    text: `${"Mbote ".repeat(40)}€`,
    reference: 0xfe,
  }).map((pdu, i): [string, Pdu] => [
    `submit_sm, GSM-7 part ${i + 1} with a UDH`,
    { ...pdu, sequence_number: 20 + i },
  ]),
  ...submitSmPdus({
    source: "Lisoloo",
    destination: to,
    text: "Boyei malamu na Kinshasa 🎉 ".repeat(5),
    reference: 3,
  }).map((pdu, i): [string, Pdu] => [
    `submit_sm, UCS-2 part ${i + 1} with a UDH`,
    { ...pdu, sequence_number: 30 + i },
  ]),
  [
    "submit_sm with SAR TLVs, user_message_reference and message_payload",
    createPdu("submit_sm", {
      sequence_number: 40,
      source_addr: "Lisoloo",
      destination_addr: "243810000000",
      registered_delivery: 1,
      tlvs: {
        user_message_reference: 513,
        sar_msg_ref_num: 0x1234,
        sar_total_segments: 2,
        sar_segment_seqnum: 1,
        message_payload: new TextEncoder().encode("Longer text in the payload"),
      },
    }),
  ],
  ["submit_sm_resp", createPdu("submit_sm_resp", { sequence_number: 10, message_id: "0A1B2C3D" })],
  ["submit_sm_resp throttled", createPdu("submit_sm_resp", { sequence_number: 11, command_status: 0x58 })],
  [
    "deliver_sm receipt with TLVs",
    createPdu("deliver_sm", {
      sequence_number: 7,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "243810000000",
      dest_addr_ton: 5,
      destination_addr: "Lisoloo",
      esm_class: 0x04,
      short_message: new TextEncoder().encode(
        "id:0A1B2C3D sub:001 dlvrd:001 submit date:2606010800 done date:2606010801 stat:DELIVRD err:000 text:Mbote",
      ),
      tlvs: {
        receipted_message_id: "0A1B2C3D",
        network_error_code: { network_type: 3, error_code: 0 },
        message_state: 2,
      },
    }),
  ],
  ["deliver_sm_resp", createPdu("deliver_sm_resp", { sequence_number: 7 })],
  ["enquire_link", createPdu("enquire_link", { sequence_number: 0x7fffffff })],
  ["enquire_link_resp", createPdu("enquire_link_resp", { sequence_number: 0x7fffffff })],
  ["unbind", createPdu("unbind", { sequence_number: 99 })],
  ["unbind_resp", createPdu("unbind_resp", { sequence_number: 99 })],
  ["generic_nack", createPdu("generic_nack", { sequence_number: 5, command_status: 0x03 })],
];

describe("against the npm smpp package", () => {
  it.each(examples)("%s: the same bytes, read the same way by both", (_, pdu) => {
    const ours = encodePdu(pdu);
    const theirs = referenceBytes(pdu);
    expect(hex(ours)).toBe(hex(theirs));
    expect(decodePdu(theirs)).toEqual(pdu);
    expectReferenceReads(pdu, ours);
  });

  it.each(examples.filter(([, pdu]) => pdu.command === "submit_sm" || pdu.command === "deliver_sm"))(
    "%s: the reference decodes our text",
    (_, pdu) => {
      const message = pdu as unknown as ShortMessageBody;
      const theirs = new smpp.PDU(Buffer.from(encodePdu(pdu)));
      const expected = decodeShortMessage(message).text;
      if (message.short_message.length > 0) {
        expect((theirs.short_message as { message: string }).message).toBe(expected);
      } else {
        expect((theirs.message_payload as { message: string }).message).toBe(expected);
      }
    },
  );

  it("writes the bytes the reference writes for any PDU, and each reads the other's", () => {
    // The reference pads a time string of 1–12 characters into a relative time; ours writes what
    // it is given, so times here are empty or longer.
    const pdus = anyPdu({ ascii: true, unknown: false, requestStatusZero: true }).map((pdu) => {
      const times = pdu as unknown as Partial<Record<"schedule_delivery_time" | "validity_period", string>>;
      for (const key of ["schedule_delivery_time", "validity_period"] as const) {
        const value = times[key];
        if (value !== undefined && value.length > 0 && value.length <= 12)
          times[key] = value.padStart(16, "0");
      }
      return pdu;
    });
    fc.assert(
      fc.property(pdus, (pdu) => {
        const ours = encodePdu(pdu);
        const theirs = referenceBytes(pdu);
        expect(hex(ours)).toBe(hex(theirs));
        expect(decodePdu(theirs)).toEqual(pdu);
        expectReferenceReads(pdu, ours);
      }),
      { numRuns: 2_000 },
    );
  });

  it("names command_status values as the reference does", () => {
    // 0xC0–0xC4 are named by SMPP 5.0 there (ESME_RINVTLVSTREAM…); we keep SMPP 3.4's names.
    const renamedIn50 = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc4]);
    const shared = Object.entries(smpp.errors).filter(([, code]) => code <= 0xff && !renamedIn50.has(code));
    expect(shared.length).toBeGreaterThan(40);
    for (const [name, code] of shared) expect(statusName(code)).toBe(name);
  });
});
