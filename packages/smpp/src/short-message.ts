import { decodeGsm7 } from "@lisoloo/protocol/segments";
import { latin1 } from "./bytes.js";
import type { ShortMessageBody, Tlvs } from "./types.js";

/** esm_class bit: the user data starts with a user data header (UDHI). */
export const ESM_CLASS_UDHI = 0x40;

/** data_coding values this package writes: GSM-7 (the SMSC default alphabet) and UCS-2. */
export const DATA_CODING_DEFAULT = 0x00;
export const DATA_CODING_UCS2 = 0x08;

/** The text encodings {@link decodeShortMessage} reads. */
export type TextEncoding = "GSM-7" | "ASCII" | "Latin-1" | "UCS-2";

/** Where a segment stands in a concatenated message: `sequence` is 1-based. */
export interface Concatenation {
  reference: number;
  total: number;
  sequence: number;
}

/** The text of a submit_sm or deliver_sm and what its header says. */
export interface ShortMessage {
  text: string;
  encoding: TextEncoding;
  /** The user data header, length octet included; null when there is none. */
  udh: Uint8Array | null;
  /** From the UDH (8- or 16-bit reference) or else the SAR TLVs; null for a single message. */
  concat: Concatenation | null;
}

/** The fields of a PDU that {@link decodeShortMessage} reads. */
export type ShortMessageFields = Pick<ShortMessageBody, "esm_class" | "data_coding" | "short_message"> & {
  tlvs?: Tlvs;
};

/**
 * The text of a submit_sm or deliver_sm: the user data (short_message, or message_payload when
 * short_message is empty) without its UDH, decoded by data_coding: 0 and 0xF0–0xF3 GSM-7 (one
 * septet per octet, as this package sends it), 1 ASCII, 3 Latin-1, 8 UCS-2 (UTF-16BE).
 * @throws RangeError for another data_coding (binary data has no text), a UDH longer than the user
 * data, an odd number of UCS-2 octets, or a GSM-7 octet above 0x7F.
 * @example decodeShortMessage(submitSmPdus({ source: "Lisoloo", destination: "+243810000000", text: "Mbote!", reference: 1 })[0])
 * // { text: "Mbote!", encoding: "GSM-7", udh: null, concat: null }
 */
export function decodeShortMessage(pdu: ShortMessageFields): ShortMessage {
  const data =
    pdu.short_message.length === 0 && pdu.tlvs?.message_payload
      ? pdu.tlvs.message_payload
      : pdu.short_message;
  let udh: Uint8Array | null = null;
  let concat: Concatenation | null = null;
  let body = data;
  if ((pdu.esm_class & ESM_CLASS_UDHI) !== 0 && data.length > 0) {
    const end = 1 + (data[0] as number);
    if (end > data.length)
      throw new RangeError(`The UDH claims ${end} octets, the user data has ${data.length}`);
    udh = new Uint8Array(data.subarray(0, end));
    body = data.subarray(end);
    concat = concatOfUdh(udh);
  }
  concat ??= concatOfSar(pdu.tlvs);
  const encoding = textEncodingOf(pdu.data_coding);
  return { text: decodeText(body, encoding), encoding, udh, concat };
}

/**
 * The text encoding of a data_coding.
 * @throws RangeError for a data_coding that is not text this package reads (binary, Cyrillic, …).
 * @example textEncodingOf(8) // "UCS-2"
 */
export function textEncodingOf(dataCoding: number): TextEncoding {
  if (dataCoding === 0x00 || (dataCoding >= 0xf0 && dataCoding <= 0xf3)) return "GSM-7";
  if (dataCoding === 0x01) return "ASCII";
  if (dataCoding === 0x03) return "Latin-1";
  if (dataCoding === 0x08) return "UCS-2";
  throw new RangeError(`data_coding 0x${dataCoding.toString(16).padStart(2, "0")} is not a text encoding`);
}

/** The concatenation information element of a UDH (length octet included), or null. */
export function concatOfUdh(udh: Uint8Array): Concatenation | null {
  let concat: Concatenation | null = null;
  let i = 1;
  while (i < udh.length) {
    const id = udh[i] as number;
    const length = udh[i + 1];
    if (length === undefined || i + 2 + length > udh.length) {
      throw new RangeError(`UDH element 0x${id.toString(16)} at ${i} runs past the header`);
    }
    const at = (k: number) => udh[i + 2 + k] as number;
    if (id === 0x00 && length === 3) concat = { reference: at(0), total: at(1), sequence: at(2) };
    if (id === 0x08 && length === 4)
      concat = { reference: (at(0) << 8) | at(1), total: at(2), sequence: at(3) };
    i += 2 + length;
  }
  return concat;
}

/** The UTF-16BE octets of a string, code unit by code unit (a lone surrogate survives). */
export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit >>> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** The string of UTF-16BE octets. */
export function decodeUcs2(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0)
    throw new RangeError(`UCS-2 text has an odd number of octets (${bytes.length})`);
  let text = "";
  for (let i = 0; i < bytes.length; i += 2) {
    text += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  }
  return text;
}

function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  switch (encoding) {
    case "GSM-7":
      return decodeGsm7(bytes);
    case "UCS-2":
      return decodeUcs2(bytes);
    case "ASCII":
    case "Latin-1":
      return latin1(bytes);
  }
}

function concatOfSar(tlvs: Tlvs | undefined): Concatenation | null {
  const reference = tlvs?.sar_msg_ref_num;
  const total = tlvs?.sar_total_segments;
  const sequence = tlvs?.sar_segment_seqnum;
  if (reference === undefined || total === undefined || sequence === undefined) return null;
  return { reference, total, sequence };
}
