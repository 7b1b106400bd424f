import { civilFromDays, DAY_MS, MINUTE_MS, pad, parseDate, parseTime } from "./civil.js";
import { assertTimeZone, offsetAt, wallClockAt } from "./zone.js";

/**
 * The zone a merchant's dates and times are in when it has not chosen one (CONTRACT §6).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { DEFAULT_TIME_ZONE, isValidTimeZone } from "@lisoloo/protocol/schedule";
 *
 * assert.equal(DEFAULT_TIME_ZONE, "Africa/Kinshasa"); // when the merchant has not chosen one
 * assert.equal(isValidTimeZone("Europe/Paris"), true);
 * assert.equal(isValidTimeZone("Mars/Olympus_Mons"), false);
 */
export const DEFAULT_TIME_ZONE = "Africa/Kinshasa";

/**
 * The instant a wall-clock time (milliseconds since 1970-01-01T00:00 local) names in a zone.
 * The offsets a day before and a day after bracket any transition; each is tried, and the earliest
 * one that reads back as the same wall time wins (the first of a repeated hour). When none does,
 * the time fell in a gap, and taking the offset from before the gap moves it forward by the gap.
 *
 * `offsets` memoizes readings across calls: in a daily series one day's "day after" probe is the
 * next-but-one day's "day before" probe.
 */
export function wallToInstant(wall: number, timeZone: string, offsets?: Map<number, number>): number {
  const read = (instant: number): number => {
    let offset = offsets?.get(instant);
    if (offset === undefined) {
      offset = offsetAt(timeZone, instant);
      offsets?.set(instant, offset);
    }
    return offset;
  };
  const before = read(wall - DAY_MS);
  const after = read(wall + DAY_MS);
  let earliest: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (read(instant) === offset && (earliest === null || instant < earliest)) earliest = instant;
  }
  return earliest ?? wall - before;
}

/**
 * The UTC instant of a local date and time in an IANA zone. A time skipped by a spring-forward
 * transition moves forward by the gap; a time repeated by a fall-back transition means the first
 * of the two.
 *
 * @throws {RangeError} when the date, the time or the zone is not valid.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { localToUtc } from "@lisoloo/protocol/schedule";
 *
 * assert.equal(localToUtc("2026-06-01", "08:00", "Africa/Kinshasa").toISOString(), "2026-06-01T07:00:00.000Z");
 * // 02:30 does not exist that night: it moves forward by the gap, to 03:30 EDT
 * assert.equal(localToUtc("2026-03-08", "02:30", "America/New_York").toISOString(), "2026-03-08T07:30:00.000Z");
 * // 01:30 happens twice that night: the first one (EDT)
 * assert.equal(localToUtc("2026-11-01", "01:30", "America/New_York").toISOString(), "2026-11-01T05:30:00.000Z");
 * assert.equal(localToUtc("2026-03-29", "02:30", "Europe/Paris").toISOString(), "2026-03-29T01:30:00.000Z");
 * assert.throws(() => localToUtc("2026-02-30", "08:00", "Africa/Kinshasa"), RangeError);
 */
export function localToUtc(date: string, time: string, timeZone: string): Date {
  const day = parseDate(date);
  if (day === null) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  const minutes = parseTime(time);
  if (minutes === null) throw new RangeError(`Not a time (HH:mm): ${time}`);
  assertTimeZone(timeZone);
  return new Date(wallToInstant(day * DAY_MS + minutes * MINUTE_MS, timeZone));
}

/**
 * An instant as ISO 8601 local time with the zone's offset at that instant, as `scheduled_at`
 * shows it. Milliseconds appear only when not zero; a historical offset with seconds is written
 * `±HH:MM:SS`.
 *
 * @throws {RangeError} when the zone is unknown or the date is invalid.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { formatLocalIso } from "@lisoloo/protocol/schedule";
 *
 * // ISO 8601 with the zone's offset at that instant, as scheduled_at shows it
 * assert.equal(
 *   formatLocalIso(new Date("2026-06-01T07:00:00Z"), "Africa/Kinshasa"),
 *   "2026-06-01T08:00:00+01:00",
 * );
 * assert.equal(
 *   formatLocalIso(new Date("2026-01-15T17:30:00Z"), "America/New_York"),
 *   "2026-01-15T12:30:00-05:00",
 * );
 * // A number of milliseconds works too; the offset is the one in force then (EDT)
 * assert.equal(formatLocalIso(Date.UTC(2026, 6, 15, 17, 30), "America/New_York"), "2026-07-15T13:30:00-04:00");
 */
export function formatLocalIso(instant: Date | number, timeZone: string): string {
  const t = typeof instant === "number" ? instant : instant.getTime();
  if (!Number.isFinite(t)) throw new RangeError("Invalid date");
  const wall = wallClockAt(timeZone, t);
  const days = Math.floor(wall / DAY_MS);
  const { year, month, day } = civilFromDays(days);
  const ms = wall - days * DAY_MS;
  const clock = `${pad(Math.floor(ms / 3_600_000), 2)}:${pad(Math.floor(ms / MINUTE_MS) % 60, 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}`;
  const fraction = ms % 1000 === 0 ? "" : `.${pad(ms % 1000, 3)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${clock}${fraction}${formatOffset(wall - t)}`;
}

function formatOffset(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const seconds = Math.abs(offset) / 1000;
  const hh = pad(Math.floor(seconds / 3600), 2);
  const mm = pad(Math.floor(seconds / 60) % 60, 2);
  const ss = seconds % 60;
  return `${sign}${hh}:${mm}${ss === 0 ? "" : `:${pad(ss, 2)}`}`;
}
