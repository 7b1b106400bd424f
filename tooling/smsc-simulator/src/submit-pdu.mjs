// Reads a submit_sm straight from its bytes. The smpp package's decoder turns times into Dates and
// text into strings by its own rules; records keep what the client actually wrote.
import { decodeText, splitUdh } from "./text.mjs";

/** TLV tags read from a submit_sm. */
const TLV_MESSAGE_PAYLOAD = 0x0424;
const TLV_SAR_MSG_REF_NUM = 0x020c;
const TLV_SAR_TOTAL_SEGMENTS = 0x020e;
const TLV_SAR_SEGMENT_SEQNUM = 0x020f;
const ESM_CLASS_UDHI = 0x40;

/**
 * @typedef {import("./types.js").SubmitFields} SubmitFields
 */

/** A cursor over a PDU body that never reads past the end (a short PDU yields defaults). */
class Reader {
  /** @param {Buffer} bytes @param {number} offset */
  constructor(bytes, offset) {
    this.bytes = bytes;
    this.offset = offset;
  }

  int8() {
    const value = this.bytes[this.offset] ?? 0;
    this.offset++;
    return value;
  }

  cstring() {
    const end = this.bytes.indexOf(0, this.offset);
    const stop = end === -1 ? this.bytes.length : end;
    const value = this.bytes.toString("latin1", this.offset, stop);
    this.offset = stop + 1;
    return value;
  }

  /** @param {number} length */
  octets(length) {
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/**
 * Decodes the body of a submit_sm frame (the whole PDU, header included): every mandatory field under
 * its SMPP name, the TLVs, the concatenation (UDH or SAR TLVs) and the text.
 * @param {Buffer} frame
 * @returns {SubmitFields}
 */
export function decodeSubmit(frame) {
  const r = new Reader(frame, 16);
  const fields = {
    service_type: r.cstring(),
    source_addr_ton: r.int8(),
    source_addr_npi: r.int8(),
    source_addr: r.cstring(),
    dest_addr_ton: r.int8(),
    dest_addr_npi: r.int8(),
    destination_addr: r.cstring(),
    esm_class: r.int8(),
    protocol_id: r.int8(),
    priority_flag: r.int8(),
    schedule_delivery_time: r.cstring(),
    validity_period: r.cstring(),
    registered_delivery: r.int8(),
    replace_if_present_flag: r.int8(),
    data_coding: r.int8(),
    sm_default_msg_id: r.int8(),
  };
  const smLength = r.int8();
  const shortMessage = r.octets(smLength);
  /** @type {Map<number, Buffer>} */
  const tlvs = new Map();
  while (r.offset + 4 <= frame.length) {
    const tag = frame.readUInt16BE(r.offset);
    const length = frame.readUInt16BE(r.offset + 2);
    r.offset += 4;
    tlvs.set(tag, r.octets(length));
  }
  const payload = shortMessage.length === 0 ? (tlvs.get(TLV_MESSAGE_PAYLOAD) ?? shortMessage) : shortMessage;
  const hasUdh = (fields.esm_class & ESM_CLASS_UDHI) !== 0 && payload.length > 0;
  const { header, body, concatenation } = hasUdh
    ? splitUdh(payload)
    : { header: null, body: payload, concatenation: null };
  return {
    ...fields,
    short_message: Buffer.from(shortMessage).toString("hex"),
    tlvs: Object.fromEntries(
      [...tlvs].map(([tag, value]) => [`0x${tag.toString(16).padStart(4, "0")}`, value.toString("hex")]),
    ),
    udhHex: header ? Buffer.from(header).toString("hex") : null,
    udh: concatenation ?? sarConcatenation(tlvs),
    text: decodeText(body, fields.data_coding),
  };
}

/**
 * The concatenation carried in sar_* TLVs instead of a UDH.
 * @param {Map<number, Buffer>} tlvs
 * @returns {import("./text.mjs").Concatenation | null}
 */
function sarConcatenation(tlvs) {
  const ref = tlvs.get(TLV_SAR_MSG_REF_NUM);
  const total = tlvs.get(TLV_SAR_TOTAL_SEGMENTS);
  const seq = tlvs.get(TLV_SAR_SEGMENT_SEQNUM);
  if (ref?.length !== 2 || total?.length !== 1 || seq?.length !== 1) return null;
  return { ref: ref.readUInt16BE(0), total: total[0] ?? 0, seq: seq[0] ?? 0, refBits: 16 };
}
