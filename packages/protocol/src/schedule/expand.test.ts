import { describe, expect, it } from "vitest";
import { expandSchedule } from "./expand.js";
import type { RecurringSchedule, ScheduledDate, ScheduleExpansion } from "./types.js";

const KINSHASA = { timeZone: "Africa/Kinshasa", now: new Date("2026-05-27T10:15:20Z") };

function recurring(schedule: RecurringSchedule, options = KINSHASA) {
  return expandSchedule({ sending_type: "recurring", recurring_schedule: schedule }, options);
}

function scheduled(dates: ScheduledDate[], options = KINSHASA) {
  return expandSchedule({ sending_type: "scheduled", scheduled_dates: dates }, options);
}

function isoList(result: ScheduleExpansion): string[] {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.details)}`);
  return result.instants.map((d) => d.toISOString().slice(0, 16));
}

function fields(result: ScheduleExpansion): string[] {
  if (result.ok) throw new Error("expected a failure");
  return result.details.map((d) => `${d.code} ${d.field}`);
}

/** `YYYY-MM-DD` that many days after a date, through the platform's own calendar. */
function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

describe("expandSchedule: immediate", () => {
  it("dispatches once, now", () => {
    const result = expandSchedule({ sending_type: "immediate" }, KINSHASA);
    expect(result).toEqual({
      ok: true,
      instants: [KINSHASA.now],
      firstLocalIso: "2026-05-27T11:15:20+01:00",
    });
    expect(expandSchedule({}, KINSHASA)).toEqual(result);
  });

  it("uses Africa/Kinshasa and the current time by default", () => {
    const before = Date.now();
    const result = expandSchedule({ sending_type: "immediate" });
    if (!result.ok) throw new Error("expected ok");
    expect(result.instants[0]?.getTime()).toBeGreaterThanOrEqual(before);
    expect(result.firstLocalIso).toMatch(/\+01:00$/);
  });
});

describe("expandSchedule: scheduled_dates", () => {
  it("sorts the dates and gives the first in the merchant's offset", () => {
    const result = scheduled([
      { date: "2026-06-02", time: "09:30" },
      { date: "2026-06-01", time: "08:00" },
    ]);
    expect(isoList(result)).toEqual(["2026-06-01T07:00", "2026-06-02T08:30"]);
    expect(result.ok && result.firstLocalIso).toBe("2026-06-01T08:00:00+01:00");
  });

  it("collapses duplicates", () => {
    const result = scheduled([
      { date: "2026-06-01", time: "08:00" },
      { date: "2026-06-03", time: "08:00" },
      { date: "2026-06-01", time: "08:00" },
    ]);
    expect(isoList(result)).toEqual(["2026-06-01T07:00", "2026-06-03T07:00"]);
  });

  it("collapses two wall times that name the same instant across a DST gap", () => {
    const result = scheduled(
      [
        { date: "2026-03-08", time: "02:30" },
        { date: "2026-03-08", time: "03:30" },
      ],
      { timeZone: "America/New_York", now: new Date("2026-03-01T00:00:00Z") },
    );
    expect(isoList(result)).toEqual(["2026-03-08T07:30"]);
  });

  it.each([
    [20, true],
    [21, false],
  ])("accepts at most 20 entries (%i → %s)", (count, ok) => {
    const dates = Array.from({ length: count }, (_, i) => ({
      date: plusDays("2026-06-01", i),
      time: "08:00",
    }));
    const result = scheduled(dates);
    expect(result.ok).toBe(ok);
    if (result.ok) expect(result.instants).toHaveLength(count);
    else expect(fields(result)).toEqual(["INVALID_SCHEDULE scheduled_dates"]);
  });

  it("refuses an empty list", () => {
    expect(fields(scheduled([]))).toEqual(["INVALID_SCHEDULE scheduled_dates"]);
  });

  it.each([
    ["the current minute", "11:15", false],
    ["the minute before", "11:14", false],
    ["the next minute", "11:16", true],
  ])("compares with now at minute precision: %s", (_name, time, ok) => {
    expect(scheduled([{ date: "2026-05-27", time }]).ok).toBe(ok);
  });

  it("reports every bad entry with its index", () => {
    const result = scheduled([
      { date: "2026-06-01", time: "08:00" },
      { date: "2026-05-01", time: "08:00" },
      { date: "2026-02-30", time: "25:00" },
      { date: "2026-06-01", time: "8h" },
    ]);
    expect(fields(result)).toEqual([
      "INVALID_SCHEDULE scheduled_dates[1]",
      "INVALID_SCHEDULE scheduled_dates[2].date",
      "INVALID_SCHEDULE scheduled_dates[2].time",
      "INVALID_SCHEDULE scheduled_dates[3].time",
    ]);
  });
});

describe("expandSchedule: recurring", () => {
  it("expands 3 times a day from June 1 to July 1 inclusive into 93 dispatches", () => {
    const result = recurring({
      start_date: "2026-06-01",
      end_date: "2026-07-01",
      frequency: "daily",
      times: ["18:00", "08:00", "12:30"],
    });
    const list = isoList(result);
    expect(list).toHaveLength(93);
    expect(list.slice(0, 4)).toEqual([
      "2026-06-01T07:00",
      "2026-06-01T11:30",
      "2026-06-01T17:00",
      "2026-06-02T07:00",
    ]);
    expect(list.at(-1)).toBe("2026-07-01T17:00");
    expect(result.ok && result.firstLocalIso).toBe("2026-06-01T08:00:00+01:00");
  });

  it("repeats monthly on the start's day, clamped per month without drifting", () => {
    const result = recurring(
      { start_date: "2026-01-31", end_date: "2026-12-31", frequency: "monthly", times: ["10:00"] },
      { timeZone: "Africa/Kinshasa", now: new Date("2026-01-01T00:00:00Z") },
    );
    expect(isoList(result).map((s) => s.slice(0, 10))).toEqual([
      "2026-01-31",
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2026-05-31",
      "2026-06-30",
      "2026-07-31",
      "2026-08-31",
      "2026-09-30",
      "2026-10-31",
      "2026-11-30",
      "2026-12-31",
    ]);
  });

  it("repeats yearly from Feb 29 on Feb 28 in common years", () => {
    const result = recurring({
      start_date: "2028-02-29",
      end_date: "2032-12-31",
      frequency: "yearly",
      times: ["10:00"],
    });
    expect(isoList(result).map((s) => s.slice(0, 10))).toEqual([
      "2028-02-29",
      "2029-02-28",
      "2030-02-28",
      "2031-02-28",
      "2032-02-29",
    ]);
  });

  it.each<[string, Partial<RecurringSchedule>, string[]]>([
    [
      "weekly on Monday and Thursday",
      { frequency: "weekly", days_of_week: ["thu", "mon", "mon"] },
      ["06-04", "06-08", "06-11", "06-15", "06-18", "06-22", "06-25", "06-29"],
    ],
    [
      "weekly on the start's weekday by default",
      { frequency: "weekly" },
      ["06-03", "06-10", "06-17", "06-24"],
    ],
    [
      "every other week, weeks starting Monday",
      { frequency: "weekly", interval: 2, days_of_week: ["mon", "thu"] },
      ["06-04", "06-15", "06-18", "06-29"],
    ],
    [
      "every third day",
      { frequency: "daily", interval: 3 },
      ["06-03", "06-06", "06-09", "06-12", "06-15", "06-18", "06-21", "06-24", "06-27", "06-30"],
    ],
    [
      "daily with an interval of 1 spelt out",
      { frequency: "daily", interval: 1, end_date: "2026-06-05" },
      ["06-03", "06-04", "06-05"],
    ],
    [
      "every second month",
      { frequency: "monthly", interval: 2, end_date: "2026-12-31" },
      ["06-03", "08-03", "10-03", "12-03"],
    ],
  ])("%s", (_name, overrides, expected) => {
    const base: RecurringSchedule = {
      start_date: "2026-06-03",
      end_date: "2026-06-30",
      frequency: "daily",
      times: ["09:00"],
    };
    const result = recurring({ ...base, ...overrides });
    expect(isoList(result).map((s) => s.slice(5, 10))).toEqual(expected);
  });

  it("repeats every other year", () => {
    const result = recurring({
      start_date: "2027-03-01",
      end_date: "2033-03-01",
      frequency: "yearly",
      interval: 2,
      times: ["09:00"],
    });
    expect(isoList(result).map((s) => s.slice(0, 10))).toEqual([
      "2027-03-01",
      "2029-03-01",
      "2031-03-01",
      "2033-03-01",
    ]);
  });

  it("skips occurrences already past, the current minute included", () => {
    const result = recurring(
      {
        start_date: "2026-06-01",
        end_date: "2026-06-12",
        frequency: "daily",
        times: ["09:00", "13:00", "14:00"],
      },
      { timeZone: "Africa/Kinshasa", now: new Date("2026-06-10T12:00:40Z") },
    );
    const list = isoList(result);
    expect(list).toHaveLength(7);
    expect(list[0]).toBe("2026-06-10T13:00");
    expect(result.ok && result.firstLocalIso).toBe("2026-06-10T14:00:00+01:00");
  });

  it("starts today in the merchant's zone when start_date is absent", () => {
    const lateUtc = { timeZone: "Africa/Kinshasa", now: new Date("2026-06-01T23:30:00Z") };
    const result = recurring({ end_date: "2026-06-04", frequency: "daily", times: ["08:00"] }, lateUtc);
    expect(isoList(result)).toEqual(["2026-06-02T07:00", "2026-06-03T07:00", "2026-06-04T07:00"]);
    const weekly = recurring({ end_date: "2026-06-30", frequency: "weekly", times: ["08:00"] }, lateUtc);
    expect(isoList(weekly).map((s) => s.slice(5, 10))).toEqual(["06-02", "06-09", "06-16", "06-23", "06-30"]);
  });

  it("keeps a long-running schedule that started years ago cheap and correct", () => {
    const result = recurring(
      { start_date: "1900-01-01", end_date: "2026-06-03", frequency: "daily", times: ["08:00"] },
      { timeZone: "Africa/Kinshasa", now: new Date("2026-06-01T00:00:00Z") },
    );
    expect(isoList(result)).toEqual(["2026-06-01T07:00", "2026-06-02T07:00", "2026-06-03T07:00"]);
  });

  it("follows the zone's DST: a gap moves forward, a repeated hour means the first", () => {
    const result = recurring(
      { start_date: "2026-03-07", end_date: "2026-03-09", frequency: "daily", times: ["02:30"] },
      { timeZone: "America/New_York", now: new Date("2026-03-01T00:00:00Z") },
    );
    expect(isoList(result)).toEqual(["2026-03-07T07:30", "2026-03-08T07:30", "2026-03-09T06:30"]);
    const fall = recurring(
      { start_date: "2026-10-25", end_date: "2026-10-25", frequency: "daily", times: ["02:30"] },
      { timeZone: "Europe/Paris", now: new Date("2026-10-01T00:00:00Z") },
    );
    expect(isoList(fall)).toEqual(["2026-10-25T00:30"]);
  });

  it("accepts 1000 dispatches and refuses 1001", () => {
    const base = { start_date: "2026-06-01", frequency: "daily", times: ["08:00"] } as const;
    expect(isoList(recurring({ ...base, end_date: plusDays("2026-06-01", 999) }))).toHaveLength(1000);
    expect(fields(recurring({ ...base, end_date: plusDays("2026-06-01", 1000) }))).toEqual([
      "INVALID_SCHEDULE recurring_schedule",
    ]);
  });

  it("refuses a century of dispatches without expanding it", () => {
    const started = performance.now();
    const result = recurring({
      start_date: "2026-06-01",
      end_date: "2126-06-01",
      frequency: "daily",
      times: Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`),
    });
    expect(result.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each<[string, RecurringSchedule, string[]]>([
    [
      "an end before the start",
      { start_date: "2026-06-10", end_date: "2026-06-09", frequency: "daily", times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.end_date"],
    ],
    [
      "nothing left after now",
      { start_date: "2026-01-01", end_date: "2026-05-26", frequency: "daily", times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule"],
    ],
    [
      "an unknown frequency",
      { end_date: "2026-06-09", frequency: "hourly" as "daily", times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.frequency"],
    ],
    [
      "interval 0",
      { end_date: "2026-06-09", frequency: "daily", interval: 0, times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.interval"],
    ],
    [
      "a fractional interval",
      { end_date: "2026-06-09", frequency: "daily", interval: 1.5, times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.interval"],
    ],
    [
      "days_of_week on a monthly schedule",
      { end_date: "2026-09-09", frequency: "monthly", days_of_week: ["mon"], times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.days_of_week"],
    ],
    [
      "an empty days_of_week",
      { end_date: "2026-09-09", frequency: "weekly", days_of_week: [], times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.days_of_week"],
    ],
    [
      "an unknown weekday",
      {
        end_date: "2026-09-09",
        frequency: "weekly",
        days_of_week: ["mon", "lun" as "mon"],
        times: ["08:00"],
      },
      ["INVALID_SCHEDULE recurring_schedule.days_of_week[1]"],
    ],
    [
      "no times",
      { end_date: "2026-06-09", frequency: "daily", times: [] },
      ["INVALID_SCHEDULE recurring_schedule.times"],
    ],
    [
      "25 times",
      {
        end_date: "2026-06-09",
        frequency: "daily",
        times: Array.from({ length: 25 }, (_, i) => `00:${String(i).padStart(2, "0")}`),
      },
      ["INVALID_SCHEDULE recurring_schedule.times"],
    ],
    [
      "a repeated time and a bad one",
      { end_date: "2026-06-09", frequency: "daily", times: ["08:00", "8:00", "08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.times[1]", "INVALID_SCHEDULE recurring_schedule.times[2]"],
    ],
    [
      "bad dates",
      { start_date: "2026-06-31", end_date: "tomorrow", frequency: "daily", times: ["08:00"] },
      ["INVALID_SCHEDULE recurring_schedule.start_date", "INVALID_SCHEDULE recurring_schedule.end_date"],
    ],
  ])("refuses %s", (_name, schedule, expected) => {
    expect(fields(recurring(schedule))).toEqual(expected);
  });
});

describe("expandSchedule: shape and zone", () => {
  it.each<[string, Parameters<typeof expandSchedule>[0], string[]]>([
    [
      "dates on an immediate send",
      { sending_type: "immediate", scheduled_dates: [{ date: "2026-06-01", time: "08:00" }] },
      ["INVALID_FIELD_FORMAT scheduled_dates"],
    ],
    [
      "a scheduled send without dates",
      { sending_type: "scheduled" },
      ["MISSING_REQUIRED_FIELD scheduled_dates"],
    ],
    [
      "a recurring send without its schedule",
      { sending_type: "recurring", scheduled_dates: [] },
      ["INVALID_FIELD_FORMAT scheduled_dates", "MISSING_REQUIRED_FIELD recurring_schedule"],
    ],
    [
      "an unknown sending type",
      { sending_type: "later" as "immediate" },
      ["INVALID_FIELD_FORMAT sending_type"],
    ],
  ])("refuses %s", (_name, request, expected) => {
    expect(fields(expandSchedule(request, KINSHASA))).toEqual(expected);
  });

  it("throws a RangeError for an unknown zone or an invalid now, which are server errors", () => {
    expect(() => expandSchedule({}, { timeZone: "Africa/Wakanda" })).toThrow(
      /Unknown time zone: Africa\/Wakanda/,
    );
    expect(() => expandSchedule({}, { now: new Date("not a date") })).toThrow(RangeError);
  });

  it("has no DST in the default zone: 08:00 is 07:00Z all year", () => {
    const result = recurring(
      { start_date: "2026-01-01", end_date: "2026-12-31", frequency: "daily", times: ["08:00"] },
      { timeZone: "Africa/Kinshasa", now: new Date("2025-12-31T00:00:00Z") },
    );
    const list = isoList(result);
    expect(list).toHaveLength(365);
    expect(list.every((s) => s.endsWith("T07:00"))).toBe(true);
  });
});
