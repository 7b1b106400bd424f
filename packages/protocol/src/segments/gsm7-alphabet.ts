/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet: the character at index `n` is septet `n`.
 * Index 0x1B is the escape to the extension table, not a character; it holds U+001B only to keep
 * the indexes aligned and is never treated as encodable text.
 * Septet 0x09 is `Ç` (capital), as in the Unicode mapping GSM0338.TXT; lowercase `ç` is not GSM.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "@lisoloo/protocol/segments";
 *
 * assert.equal(gsm7BasicAlphabet.length, 128); // the character at index n is septet n
 * assert.equal(gsm7BasicAlphabet.indexOf("é"), 0x05);
 * assert.equal(gsm7BasicAlphabet.includes("ç"), false); // only the capital Ç is GSM
 * assert.equal(GSM7_ESCAPE, 0x1b); // index 0x1B is the escape to the extension table, not a character
 * // Each extension character is sent as the escape, then its septet
 * assert.deepEqual(
 *   gsm7ExtensionTable.map(([septet, character]) => `${character}=${septet.toString(16)}`),
 *   ["\f=a", "^=14", "{=28", "}=29", "\\=2f", "[=3c", "~=3d", "]=3e", "|=40", "€=65"],
 * );
 */
export const gsm7BasicAlphabet =
  "@£$¥èéùìòÇ\nØø\rÅå" + // 0x00–0x0F
  "Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ" + // 0x10–0x1F
  " !\"#¤%&'()*+,-./" + // 0x20–0x2F
  "0123456789:;<=>?" + // 0x30–0x3F
  "¡ABCDEFGHIJKLMNO" + // 0x40–0x4F
  "PQRSTUVWXYZÄÖÑÜ§" + // 0x50–0x5F
  "¿abcdefghijklmno" + // 0x60–0x6F
  "pqrstuvwxyzäöñüà"; // 0x70–0x7F

/**
 * The septet that switches the next septet to the extension table.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "@lisoloo/protocol/segments";
 *
 * assert.equal(gsm7BasicAlphabet.length, 128); // the character at index n is septet n
 * assert.equal(gsm7BasicAlphabet.indexOf("é"), 0x05);
 * assert.equal(gsm7BasicAlphabet.includes("ç"), false); // only the capital Ç is GSM
 * assert.equal(GSM7_ESCAPE, 0x1b); // index 0x1B is the escape to the extension table, not a character
 * // Each extension character is sent as the escape, then its septet
 * assert.deepEqual(
 *   gsm7ExtensionTable.map(([septet, character]) => `${character}=${septet.toString(16)}`),
 *   ["\f=a", "^=14", "{=28", "}=29", "\\=2f", "[=3c", "~=3d", "]=3e", "|=40", "€=65"],
 * );
 */
export const GSM7_ESCAPE = 0x1b;

/**
 * The GSM 03.38 extension table: `[septet, character]`. Each of these characters is sent as the
 * escape septet followed by its septet, so it costs two septets.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "@lisoloo/protocol/segments";
 *
 * assert.equal(gsm7BasicAlphabet.length, 128); // the character at index n is septet n
 * assert.equal(gsm7BasicAlphabet.indexOf("é"), 0x05);
 * assert.equal(gsm7BasicAlphabet.includes("ç"), false); // only the capital Ç is GSM
 * assert.equal(GSM7_ESCAPE, 0x1b); // index 0x1B is the escape to the extension table, not a character
 * // Each extension character is sent as the escape, then its septet
 * assert.deepEqual(
 *   gsm7ExtensionTable.map(([septet, character]) => `${character}=${septet.toString(16)}`),
 *   ["\f=a", "^=14", "{=28", "}=29", "\\=2f", "[=3c", "~=3d", "]=3e", "|=40", "€=65"],
 * );
 */
export const gsm7ExtensionTable: readonly (readonly [septet: number, character: string])[] = [
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
];
