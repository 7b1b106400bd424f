import { GSM7_ESCAPE } from "./gsm7-alphabet.js";
import { basicBySeptet, extensionBySeptet, gsm7Cost, gsm7Septet } from "./gsm7-lookup.js";

/**
 * Whether every character of `text` is in the GSM 03.38 default alphabet or its extension table,
 * i.e. whether the text is sent as GSM-7 rather than UCS-2. The empty string is GSM-7.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { isGsm7 } from "@lisoloo/protocol/segments";
 *
 * assert.equal(isGsm7("Hello €"), true); // € is in the extension table
 * assert.equal(isGsm7("Ça coûte 5 €"), false); // "û" is not GSM: the whole message goes UCS-2
 * assert.equal(isGsm7(""), true);
 */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if ((gsm7Cost[text.charCodeAt(i)] ?? 0) === 0) return false;
  }
  return true;
}

/**
 * The unpacked GSM-7 septets of `text`, one per byte; an extension character is two bytes,
 * 0x1B then its septet. This is the user data before 7-bit packing.
 * @throws RangeError naming the first character (and its index) that is not in GSM 03.38.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { decodeGsm7, encodeGsm7 } from "@lisoloo/protocol/segments";
 *
 * const septets = encodeGsm7("A€");
 * assert.deepEqual([...septets], [0x41, 0x1b, 0x65]);
 * assert.equal(decodeGsm7(septets), "A€");
 * assert.equal(decodeGsm7([0x1b, 0x41]), "A"); // an escape before a septet with no extension character
 * assert.throws(
 *   () => encodeGsm7("ça"),
 *   /Character "ç" \(U\+00E7\) at index 0 is not in the GSM 03.38 alphabet/,
 * );
 * assert.throws(() => decodeGsm7([0x41, 0x1b]), RangeError); // a final lone escape
 */
export function encodeGsm7(text: string): Uint8Array {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = gsm7Cost[text.charCodeAt(i)] ?? 0;
    if (cost === 0) throw notGsm(text, i);
    septets += cost;
  }
  const out = new Uint8Array(septets);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (gsm7Cost[code] === 2) out[o++] = GSM7_ESCAPE;
    out[o++] = gsm7Septet[code] ?? 0;
  }
  return out;
}

/**
 * The text of unpacked GSM-7 septets (the inverse of {@link encodeGsm7}). As 3GPP TS 23.038
 * prescribes for receivers, an escape followed by a septet that has no extension character reads as
 * that septet's basic character, and escape-escape reads as a space.
 * @throws RangeError when a value is above 0x7F or the input ends with a lone escape.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { decodeGsm7, encodeGsm7 } from "@lisoloo/protocol/segments";
 *
 * const septets = encodeGsm7("A€");
 * assert.deepEqual([...septets], [0x41, 0x1b, 0x65]);
 * assert.equal(decodeGsm7(septets), "A€");
 * assert.equal(decodeGsm7([0x1b, 0x41]), "A"); // an escape before a septet with no extension character
 * assert.throws(
 *   () => encodeGsm7("ça"),
 *   /Character "ç" \(U\+00E7\) at index 0 is not in the GSM 03.38 alphabet/,
 * );
 * assert.throws(() => decodeGsm7([0x41, 0x1b]), RangeError); // a final lone escape
 */
export function decodeGsm7(septets: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < septets.length; i++) {
    const septet = septetAt(septets, i);
    if (septet !== GSM7_ESCAPE) {
      text += basicBySeptet[septet];
      continue;
    }
    if (i + 1 === septets.length) {
      throw new RangeError(`GSM-7 input ends with an escape (0x1B) at index ${i} that escapes nothing`);
    }
    const next = septetAt(septets, ++i);
    text += next === GSM7_ESCAPE ? " " : extensionBySeptet[next] || basicBySeptet[next];
  }
  return text;
}

function septetAt(septets: ArrayLike<number>, i: number): number {
  const value = septets[i];
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > 0x7f) {
    throw new RangeError(`GSM-7 septet at index ${i} is ${value}, outside 0x00–0x7F`);
  }
  return value;
}

function notGsm(text: string, index: number): RangeError {
  const codePoint = text.codePointAt(index) ?? 0;
  const character = String.fromCodePoint(codePoint);
  const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
  return new RangeError(
    `Character "${character}" (U+${hex}) at index ${index} is not in the GSM 03.38 alphabet`,
  );
}
