import { describe, expect, it } from "vitest";
import { gsm7BasicAlphabet, gsm7ExtensionTable } from "./gsm7-alphabet.js";
import { decodeGsm7, encodeGsm7, isGsm7 } from "./gsm7-codec.js";

describe("GSM 03.38 tables", () => {
  it("have 128 basic septets and 10 extension characters, all distinct", () => {
    expect(gsm7BasicAlphabet.length).toBe(128);
    const characters = new Set([...gsm7BasicAlphabet, ...gsm7ExtensionTable.map(([, c]) => c)]);
    expect(characters.size).toBe(138); // 127 characters + the escape slot + 10 extensions
  });
});

describe("encodeGsm7", () => {
  // Septet values from 3GPP TS 23.038 §6.2.1, where libraries most often slip.
  it.each([
    ["@", 0x00],
    ["£", 0x01],
    ["$", 0x02],
    ["¥", 0x03],
    ["è", 0x04],
    ["é", 0x05],
    ["ù", 0x06],
    ["ì", 0x07],
    ["ò", 0x08],
    ["Ç", 0x09],
    ["\n", 0x0a],
    ["Ø", 0x0b],
    ["ø", 0x0c],
    ["\r", 0x0d],
    ["Å", 0x0e],
    ["å", 0x0f],
    ["Δ", 0x10],
    ["_", 0x11],
    ["Φ", 0x12],
    ["Γ", 0x13],
    ["Λ", 0x14],
    ["Ω", 0x15],
    ["Π", 0x16],
    ["Ψ", 0x17],
    ["Σ", 0x18],
    ["Θ", 0x19],
    ["Ξ", 0x1a],
    ["Æ", 0x1c],
    ["æ", 0x1d],
    ["ß", 0x1e],
    ["É", 0x1f],
    ["¤", 0x24],
    ["¡", 0x40],
    ["Ä", 0x5b],
    ["Ö", 0x5c],
    ["Ñ", 0x5d],
    ["Ü", 0x5e],
    ["§", 0x5f],
    ["¿", 0x60],
    ["ä", 0x7b],
    ["ö", 0x7c],
    ["ñ", 0x7d],
    ["ü", 0x7e],
    ["à", 0x7f],
  ])("encodes %j as septet %i", (ch, septet) => {
    expect([...encodeGsm7(ch)]).toEqual([septet]);
    expect(decodeGsm7([septet])).toBe(ch);
  });

  it.each([
    ["\f", 0x0a],
    ["^", 0x14],
    ["{", 0x28],
    ["}", 0x29],
    ["\\", 0x2f],
    ["[", 0x3c],
    ["~", 0x3d],
    ["]", 0x3e],
    ["|", 0x40],
    ["€", 0x65],
  ])("encodes extension %j as escape + %i", (ch, septet) => {
    expect([...encodeGsm7(ch)]).toEqual([0x1b, septet]);
    expect(decodeGsm7([0x1b, septet])).toBe(ch);
  });

  it("encodes a mixed text septet by septet", () => {
    expect([...encodeGsm7("A€ b\n")]).toEqual([0x41, 0x1b, 0x65, 0x20, 0x62, 0x0a]);
    expect(encodeGsm7("")).toEqual(new Uint8Array(0));
  });

  it.each([
    ["ç", "ç", "U+00E7", 3],
    ["emoji", "😀", "U+1F600", 3],
    ["escape control char", "\u001b", "U+001B", 3],
    ["backtick", "`", "U+0060", 3],
  ])("throws a RangeError naming the %s", (_, ch, hex, index) => {
    expect(() => encodeGsm7(`abc${ch}d`)).toThrow(
      new RangeError(
        `Character "${ch}" (U+${hex.slice(2)}) at index ${index} is not in the GSM 03.38 alphabet`,
      ),
    );
  });
});

describe("decodeGsm7", () => {
  it("reads an escape before a septet without extension character as the basic character", () => {
    expect(decodeGsm7([0x1b, 0x41])).toBe("A");
  });

  it("reads escape-escape as a space", () => {
    expect(decodeGsm7([0x41, 0x1b, 0x1b, 0x42])).toBe("A B");
  });

  it.each([
    ["a value above 0x7F", [0x41, 0x80], "GSM-7 septet at index 1 is 128, outside 0x00–0x7F"],
    ["a negative value", [-1], "GSM-7 septet at index 0 is -1, outside 0x00–0x7F"],
    [
      "a trailing escape",
      [0x41, 0x1b],
      "GSM-7 input ends with an escape (0x1B) at index 1 that escapes nothing",
    ],
  ])("throws on %s", (_, septets, message) => {
    expect(() => decodeGsm7(septets)).toThrow(new RangeError(message));
  });
});

describe("isGsm7", () => {
  it.each([
    ["", true],
    ["Hello world", true],
    ["{[€]}", true],
    ["Ça va", true],
    ["ça va", false],
    ["Café ☕", false],
    ["\t", false],
  ])("isGsm7(%j) is %s", (text, expected) => {
    expect(isGsm7(text)).toBe(expected);
  });
});
