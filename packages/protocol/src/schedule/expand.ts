import { assertNever } from "../lifecycle/assert-never.js";
import { DAY_MS, isoWeekday, MINUTE_MS, parseDate, parseTime } from "./civil.js";
import { DEFAULT_TIME_ZONE, formatLocalIso, wallToInstant } from "./local-time.js";
import { type Recurrence, recurrenceDays } from "./recurrence.js";
import {
  type ExpandOptions,
  frequencies,
  MAX_DISPATCHES,
  MAX_SCHEDULED_DATES,
  MAX_TIMES_PER_DAY,
  type RecurringSchedule,
  type ScheduledDate,
  type ScheduleExpansion,
  type ScheduleIssue,
  type ScheduleRequest,
  weekdays,
} from "./types.js";
import { assertTimeZone, wallClockAt } from "./zone.js";

interface Context {
  readonly timeZone: string;
  /** Dispatches must be at or after this instant: the minute after the current one. */
  readonly earliest: number;
  /** Today's local date in the zone, as days since 1970-01-01. */
  readonly today: number;
}

type Issues = ScheduleIssue[];

const invalid = (field: string, message: string): ScheduleIssue => ({
  field,
  message,
  code: "INVALID_SCHEDULE",
});

/**
 * Expands the schedule of a send into its dispatch instants (CONTRACT §6).
 *
 * - `immediate`: one instant, `now`.
 * - `scheduled`: each of the 1–20 `scheduled_dates`, which must all be later than the current
 *   minute (a date in the current minute is already past); entries naming the same instant collapse.
 * - `recurring`: every occurrence from `start_date` (default today in the zone) to `end_date`
 *   inclusive, `interval` days/weeks/months/years apart, at each of `times`; weekly on
 *   `days_of_week` (default the start's weekday; weeks start on Monday); monthly and yearly on the
 *   start's day, clamped to each month's length. Occurrences not later than the current minute are
 *   skipped, at least one must remain, and more than 1000 is refused without expanding further.
 *
 * Local times skipped by a DST gap move forward by the gap; repeated ones mean the first. Every
 * finding is reported, each with the field it is about.
 *
 * @throws {RangeError} when `timeZone` is unknown or `now` is an invalid date (server-side errors,
 *   not the client's).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { expandSchedule } from "@lisoloo/protocol/schedule";
 *
 * const result = expandSchedule(
 *   {
 *     sending_type: "recurring",
 *     recurring_schedule: {
 *       start_date: "2026-06-01",
 *       end_date: "2026-07-01",
 *       frequency: "daily",
 *       times: ["08:00", "12:30", "18:00"],
 *     },
 *   },
 *   { timeZone: "Africa/Kinshasa", now: new Date("2026-05-27T10:00:00Z") },
 * );
 * assert.ok(result.ok);
 * assert.equal(result.instants.length, 93); // 31 days × 3 times
 * assert.equal(result.instants[0]?.toISOString(), "2026-06-01T07:00:00.000Z");
 * assert.equal(result.firstLocalIso, "2026-06-01T08:00:00+01:00"); // the response's scheduled_at
 */
export function expandSchedule(request: ScheduleRequest, options: ExpandOptions = {}): ScheduleExpansion {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const now = (options.now ?? new Date()).getTime();
  if (!Number.isFinite(now)) throw new RangeError("now is an invalid date");
  const context: Context = {
    timeZone,
    earliest: Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS,
    today: Math.floor(wallClockAt(timeZone, now) / DAY_MS),
  };
  const issues = shapeIssues(request);
  const { scheduled_dates: dates, recurring_schedule: schedule } = request;
  const type = request.sending_type ?? "immediate";
  if (issues.length > 0) return { ok: false, details: issues };
  switch (type) {
    case "immediate":
      return done([now], timeZone);
    case "scheduled":
      return expandDates(dates ?? [], context);
    case "recurring":
      return schedule == null ? { ok: false, details: issues } : expandRecurring(schedule, context);
    default:
      return assertNever(type);
  }
}

/** The field each sending type needs, and forbids in the others (the send schema checks it first). */
function shapeIssues(request: ScheduleRequest): Issues {
  const type = request.sending_type ?? "immediate";
  const issues: Issues = [];
  const fields = [
    ["scheduled_dates", request.scheduled_dates, "scheduled"],
    ["recurring_schedule", request.recurring_schedule, "recurring"],
  ] as const;
  if (type !== "immediate" && type !== "scheduled" && type !== "recurring") {
    return [
      {
        field: "sending_type",
        message: "Must be immediate, scheduled or recurring",
        code: "INVALID_FIELD_FORMAT",
      },
    ];
  }
  for (const [field, value, owner] of fields) {
    if (value != null && type !== owner) {
      issues.push({
        field,
        message: `Not allowed when sending_type is ${type}`,
        code: "INVALID_FIELD_FORMAT",
      });
    } else if (value == null && type === owner) {
      issues.push({
        field,
        message: `Required when sending_type is ${type}`,
        code: "MISSING_REQUIRED_FIELD",
      });
    }
  }
  return issues;
}

