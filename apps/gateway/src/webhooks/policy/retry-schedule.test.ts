import { describe, expect, it } from "vitest";
import { maxWebhookAttempts, nextAttemptDelay } from "./retry-schedule";

const middle = () => 0.5;

describe("nextAttemptDelay", () => {
  it("allows five attempts in total", () => {
    expect(maxWebhookAttempts).toBe(5);
  });

  it.each([
    [1, 30_000],
    [2, 120_000],
    [3, 600_000],
    [4, 3_600_000],
  ])("waits the scheduled delay after attempt %i fails", (attempt, delay) => {
    expect(nextAttemptDelay(attempt, { random: middle })).toBe(delay);
  });

  it.each([5, 6, 100])("gives up after attempt %i", (attempt) => {
    expect(nextAttemptDelay(attempt, { random: middle })).toBeNull();
    expect(nextAttemptDelay(attempt, { random: middle, retryAfterSeconds: 60 })).toBeNull();
  });

  it.each([
    [1, 0, 27_000],
    [1, 0.999_999, 33_000],
    [4, 0, 3_240_000],
    [4, 0.999_999, 3_959_999],
    [2, 0.25, 114_000],
  ])("jitters the delay after attempt %i within ±10 %: random %s → %i ms", (attempt, r, delay) => {
    expect(nextAttemptDelay(attempt, { random: () => r })).toBe(delay);
  });

  it("stays within ±10 % of the schedule with the default random source", () => {
    const bases = [30_000, 120_000, 600_000, 3_600_000];
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      for (const [index, base] of bases.entries()) {
        const delay = nextAttemptDelay(index + 1) ?? Number.NaN;
        expect(delay).toBeGreaterThanOrEqual(base * 0.9);
        expect(delay).toBeLessThanOrEqual(base * 1.1);
        if (index === 0) seen.add(delay);
      }
    }
    // Jitter that always lands on the same value would not spread a burst of retries.
    expect(seen.size).toBeGreaterThan(100);
  });

  it.each([
    ["a longer Retry-After wins", 1, 300, 300_000],
    ["a shorter Retry-After loses to the schedule", 3, 5, 600_000],
    ["Retry-After is capped at one hour", 1, 86_400, 3_600_000],
    ["a fractional Retry-After rounds up", 1, 45.2, 45_200],
    ["a zero Retry-After changes nothing", 2, 0, 120_000],
    ["a negative Retry-After is ignored", 2, -30, 120_000],
    ["a non-finite Retry-After is ignored", 2, Number.POSITIVE_INFINITY, 120_000],
    ["the jittered last step may exceed the Retry-After cap", 4, 86_400, 3_959_999],
  ])("%s", (_label, attempt, retryAfterSeconds, delay) => {
    const random = attempt === 4 ? () => 0.999_999 : middle;
    expect(nextAttemptDelay(attempt, { random, retryAfterSeconds })).toBe(delay);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects the attempt number %s", (attempt) => {
    expect(() => nextAttemptDelay(attempt)).toThrow(RangeError);
  });
});
