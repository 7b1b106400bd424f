import { assertMicros } from "./money.js";

/**
 * The unit price charged when a merchant has none configured: 0.01 per message (CONTRACT §5).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { DEFAULT_UNIT_PRICE_MICROS, fromMicros, priceSend, toMicros } from "@lisoloo/protocol/pricing";
 *
 * const price = priceSend({ recipients: 50, segments: 2, dispatches: 1, unitPriceMicros: toMicros("0.02") });
 * assert.deepEqual(price, { totalMessages: 100, totalCostMicros: 2_000_000, unitPriceMicros: 20_000 });
 * assert.equal(fromMicros(price.totalCostMicros), 2); // the response's total_cost
 *
 * assert.equal(DEFAULT_UNIT_PRICE_MICROS, 10_000);
 * assert.equal(
 *   priceSend({ recipients: 1, segments: 1, dispatches: 1 }).unitPriceMicros,
 *   DEFAULT_UNIT_PRICE_MICROS,
 * );
 */
export const DEFAULT_UNIT_PRICE_MICROS = 10_000;

/** What {@link priceSend} needs: the send's size and the merchant's price per message. */
export interface PriceSendInput {
  /** Unique recipients after de-duplication. */
  recipients: number;
  /** Segments of the (possibly transliterated) message. */
  segments: number;
  /** 1 for an immediate send, the number of distinct dates or recurring occurrences otherwise. */
  dispatches: number;
  /** Price of one message (one segment to one recipient) in micro-units; default 0.01. */
  unitPriceMicros?: number | null | undefined;
}

/** The totals of a send, in the units the API reports them. */
export interface SendPrice {
  /** `recipients × segments × dispatches`: the `total_messages` of the response. */
  totalMessages: number;
  /** `totalMessages × unitPriceMicros`: the `total_cost`, in micro-units. */
  totalCostMicros: number;
  /** The unit price applied (the default when none was given). */
  unitPriceMicros: number;
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Prices a send (CONTRACT §5): every segment to every recipient in every dispatch is one message,
 * and each message costs the unit price. Integers throughout, so the total is exact.
 *
 * @throws RangeError when a count is not a positive integer, the price is negative, or a product
 * leaves the safe-integer range.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { DEFAULT_UNIT_PRICE_MICROS, fromMicros, priceSend, toMicros } from "@lisoloo/protocol/pricing";
 *
 * const price = priceSend({ recipients: 50, segments: 2, dispatches: 1, unitPriceMicros: toMicros("0.02") });
 * assert.deepEqual(price, { totalMessages: 100, totalCostMicros: 2_000_000, unitPriceMicros: 20_000 });
 * assert.equal(fromMicros(price.totalCostMicros), 2); // the response's total_cost
 *
 * assert.equal(DEFAULT_UNIT_PRICE_MICROS, 10_000);
 * assert.equal(
 *   priceSend({ recipients: 1, segments: 1, dispatches: 1 }).unitPriceMicros,
 *   DEFAULT_UNIT_PRICE_MICROS,
 * );
 */
export function priceSend(input: PriceSendInput): SendPrice {
  const { recipients, segments, dispatches } = input;
  assertCount(recipients, "recipients");
  assertCount(segments, "segments");
  assertCount(dispatches, "dispatches");
  const unitPriceMicros = input.unitPriceMicros ?? DEFAULT_UNIT_PRICE_MICROS;
  assertMicros(unitPriceMicros, "unitPriceMicros", { nonNegative: true });
  const totalMessages = recipients * segments * dispatches;
  const totalCostMicros = totalMessages * unitPriceMicros;
  if (!Number.isSafeInteger(totalMessages) || !Number.isSafeInteger(totalCostMicros)) {
    throw new RangeError("Send too large to price exactly");
  }
  return { totalMessages, totalCostMicros, unitPriceMicros };
}
