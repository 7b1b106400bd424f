/**
 * Micro-units in one unit of currency: every amount inside Lisoloo is an integer count of 1e-6.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { fromMicros, MICROS_PER_UNIT, toMicros } from "@lisoloo/protocol/pricing";
 *
 * assert.equal(MICROS_PER_UNIT, 1_000_000);
 * assert.equal(toMicros(0.02), 20_000); // a number is read through its shortest decimal form
 * assert.equal(toMicros("12.5"), 12_500_000); // a string as written
 * assert.throws(() => toMicros("0.0000001"), RangeError); // more than 6 decimal places
 * assert.equal(fromMicros(20_000), 0.02);
 * assert.equal(fromMicros(toMicros(0.1) + toMicros(0.2)), 0.3); // no 0.30000000000000004
 */
export const MICROS_PER_UNIT = 1_000_000;

const decimalPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Converts a decimal amount to integer micro-units, exactly: no floating-point arithmetic is done on
 * the amount, so `0.1 + 0.2`-style drift cannot creep in. A number is read through its shortest
 * decimal form (`String(0.02)` is `"0.02"`), a string as written.
 *
 * @throws RangeError when the amount has more than 6 decimal places, is not a finite decimal, or
 * does not fit a safe integer once in micro-units.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { fromMicros, MICROS_PER_UNIT, toMicros } from "@lisoloo/protocol/pricing";
 *
 * assert.equal(MICROS_PER_UNIT, 1_000_000);
 * assert.equal(toMicros(0.02), 20_000); // a number is read through its shortest decimal form
 * assert.equal(toMicros("12.5"), 12_500_000); // a string as written
 * assert.throws(() => toMicros("0.0000001"), RangeError); // more than 6 decimal places
 * assert.equal(fromMicros(20_000), 0.02);
 * assert.equal(fromMicros(toMicros(0.1) + toMicros(0.2)), 0.3); // no 0.30000000000000004
 */
export function toMicros(amount: number | string): number {
  if (typeof amount === "number" && !Number.isFinite(amount)) {
    throw new RangeError(`Not a finite amount: ${amount}`);
  }
  const text = typeof amount === "number" ? String(amount) : amount.trim();
  const match = decimalPattern.exec(text);
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match ?? [];
  if (!match || (whole === "" && fraction === "")) {
    throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  }
  const exponent = Number(exponentText);
  const digits = `${whole}${fraction}`;
  if (Math.abs(exponent) > 400) {
    if (/^0*$/.test(digits)) return 0;
    throw new RangeError(`Amount out of range: ${JSON.stringify(amount)}`);
  }
  // Where the decimal point falls in `digits` once the exponent is applied.
  const point = whole.length + exponent;
  const integerPart = point <= 0 ? "0" : digits.slice(0, point).padEnd(point, "0");
  const fractionPart = point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits;
  const significantFraction = fractionPart.replace(/0+$/, "");
  if (significantFraction.length > 6) {
    throw new RangeError(`More than 6 decimal places: ${JSON.stringify(amount)}`);
  }
  const micros = Number(`${integerPart}${significantFraction.padEnd(6, "0")}`);
  if (!Number.isSafeInteger(micros)) {
    throw new RangeError(`Amount out of range: ${JSON.stringify(amount)}`);
  }
  return sign === "-" && micros !== 0 ? -micros : micros;
}

/**
 * Converts integer micro-units to the decimal number JSON shows, rounded to 6 places (the division
 * of an integer by 1e6 yields the double nearest the exact decimal, so it prints as that decimal).
 * A double holds 15 significant digits, so amounts below 1e9 (999,999,999.999999) survive the trip
 * through JSON exactly; larger ones are correctly rounded.
 *
 * @throws RangeError when `micros` is not a safe integer.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { fromMicros, MICROS_PER_UNIT, toMicros } from "@lisoloo/protocol/pricing";
 *
 * assert.equal(MICROS_PER_UNIT, 1_000_000);
 * assert.equal(toMicros(0.02), 20_000); // a number is read through its shortest decimal form
 * assert.equal(toMicros("12.5"), 12_500_000); // a string as written
 * assert.throws(() => toMicros("0.0000001"), RangeError); // more than 6 decimal places
 * assert.equal(fromMicros(20_000), 0.02);
 * assert.equal(fromMicros(toMicros(0.1) + toMicros(0.2)), 0.3); // no 0.30000000000000004
 */
export function fromMicros(micros: number): number {
  assertMicros(micros, "micros");
  return micros / MICROS_PER_UNIT;
}

/** Throws unless `value` is a safe integer (optionally not negative). */
export function assertMicros(value: number, name: string, { nonNegative = false } = {}): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
  if (nonNegative && value < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
}

/**
 * Writes integer micro-units as a decimal string for people to read: at least two decimal places,
 * more only when the amount has them (a unit price of 0.025 stays exact). Integer arithmetic
 * throughout, so no amount is ever shown rounded.
 *
 * @throws RangeError when `micros` is not a safe integer.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { formatMicros } from "@lisoloo/protocol/pricing";
 *
 * assert.equal(formatMicros(2_000_000), "2.00"); // at least two decimals
 * assert.equal(formatMicros(75_000), "0.075"); // more only when the amount has them
 * assert.equal(formatMicros(-500_000), "-0.50");
 */
export function formatMicros(micros: number): string {
  assertMicros(micros, "micros");
  const digits = String(Math.abs(micros)).padStart(7, "0");
  const whole = digits.slice(0, -6);
  const fraction = digits.slice(-6).replace(/0+$/, "").padEnd(2, "0");
  return `${micros < 0 ? "-" : ""}${whole}.${fraction}`;
}