function expandDates(dates: readonly ScheduledDate[], context: Context): ScheduleExpansion {
  if (dates.length === 0)
    return { ok: false, details: [invalid("scheduled_dates", "At least 1 date is required")] };
  if (dates.length > MAX_SCHEDULED_DATES) {
    return {
      ok: false,
      details: [invalid("scheduled_dates", `At most ${MAX_SCHEDULED_DATES} dates are allowed`)],
    };
  }
  const issues: Issues = [];
  const instants = new Set<number>();
  dates.forEach((entry, i) => {
    const field = `scheduled_dates[${i}]`;
    const day = parseDate(entry.date);
    const minutes = parseTime(entry.time);
    if (day === null) issues.push(invalid(`${field}.date`, "Must be a real date YYYY-MM-DD"));
    if (minutes === null) issues.push(invalid(`${field}.time`, "Must be a time HH:mm"));
    if (day === null || minutes === null) return;
    const instant = wallToInstant(day * DAY_MS + minutes * MINUTE_MS, context.timeZone);
    if (instant < context.earliest)
      issues.push(invalid(field, `Must be later than now in ${context.timeZone}`));
    else instants.add(instant);
  });
  return issues.length > 0 ? { ok: false, details: issues } : done([...instants], context.timeZone);
}

function expandRecurring(schedule: RecurringSchedule, context: Context): ScheduleExpansion {
  const issues: Issues = [];
  const rule = recurrence(schedule, context, issues);
  const times = timesOfDay(schedule.times, issues);
  if (rule === null || times === null || issues.length > 0) return { ok: false, details: issues };
  const instants = new Set<number>();
  const offsets = new Map<number, number>();
  // The day before today may still hold a future instant when a gap pushes a late time past midnight.
  for (const day of recurrenceDays(rule, context.today - 1)) {
    for (const minutes of times) {
      const instant = wallToInstant(day * DAY_MS + minutes * MINUTE_MS, context.timeZone, offsets);
      if (instant < context.earliest) continue;
      instants.add(instant);
      if (instants.size > MAX_DISPATCHES) {
        const message = `More than ${MAX_DISPATCHES} dispatches; shorten the period or raise the interval`;
        return { ok: false, details: [invalid("recurring_schedule", message)] };
      }
    }
  }
  if (instants.size === 0) {
    return { ok: false, details: [invalid("recurring_schedule", "No occurrence is left after now")] };
  }
  return done([...instants], context.timeZone);
}

function recurrence(schedule: RecurringSchedule, context: Context, issues: Issues): Recurrence | null {
  const field = "recurring_schedule";
  const { frequency } = schedule;
  if (!(frequencies as readonly string[]).includes(frequency)) {
    issues.push(invalid(`${field}.frequency`, "Must be daily, weekly, monthly or yearly"));
  }
  const interval = schedule.interval ?? 1;
  if (!Number.isSafeInteger(interval) || interval < 1) {
    issues.push(invalid(`${field}.interval`, "Must be an integer of at least 1"));
  }
  const start = schedule.start_date == null ? context.today : parseDate(schedule.start_date);
  if (start === null) issues.push(invalid(`${field}.start_date`, "Must be a real date YYYY-MM-DD"));
  const end = typeof schedule.end_date === "string" ? parseDate(schedule.end_date) : null;
  if (schedule.end_date == null) {
    issues.push({ field: `${field}.end_date`, message: "Required", code: "MISSING_REQUIRED_FIELD" });
  } else if (end === null) {
    issues.push(invalid(`${field}.end_date`, "Must be a real date YYYY-MM-DD"));
  } else if (start !== null && end < start) {
    issues.push(invalid(`${field}.end_date`, "Must not be before start_date"));
  }
  const days = weekdaysOf(schedule, start, issues);
  if (start === null || end === null || days === null || issues.length > 0) return null;
  return { frequency, interval, start, end, weekdays: days };
}

function weekdaysOf(schedule: RecurringSchedule, start: number | null, issues: Issues): number[] | null {
  const field = "recurring_schedule.days_of_week";
  const given = schedule.days_of_week;
  if (given == null) return start === null ? null : [isoWeekday(start)];
  if (schedule.frequency !== "weekly") {
    issues.push(invalid(field, "Only allowed when frequency is weekly"));
    return null;
  }
  if (given.length === 0) {
    issues.push(invalid(field, "At least 1 day is required"));
    return null;
  }
  const days = new Set<number>();
  given.forEach((name, i) => {
    const index = weekdays.indexOf(name);
    if (index < 0) issues.push(invalid(`${field}[${i}]`, "Must be one of mon, tue, wed, thu, fri, sat, sun"));
    else days.add(index + 1);
  });
  return [...days].sort((a, b) => a - b);
}

function timesOfDay(times: readonly string[], issues: Issues): number[] | null {
  const field = "recurring_schedule.times";
  if (!Array.isArray(times) || times.length === 0 || times.length > MAX_TIMES_PER_DAY) {
    issues.push(invalid(field, `Must list 1 to ${MAX_TIMES_PER_DAY} times`));
    return null;
  }
  const seen = new Set<number>();
  times.forEach((time, i) => {
    const minutes = parseTime(time);
    if (minutes === null) issues.push(invalid(`${field}[${i}]`, "Must be a time HH:mm"));
    else if (seen.has(minutes)) issues.push(invalid(`${field}[${i}]`, "Times must be distinct"));
    else seen.add(minutes);
  });
  return [...seen].sort((a, b) => a - b);
}

function done(instants: number[], timeZone: string): ScheduleExpansion {
  instants.sort((a, b) => a - b);
  const first = instants[0] ?? 0;
  return {
    ok: true,
    instants: instants.map((t) => new Date(t)),
    firstLocalIso: formatLocalIso(first, timeZone),
  };
}
