/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet: the character at index `n` is septet `n`.
 * Index 0x1B is the escape to the extension table, not a character; it holds U+001B only to keep
 * the indexes aligned and is never treated as encodable text.
 * Septet 0x09 is `Ç` (capital), as in the Unicode mapping GSM0338.TXT; lowercase `ç` is not GSM.
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

/** The septet that switches the next septet to the extension table. */
export const GSM7_ESCAPE = 0x1b;

/**
 * The GSM 03.38 extension table: `[septet, character]`. Each of these characters is sent as the
 * escape septet followed by its septet, so it costs two septets.
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
