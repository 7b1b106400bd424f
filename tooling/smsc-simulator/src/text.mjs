// Message bodies as the gateway writes them: GSM 03.38 with one septet per octet (data_coding 0,
// extension characters as 0x1B + code), UCS-2 as UTF-16BE (data_coding 8), and the concatenation UDH.

/** The GSM 03.38 default alphabet, indexed by septet value. 0x1B is the escape to the extension table. */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** The extension table: septet after 0x1B → character. */
const GSM_EXTENSION = new Map([
  [0x0a, "\f"],
  [0x14, "^"],
  [0x28, "{"],
  [0x29, "}"],
  [0x2f, "\\"],
  [0x3c, "["],
  [0x3d, "~"],
  [0x3e, "]"],
  [0x40, "|"],
  [0x65, "€"],
]);

const ESCAPE = 0x1b;
const basicCodes = new Map([...GSM_BASIC].map((char, code) => [char, code]));
const extensionCodes = new Map([...GSM_EXTENSION].map(([code, char]) => [char, code]));

/**
 * Decodes GSM 03.38 text stored one septet per octet. An octet above 0x7F is not GSM-7 at all and
 * reads as U+FFFD, so a sender that packed septets or sent Latin-1 shows up in the records.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function decodeGsm7(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    const code = /** @type {number} */ (bytes[i]);
    if (code > 0x7f) {
      text += "\ufffd";
    } else if (code === ESCAPE && i + 1 < bytes.length) {
      const next = /** @type {number} */ (bytes[++i]);
      // An escape to an unassigned code shows the basic character (GSM 03.38 §6.2.1.1).
      text += GSM_EXTENSION.get(next) ?? GSM_BASIC[next] ?? "\ufffd";
    } else {
      text += GSM_BASIC[code];
    }
  }
  return text;
}

/**
 * Encodes text as GSM 03.38, one septet per octet; characters outside both tables become `?`.
 * @param {string} text
 * @returns {Buffer}
 */
export function encodeGsm7(text) {
  const bytes = [];
  for (const char of text) {
    const basic = basicCodes.get(char);
    const extension = extensionCodes.get(char);
    if (basic !== undefined && basic !== ESCAPE) bytes.push(basic);
    else if (extension !== undefined) bytes.push(ESCAPE, extension);
    else bytes.push(0x3f);
  }
  return Buffer.from(bytes);
}

/**
 * Decodes UCS-2 / UTF-16BE (surrogate pairs pass through, so emoji survive).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function decodeUcs2(bytes) {
  const even = bytes.length - (bytes.length % 2);
  const swapped = Buffer.from(bytes.subarray(0, even)).swap16();
  return swapped.toString("utf16le") + (even < bytes.length ? "\ufffd" : "");
}

/**
 * The text of a short message by its data_coding, or null for binary and unknown codings.
 * @param {Uint8Array} bytes
 * @param {number} dataCoding
 * @returns {string | null}
 */
export function decodeText(bytes, dataCoding) {
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(bytes);
    case 0x01: // IA5 (ASCII)
      return Buffer.from(bytes).toString("ascii");
    case 0x03: // Latin-1
      return Buffer.from(bytes).toString("latin1");
    case 0x08:
      return decodeUcs2(bytes);
    default:
      return null;
  }
}

/**
 * @typedef {{ ref: number, total: number, seq: number, refBits: 8 | 16 }} Concatenation
 */

/**
 * Splits a short message that starts with a user data header (esm_class UDHI 0x40) into the header
 * and the body, and reads the concatenation element (IEI 0x00, 8-bit reference, or 0x08, 16-bit).
 * @param {Uint8Array} payload
 * @returns {{ header: Uint8Array, body: Uint8Array, concatenation: Concatenation | null }}
 */
export function splitUdh(payload) {
  const length = payload[0] ?? 0;
  const header = payload.subarray(0, Math.min(payload.length, length + 1));
  const body = payload.subarray(header.length);
  /** @type {Concatenation | null} */
  let concatenation = null;
  for (let at = 1; at + 1 < header.length; ) {
    const iei = /** @type {number} */ (header[at]);
    const size = /** @type {number} */ (header[at + 1]);
    const data = header.subarray(at + 2, at + 2 + size);
    if (iei === 0x00 && data.length === 3) {
      concatenation = { ref: data[0] ?? 0, total: data[1] ?? 0, seq: data[2] ?? 0, refBits: 8 };
    } else if (iei === 0x08 && data.length === 4) {
      const ref = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      concatenation = { ref, total: data[2] ?? 0, seq: data[3] ?? 0, refBits: 16 };
    }
    at += 2 + size;
  }
  return { header, body, concatenation };
}
