import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "./gsm7-alphabet.js";
import { decodeGsm7, encodeGsm7, isGsm7 } from "./gsm7-codec.js";
import { countSegments, splitSegments } from "./segments.js";
import { transliterate } from "./transliterate.js";
import { transliterationTable } from "./transliteration-table.js";

const RUNS = { numRuns: 10_000 };

const basicChars = [...gsm7BasicAlphabet].filter((_, septet) => septet !== GSM7_ESCAPE);
const extensionChars = gsm7ExtensionTable.map(([, c]) => c);
const gsmSet = new Set([...basicChars, ...extensionChars]);
const tableKeys = Object.keys(transliterationTable);
const foreignChars = [..."çêâîôûëïœŒÀÈ°–’…字中文😀👍🏽🇨🇩\u0301"];

const gsmChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...basicChars) },
  { weight: 1, arbitrary: fc.constantFrom(...extensionChars) },
);
const anyChar = fc.oneof(
  { weight: 8, arbitrary: gsmChar },
  { weight: 1, arbitrary: fc.constantFrom(...foreignChars) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)) },
);

/** Long runs of one character reach the segment boundaries; short random strings mix the rest. */
function textOf(char: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const chunk = fc.oneof(
    fc.tuple(char, fc.integer({ min: 1, max: 170 })).map(([c, n]) => c.repeat(n)),
    fc.string({ unit: char, maxLength: 40, size: "max" }),
  );
  return fc.array(chunk, { maxLength: 6, size: "max" }).map((chunks) => chunks.join(""));
}

const gsmText = textOf(gsmChar);
const anyText = fc.oneof(gsmText, textOf(anyChar));

/** Units of one segment in the message's encoding. */
function unitsOf(segment: string, encoding: "GSM-7" | "UCS-2"): number {
  return encoding === "GSM-7" ? encodeGsm7(segment).length : segment.length;
}

/** The first indivisible piece of a segment: one character, or a surrogate pair. */
function firstAtom(segment: string): string {
  return String.fromCodePoint(segment.codePointAt(0) ?? 0);
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

describe("segment properties", () => {
  it("splits into segments that concatenate back to the input, as many as counted", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parts = splitSegments(text);
        expect(parts.join("")).toBe(text);
        expect(parts.length).toBe(countSegments(text).segments);
      }),
      RUNS,
    );
  });

  it("fills no segment past its capacity, and only ends one early when the next atom would not fit", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { encoding, unitsPerSegment, units, remainingInSegment } = countSegments(text);
        const parts = splitSegments(text);
        const sizes = parts.map((part) => unitsOf(part, encoding));
        expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(units);
        expect(remainingInSegment).toBe(unitsPerSegment - (sizes.at(-1) ?? 0));
        parts.forEach((part, k) => {
          expect(sizes[k]).toBeLessThanOrEqual(unitsPerSegment);
          const next = parts[k + 1];
          if (next === undefined) return;
          expect(part.length).toBeGreaterThan(0);
          expect(unitsOf(part, encoding) + unitsOf(firstAtom(next), encoding)).toBeGreaterThan(
            unitsPerSegment,
          );
          const splitsPair = isHigh(part.charCodeAt(part.length - 1)) && isLow(next.charCodeAt(0));
          expect(splitsPair).toBe(false);
        });
      }),
      RUNS,
    );
  });

  it("chooses GSM-7 exactly when every character is in the GSM 03.38 tables", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const allGsm = [...text].every((c) => gsmSet.has(c));
        expect(countSegments(text).encoding).toBe(allGsm ? "GSM-7" : "UCS-2");
        expect(isGsm7(text)).toBe(allGsm);
        if (!allGsm) expect(() => encodeGsm7(text)).toThrow(RangeError);
      }),
      RUNS,
    );
  });

  it("round-trips every GSM text through encodeGsm7 and decodeGsm7", () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const septets = encodeGsm7(text);
        expect(septets.length).toBe(countSegments(text).units);
        expect(decodeGsm7(septets)).toBe(text);
      }),
      RUNS,
    );
  });
});

describe("transliteration properties", () => {
  const mappableText = textOf(
    fc.oneof({ weight: 3, arbitrary: gsmChar }, { weight: 1, arbitrary: fc.constantFrom(...tableKeys) }),
  );

  it("turns GSM characters and table characters into GSM-7, character by character", () => {
    fc.assert(
      fc.property(mappableText, (text) => {
        const result = transliterate(text);
        const expected = [...text].map((c) => (gsmSet.has(c) ? c : transliterationTable[c])).join("");
        expect(result.text).toBe(expected);
        expect(isGsm7(result.text)).toBe(true);
        expect(result.unmapped).toEqual([]);
        const replaced = result.replacements.reduce((sum, r) => sum + r.count, 0);
        expect(replaced).toBe([...text].filter((c) => !gsmSet.has(c)).length);
      }),
      RUNS,
    );
  });

  it("never changes a GSM text", () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        expect(transliterate(text)).toEqual({ text, replacements: [], unmapped: [] });
      }),
      RUNS,
    );
  });

  it("either yields GSM-7 or leaves the text as it was and names what blocked it", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = transliterate(text);
        if (result.unmapped.length === 0) {
          expect(isGsm7(result.text)).toBe(true);
        } else {
          expect(result.text).toBe(text);
          expect(result.replacements).toEqual([]);
          for (const blocked of result.unmapped) expect(text).toContain(blocked);
        }
      }),
      RUNS,
    );
  });
});
