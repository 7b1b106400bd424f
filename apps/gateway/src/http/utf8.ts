/**
 * The bytes as text, or null when they are not UTF-8. Strict: an invalid byte is refused, never
 * replaced by U+FFFD (a body changed that way would be another request, and billed as UCS-2). A
 * leading byte order mark is dropped.
 *
 * @example decodeUtf8(new Uint8Array([0x68, 0xc3, 0xa9])) // "hé"
 * @example decodeUtf8(new Uint8Array([0x68, 0xff])) // null
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The offset of the first byte that does not begin a well-formed UTF-8 sequence (the same rules as a
 * fatal `TextDecoder`: no overlong forms, no surrogates, nothing past U+10FFFF), or -1 when every
 * byte is fine. Used to say where a body goes wrong, after the decoder has said that it does.
 *
 * @example firstInvalidUtf8Byte(new Uint8Array([0x68, 0xc3, 0xa9, 0xff])) // 3
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let trailing: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) trailing = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      trailing = 2;
      if (lead === 0xe0) lower = 0xa0; // overlong
      if (lead === 0xed) upper = 0x9f; // a surrogate
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      trailing = 3;
      if (lead === 0xf0) lower = 0x90; // overlong
      if (lead === 0xf4) upper = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= trailing; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < lower || next > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += trailing + 1;
  }
  return -1;
}
