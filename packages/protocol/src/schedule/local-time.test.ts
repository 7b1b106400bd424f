import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_TIME_ZONE, formatLocalIso, localToUtc } from "./local-time.js";
import { isValidTimeZone } from "./zone.js";

describe("localToUtc", () => {
  it.each([
    ["Africa/Kinshasa", "2026-06-01", "08:00", "2026-06-01T07:00:00.000Z"],
    ["Africa/Kinshasa", "2026-01-15", "00:00", "2026-01-14T23:00:00.000Z"],
    ["America/New_York", "2026-03-08", "01:59", "2026-03-08T06:59:00.000Z"],
    ["America/New_York", "2026-03-08", "02:30", "2026-03-08T07:30:00.000Z"],
    ["America/New_York", "2026-03-08", "03:00", "2026-03-08T07:00:00.000Z"],
    ["America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00.000Z"],
    ["America/New_York", "2026-11-01", "02:00", "2026-11-01T07:00:00.000Z"],
    ["Europe/Paris", "2026-03-29", "02:30", "2026-03-29T01:30:00.000Z"],
    ["Europe/Paris", "2026-10-25", "02:30", "2026-10-25T00:30:00.000Z"],
    ["Europe/Paris", "2026-07-14", "12:00", "2026-07-14T10:00:00.000Z"],
    ["Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-03T15:45:00.000Z"],
    ["Asia/Kathmandu", "2026-06-01", "08:00", "2026-06-01T02:15:00.000Z"],
    ["Pacific/Apia", "2011-12-30", "12:00", "2011-12-30T22:00:00.000Z"],
    ["UTC", "2100-12-31", "23:59", "2100-12-31T23:59:00.000Z"],
  ])("%s %s %s → %s", (zone, date, time, iso) => {
    expect(localToUtc(date, time, zone).toISOString()).toBe(iso);
  });

  it.each([
    ["2026-02-29", "08:00", "Africa/Kinshasa"],
    ["2026-13-01", "08:00", "Africa/Kinshasa"],
    ["26-06-01", "08:00", "Africa/Kinshasa"],
    ["2026-06-01", "24:00", "Africa/Kinshasa"],
    ["2026-06-01", "8:00", "Africa/Kinshasa"],
    ["2026-06-01", "08:00", "Africa/Gotham"],
    ["2026-06-01", "08:00", ""],
  ])("rejects %s %s in %j", (date, time, zone) => {
    expect(() => localToUtc(date, time, zone)).toThrow(RangeError);
  });
});

describe("formatLocalIso", () => {
  it.each([
    ["2026-06-01T07:00:00Z", "Africa/Kinshasa", "2026-06-01T08:00:00+01:00"],
    ["2026-01-15T17:30:00Z", "America/New_York", "2026-01-15T12:30:00-05:00"],
    ["2026-11-01T05:30:00Z", "America/New_York", "2026-11-01T01:30:00-04:00"],
    ["2026-11-01T06:30:00Z", "America/New_York", "2026-11-01T01:30:00-05:00"],
    ["2026-06-01T02:15:00Z", "Asia/Kathmandu", "2026-06-01T08:00:00+05:45"],
    ["2026-06-01T07:00:00.250Z", "UTC", "2026-06-01T07:00:00.250+00:00"],
    ["1969-12-31T23:00:00Z", "Africa/Kinshasa", "1970-01-01T00:00:00+01:00"],
  ])("%s in %s → %s", (iso, zone, expected) => {
    expect(formatLocalIso(new Date(iso), zone)).toBe(expected);
  });

  it("writes a historical offset with seconds", () => {
    expect(formatLocalIso(Date.UTC(1970, 0, 1, 12), "Africa/Monrovia")).toBe("1970-01-01T11:15:30-00:44:30");
  });

  it("rejects an unknown zone and an invalid date", () => {
    expect(() => formatLocalIso(new Date(), "Nowhere/Special")).toThrow(/Unknown time zone/);
    expect(() => formatLocalIso(new Date(Number.NaN), "UTC")).toThrow(RangeError);
  });
});

describe("zones", () => {
  it("defaults to Kinshasa, which has no daylight saving time", () => {
    expect(DEFAULT_TIME_ZONE).toBe("Africa/Kinshasa");
    for (let month = 1; month <= 12; month += 1) {
      const date = `2026-${String(month).padStart(2, "0")}-15`;
      expect(formatLocalIso(localToUtc(date, "08:00", DEFAULT_TIME_ZONE), DEFAULT_TIME_ZONE)).toBe(
        `${date}T08:00:00+01:00`,
      );
    }
  });

  it("tells known zones from unknown ones", () => {
    expect(isValidTimeZone("Africa/Lubumbashi")).toBe(true);
    expect(isValidTimeZone("Europe/Atlantis")).toBe(false);
  });
});

