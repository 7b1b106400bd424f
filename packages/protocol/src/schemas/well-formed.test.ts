import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWellFormedText } from "./well-formed.js";

describe("isWellFormedText", () => {
  it.each([
    ["", true],
    ["Bonjour", true],
    ["é€😀", true],
    ["\ud83d\ude00", true],
    ["\uffff\u0000", true],
    ["a\ud800b", false],
    ["\ud800", false],
    ["\udc00", false],
    ["ok\ud83d", false],
    ["\ude00\ud83d", false],
    ["😀\ud83d", false],
  ])("%j is %s", (text, wellFormed) => {
    expect(isWellFormedText(text)).toBe(wellFormed);
  });

  it("agrees with String.prototype.isWellFormed on any string of UTF-16 code units", () => {
    const native = (text: string): boolean =>
      (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed.call(text);
    const unit = fc.oneof(fc.integer({ min: 0xd7f0, max: 0xe010 }), fc.integer({ min: 0, max: 0xffff }));
    const text = fc.array(unit, { maxLength: 12 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(text, (s) => {
        expect(isWellFormedText(s)).toBe(native(s));
      }),
      { numRuns: 2000 },
    );
  });
});
