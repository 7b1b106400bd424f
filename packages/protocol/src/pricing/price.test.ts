import { describe, expect, it } from "vitest";
import { fromMicros, toMicros } from "./money.js";
import { DEFAULT_UNIT_PRICE_MICROS, priceSend } from "./price.js";

describe("priceSend", () => {
  it.each([
    {
      id: "one recipient at 0.02",
      recipients: 1,
      segments: 1,
      dispatches: 1,
      price: 0.02,
      messages: 1,
      cost: 0.02,
    },
    {
      id: "three recipients at 0.02",
      recipients: 3,
      segments: 1,
      dispatches: 1,
      price: 0.02,
      messages: 3,
      cost: 0.06,
    },
    {
      id: "200 GSM characters to 50",
      recipients: 50,
      segments: 2,
      dispatches: 1,
      price: 0.02,
      messages: 100,
      cost: 2,
    },
    {
      id: "two dates to two recipients",
      recipients: 2,
      segments: 1,
      dispatches: 2,
      price: 0.02,
      messages: 4,
      cost: 0.08,
    },
    {
      id: "cheap price, many messages",
      recipients: 7,
      segments: 3,
      dispatches: 11,
      price: 0.004,
      messages: 231,
      cost: 0.924,
    },
  ])("$id", ({ recipients, segments, dispatches, price, messages, cost }) => {
    const result = priceSend({ recipients, segments, dispatches, unitPriceMicros: toMicros(price) });
    expect(result.totalMessages).toBe(messages);
    expect(fromMicros(result.totalCostMicros)).toBe(cost);
  });

  it("charges 0.01 when the merchant has no price", () => {
    expect(DEFAULT_UNIT_PRICE_MICROS).toBe(toMicros("0.01"));
    const result = priceSend({ recipients: 3, segments: 1, dispatches: 1, unitPriceMicros: null });
    expect(result.unitPriceMicros).toBe(10_000);
    expect(fromMicros(result.totalCostMicros)).toBe(0.03);
  });

  it("stays exact at the largest possible send", () => {
    const result = priceSend({
      recipients: 1000,
      segments: 24,
      dispatches: 1000,
      unitPriceMicros: toMicros(1.5),
    });
    expect(result.totalMessages).toBe(24_000_000);
    expect(result.totalCostMicros).toBe(36_000_000_000_000);
    expect(fromMicros(result.totalCostMicros)).toBe(36_000_000);
  });

  it.each([
    { id: "zero recipients", recipients: 0, segments: 1, dispatches: 1, unitPriceMicros: 1 },
    { id: "fractional segments", recipients: 1, segments: 1.5, dispatches: 1, unitPriceMicros: 1 },
    { id: "negative price", recipients: 1, segments: 1, dispatches: 1, unitPriceMicros: -1 },
    { id: "fractional price", recipients: 1, segments: 1, dispatches: 1, unitPriceMicros: 0.5 },
    {
      id: "unsafe total",
      recipients: 1000,
      segments: 1000,
      dispatches: 1000,
      unitPriceMicros: 10_000_000_000,
    },
  ])("rejects $id", (input) => {
    expect(() => priceSend(input)).toThrow(RangeError);
  });
});
