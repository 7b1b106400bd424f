import fc from "fast-check";
import { emptyBody, isResponse, layouts } from "../src/commands.js";
import { isKnownTlvTag } from "../src/tlv.js";
import type { CommandName, Pdu, RawTlv, Tlvs } from "../src/types.js";

export const commandNames = Object.keys(layouts) as CommandName[];

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** C-octet strings: any Latin-1 character but NUL, or only printable ASCII for the reference's decoder. */
export const cstring = (ascii = false) =>
  fc.string({
    unit: fc.integer({ min: ascii ? 0x20 : 1, max: ascii ? 0x7e : 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: 24,
  });

const rawTlv: fc.Arbitrary<RawTlv> = fc.record({
  tag: u16.filter((tag) => !isKnownTlvTag(tag)),
  value: fc.uint8Array({ maxLength: 40 }),
});

/** Named TLVs, each present or not, and (optionally) unknown ones. */
export const anyTlvs = (options: { ascii?: boolean; unknown?: boolean } = {}): fc.Arbitrary<Tlvs> =>
  fc.record(
    {
      receipted_message_id: cstring(options.ascii),
      user_message_reference: u16,
      sar_msg_ref_num: u16,
      sar_total_segments: u8,
      sar_segment_seqnum: u8,
      sc_interface_version: u8,
      network_error_code: fc.record({ network_type: u8, error_code: u16 }),
      message_payload: fc.uint8Array({ maxLength: 300 }),
      message_state: u8,
      ...(options.unknown === false ? {} : { unknown: fc.array(rawTlv, { minLength: 1, maxLength: 3 }) }),
    } satisfies Record<Exclude<keyof Tlvs, "unknown">, unknown>,
    { requiredKeys: [] },
  );

/**
 * Any PDU in the form the decoder gives back: a response with a non-zero status has empty fields
 * and no TLVs, since it goes on the wire as its header alone.
 */
export const anyPdu = (options: { ascii?: boolean; unknown?: boolean; requestStatusZero?: boolean } = {}) =>
  fc.constantFrom(...commandNames).chain((command) => {
    const body = fc.record(
      Object.fromEntries(
        layouts[command].map(([name, kind]) => [
          name,
          kind === "u8"
            ? u8
            : kind === "cstring"
              ? cstring(options.ascii)
              : fc.uint8Array({ maxLength: 254, size: "medium" }),
        ]),
      ),
    );
    const response = isResponse(command);
    const status = response
      ? fc.oneof(fc.constant(0), u32)
      : options.requestStatusZero
        ? fc.constant(0)
        : u32;
    return fc.record({ status, sequence: u32, body, tlvs: anyTlvs(options) }).map(
      ({ status, sequence, body, tlvs }) =>
        ({
          command,
          command_status: status,
          sequence_number: sequence,
          ...(response && status !== 0 ? { ...emptyBody(command), tlvs: {} } : { ...body, tlvs }),
        }) as Pdu,
    );
  });
