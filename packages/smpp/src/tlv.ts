import { type ByteReader, ByteWriter, latin1 } from "./bytes.js";
import type { NetworkErrorCode, Tlvs } from "./types.js";

/** The tags of the TLVs this codec names (SMPP 3.4 §5.3.2). */
export const tlvTags = {
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const satisfies Record<Exclude<keyof Tlvs, "unknown">, number>;

type KnownTlv = keyof typeof tlvTags;
type Kind = "u8" | "u16" | "cstring" | "octets" | "network_error_code";

const kinds: Record<KnownTlv, Kind> = {
  receipted_message_id: "cstring",
  user_message_reference: "u16",
  sar_msg_ref_num: "u16",
  sar_total_segments: "u8",
  sar_segment_seqnum: "u8",
  sc_interface_version: "u8",
  network_error_code: "network_error_code",
  message_payload: "octets",
  message_state: "u8",
};

// Written in tag order, the order of `tlvTags`.
const known = Object.entries(tlvTags) as [KnownTlv, number][];
const nameByTag = new Map<number, KnownTlv>(known.map(([name, tag]) => [tag, name]));

/** Appends the TLVs: the named ones in tag order, then `unknown` as given. */
export function writeTlvs(writer: ByteWriter, tlvs: Tlvs): void {
  for (const [name, tag] of known) {
    const value = tlvs[name];
    if (value === undefined) continue;
    writeTlv(writer, tag, encodeValue(name, value));
  }
  for (const raw of tlvs.unknown ?? []) {
    if (!(raw.value instanceof Uint8Array)) throw new RangeError(`TLV 0x${raw.tag.toString(16)} needs bytes`);
    writeTlv(writer, raw.tag, raw.value);
  }
}

/** Reads TLVs to the end of the PDU. */
export function readTlvs(reader: ByteReader): Tlvs {
  const tlvs: Tlvs = {};
  while (reader.remaining > 0) {
    if (reader.remaining < 4) {
      throw reader.error(
        "truncated_tlv",
        `${reader.remaining} octets after the last TLV are not a TLV header`,
      );
    }
    const tag = reader.u16("TLV tag");
    const length = reader.u16("TLV length");
    if (length > reader.remaining) {
      throw reader.error(
        "truncated_tlv",
        `TLV 0x${tag.toString(16).padStart(4, "0")} claims ${length} octets, ${reader.remaining} left`,
      );
    }
    const value = reader.octets(length, "TLV value");
    const name = nameByTag.get(tag);
    if (name !== undefined && setKnown(tlvs, name, value)) continue;
    if (tlvs.unknown === undefined) tlvs.unknown = [];
    tlvs.unknown.push({ tag, value });
  }
  return tlvs;
}

function writeTlv(writer: ByteWriter, tag: number, value: Uint8Array): void {
  writer.u16(tag, "TLV tag");
  writer.u16(value.length, `TLV 0x${tag.toString(16)} length`);
  writer.octets(value);
}

function encodeValue(name: KnownTlv, value: Tlvs[KnownTlv]): Uint8Array {
  const writer = new ByteWriter(8);
  switch (kinds[name]) {
    case "u8":
      writer.u8(value as number, name);
      break;
    case "u16":
      writer.u16(value as number, name);
      break;
    case "cstring":
      writer.cstring(value as string, name);
      break;
    case "octets":
      if (!(value instanceof Uint8Array)) throw new RangeError(`${name} must be a Uint8Array`);
      return value;
    case "network_error_code": {
      const code = value as NetworkErrorCode;
      writer.u8(code.network_type, "network_error_code.network_type");
      writer.u16(code.error_code, "network_error_code.error_code");
      break;
    }
  }
  return writer.finish();
}

// Returns false when the value's length does not fit the tag's type, so it is kept raw instead.
function setKnown(tlvs: Tlvs, name: KnownTlv, value: Uint8Array): boolean {
  switch (kinds[name]) {
    case "u8":
      if (value.length !== 1) return false;
      (tlvs as Record<KnownTlv, unknown>)[name] = value[0];
      return true;
    case "u16":
      if (value.length !== 2) return false;
      (tlvs as Record<KnownTlv, unknown>)[name] = ((value[0] as number) << 8) | (value[1] as number);
      return true;
    case "cstring": {
      // Some SMSCs leave out the NUL of receipted_message_id; a NUL anywhere else is not a C-string.
      const nul = value.indexOf(0);
      if (nul !== -1 && nul !== value.length - 1) return false;
      (tlvs as Record<KnownTlv, unknown>)[name] = latin1(value, 0, nul === -1 ? value.length : nul);
      return true;
    }
    case "octets":
      (tlvs as Record<KnownTlv, unknown>)[name] = value;
      return true;
    case "network_error_code":
      if (value.length !== 3) return false;
      tlvs.network_error_code = {
        network_type: value[0] as number,
        error_code: ((value[1] as number) << 8) | (value[2] as number),
      };
      return true;
  }
}

/** Whether a tag is one of those {@link Tlvs} names (so it never belongs in `unknown`). */
export function isKnownTlvTag(tag: number): boolean {
  return nameByTag.has(tag);
}