const zones = [
  "Africa/Kinshasa",
  "America/New_York",
  "Europe/Paris",
  "Australia/Lord_Howe",
  "America/Santiago",
  "Asia/Tehran",
  "America/St_Johns",
  "Pacific/Apia",
  "Asia/Kathmandu",
] as const;

/** Reads wall clocks through a different format than the code under test. */
const readers = new Map(
  zones.map((z) => [
    z,
    new Intl.DateTimeFormat("sv-SE", {
      timeZone: z,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }),
  ]),
);

const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;

const HOUR = 3_600_000;

function offsetRead(reader: Intl.DateTimeFormat, instant: number): number {
  const [date = "", clock = ""] = reader.format(instant).split(" ");
  return Date.parse(`${date}T${clock}:00Z`) - Math.floor(instant / 60_000) * 60_000;
}

/** Local wall clocks (ms) just before each offset change of each zone, 1970–2100, read independently. */
function transitionWalls(): { zone: (typeof zones)[number]; wall: number }[] {
  const found: { zone: (typeof zones)[number]; wall: number }[] = [];
  for (const zone of zones) {
    const reader = readers.get(zone);
    if (reader === undefined) throw new Error(zone);
    let previous = offsetRead(reader, 0);
    for (let week = 1; week * 7 * DAY <= 4_102_444_800_000; week += 1) {
      const offset = offsetRead(reader, week * 7 * DAY);
      if (offset === previous) continue;
      for (let t = (week - 1) * 7 * DAY; t <= week * 7 * DAY; t += HOUR) {
        const before = offsetRead(reader, t);
        if (before !== previous) {
          found.push({ zone, wall: t - HOUR + previous });
          break;
        }
      }
      previous = offset;
    }
  }
  return found;
}

describe("localToUtc properties", () => {
  const anyTime = fc.record({
    zone: fc.constantFrom(...zones),
    day: fc.integer({ min: 0, max: 47_481 }),
    minutes: fc.integer({ min: 0, max: 1439 }),
  });
  const nearTransition = fc
    .tuple(fc.constantFrom(...transitionWalls()), fc.integer({ min: -180, max: 180 }))
    .map(([{ zone, wall }, shift]) => {
      const minute = Math.floor(wall / 60_000) + shift;
      return { zone, day: Math.floor(minute / 1440), minutes: ((minute % 1440) + 1440) % 1440 };
    });
  const localTime = fc.oneof(anyTime, nearTransition);

  it("reads back as the same wall time, the first one when repeated, later when in a gap", () => {
    const seen = { gaps: 0, plain: 0, repeats: 0 };
    fc.assert(
      fc.property(localTime, ({ zone, day, minutes }) => {
        const wall = day * DAY + minutes * 60_000;
        const [date = "", clock = ""] = new Date(wall).toISOString().slice(0, 16).split("T");
        const reader = readers.get(zone);
        if (reader === undefined) throw new Error(zone);
        const wanted = `${date} ${clock}`;
        const matches: number[] = [];
        for (let offset = -14 * 4; offset <= 14 * 4; offset += 1) {
          const instant = wall - offset * QUARTER_HOUR;
          if (reader.format(instant) === wanted) matches.push(instant);
        }
        const result = localToUtc(date, clock, zone).getTime();
        if (matches.length === 0) seen.gaps += 1;
        else if (matches.length === 1) seen.plain += 1;
        else seen.repeats += 1;
        if (matches.length > 0) {
          expect(result).toBe(Math.min(...matches));
          expect(formatLocalIso(result, zone).slice(0, 16)).toBe(`${date}T${clock}`);
        } else {
          const shown = formatLocalIso(result, zone).slice(0, 16).replace("T", " ");
          expect(shown > wanted).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(seen.gaps).toBeGreaterThan(50);
    expect(seen.repeats).toBeGreaterThan(50);
    expect(seen.plain).toBeGreaterThan(5000);
  });

  it("formats an instant so that parsing it gives the instant back", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 4_102_444_800 }), (zone, seconds) => {
        const iso = formatLocalIso(seconds * 1000, zone);
        expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
        expect(Date.parse(iso)).toBe(seconds * 1000);
      }),
      { numRuns: 10_000 },
    );
  });
});
