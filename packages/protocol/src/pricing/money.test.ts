import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMicros, fromMicros, toMicros } from "./money.js";

describe("toMicros", () => {
  it.each([
    [0.02, 20_000],
    [0.01, 10_000],
    [0.06, 60_000],
    [2, 2_000_000],
    [0.000001, 1],
    [1e-6, 1],
    [123456.654321, 123_456_654_321],
    [-0.5, -500_000],
    [0, 0],
    ["0.02", 20_000],
    ["12.5", 12_500_000],
    ["0.0200000", 20_000],
    [" 3 ", 3_000_000],
    [".5", 500_000],
    ["1e-6", 1],
    ["2.5E3", 2_500_000_000],
    ["-0", 0],
  ] as const)("reads %j as %i micro-units", (amount, micros) => {
    expect(toMicros(amount)).toBe(micros);
  });

  it.each([
    [1e-7],
    ["0.0000001"],
    [0.1 + 0.2],
    ["abc"],
    [""],
    ["."],
    ["1,5"],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [9_007_199_255],
    ["1e400"],
  ] as const)("rejects %j", (amount) => {
    expect(() => toMicros(amount)).toThrow(RangeError);
  });

  it("is exact where floating-point multiplication is not", () => {
    expect(2.01 * 1_000_000).not.toBe(2_010_000);
    expect(toMicros(2.01)).toBe(2_010_000);
    expect(toMicros(4.35)).toBe(4_350_000);
  });
});

describe("fromMicros", () => {
  it.each([
    [20_000, 0.02],
    [2_000_000, 2],
    [1, 0.000001],
    [60_000, 0.06],
  ])("shows %i micro-units as %d", (micros, amount) => {
    expect(fromMicros(micros)).toBe(amount);
  });

  it("refuses non-integers", () => {
    expect(() => fromMicros(0.5)).toThrow(RangeError);
  });

  it("round-trips every amount with at most 6 decimals", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -999_999_999, max: 999_999_999 }),
        fc.integer({ min: 0, max: 999_999 }),
        (whole, fraction) => {
          const text = `${whole < 0 ? "-" : ""}${Math.abs(whole)}.${String(fraction).padStart(6, "0")}`;
          const amount = Number(text);
          expect(fromMicros(toMicros(amount))).toBe(amount);
          expect(fromMicros(toMicros(text))).toBe(amount);
          expect(toMicros(fromMicros(toMicros(text)))).toBe(toMicros(text));
        },
      ),
    );
  });

  it("round-trips every micro-unit count a JSON number holds exactly (15 significant digits)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (micros) => {
        expect(toMicros(fromMicros(micros))).toBe(micros);
      }),
    );
  });
});

describe("formatMicros", () => {
  it.each([
    [2_000_000, "2.00"],
    [500_000, "0.50"],
    [20_000, "0.02"],
    [75_000, "0.075"],
    [1, "0.000001"],
    [0, "0.00"],
    [123_456_654_321, "123456.654321"],
    [-500_000, "-0.50"],
  ])("writes %i micro-units as %s", (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });

  it("reads back to the same micro-units, for every safe amount", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (micros) => {
        expect(toMicros(formatMicros(micros))).toBe(micros);
      }),
    );
  });
});
