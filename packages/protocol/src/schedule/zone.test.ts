import { describe, expect, it } from "vitest";
import { fieldsFromParts, isValidTimeZone, wallClockAt, wallClockFormat } from "./zone.js";

describe("wallClockAt", () => {
  it.each([
    ["Africa/Kinshasa", "2026-06-01T07:00:00Z", "2026-06-01T08:00:00.000Z"],
    ["America/New_York", "2026-01-01T03:00:00Z", "2025-12-31T22:00:00.000Z"],
    ["Asia/Kolkata", "2026-06-01T00:00:00.789Z", "2026-06-01T05:30:00.789Z"],
    ["UTC", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
  ])("reads %s at %s as %s", (zone, instant, wall) => {
    expect(new Date(wallClockAt(zone, Date.parse(instant))).toISOString()).toBe(wall);
  });

  it("reads the same fields from formatToParts as from the fast path", () => {
    const formatter = new Intl.DateTimeFormat("en-US", { ...wallClockFormat, timeZone: "Europe/Paris" });
    for (const iso of [
      "2026-03-29T00:59:59Z",
      "2026-10-25T01:00:00Z",
      "1970-01-01T00:00:00Z",
      "-000001-06-01T12:00:00Z",
    ]) {
      const t = Date.parse(iso);
      const fast = new Date(wallClockAt("Europe/Paris", t));
      expect(fieldsFromParts(formatter.formatToParts(t))).toEqual([
        fast.getUTCMonth() + 1,
        fast.getUTCDate(),
        fast.getUTCFullYear(),
        fast.getUTCHours(),
        fast.getUTCMinutes(),
        fast.getUTCSeconds(),
      ]);
    }
  });

  it("caches nothing for an unknown zone and keeps answering", () => {
    expect(isValidTimeZone("Etc/Nowhere")).toBe(false);
    expect(isValidTimeZone("Etc/Nowhere")).toBe(false);
    expect(() => wallClockAt("Etc/Nowhere", 0)).toThrow(RangeError);
  });
});
