import { describe, expect, it } from "vitest";
import { MinuteCounter } from "./minute-counter";

describe("MinuteCounter", () => {
  it("counts what happened in the last 60 seconds, whatever the gaps", () => {
    const counter = new MinuteCounter();
    const t0 = 1_796_000_000_000;
    counter.add(3, t0);
    counter.add(2, t0 + 30_000);
    expect(counter.total(t0 + 30_000)).toBe(5);
    expect(counter.total(t0 + 59_999)).toBe(5);
    expect(counter.total(t0 + 60_000)).toBe(2);
    // The slot of t0 is reused a minute later without the old count.
    counter.add(1, t0 + 60_000);
    expect(counter.total(t0 + 60_000)).toBe(3);
    expect(counter.total(t0 + 10 * 60_000)).toBe(0);
  });
});
