import { civilFromDays, daysFromCivil, daysInMonth, isoWeekday } from "./civil.js";
import type { Frequency } from "./types.js";

/** A validated recurrence, in day counts since 1970-01-01. */
export interface Recurrence {
  readonly frequency: Frequency;
  readonly interval: number;
  readonly start: number;
  readonly end: number;
  /** ISO weekdays (1 = Monday), ascending; used by `weekly` only. */
  readonly weekdays: readonly number[];
}

const LAST_YEAR = 9999;

/**
 * The days a recurrence falls on, ascending, from `from` (inclusive) to its end. Days before
 * `from` are jumped over arithmetically, so a schedule that started long ago costs nothing.
 */
export function* recurrenceDays(rule: Recurrence, from: number): Generator<number> {
  const first = Math.max(rule.start, from);
  switch (rule.frequency) {
    case "daily":
      yield* daily(rule, first);
      return;
    case "weekly":
      yield* weekly(rule, first);
      return;
    case "monthly":
      yield* monthly(rule, first, rule.interval);
      return;
    case "yearly":
      yield* monthly(rule, first, rule.interval * 12);
      return;
  }
}

function* daily(rule: Recurrence, first: number): Generator<number> {
  const k = Math.ceil((first - rule.start) / rule.interval);
  for (let day = rule.start + k * rule.interval; day <= rule.end; day += rule.interval) yield day;
}

function* weekly(rule: Recurrence, first: number): Generator<number> {
  const monday = rule.start - (isoWeekday(rule.start) - 1);
  const stride = 7 * rule.interval;
  for (let week = monday + Math.floor((first - monday) / stride) * stride; week <= rule.end; week += stride) {
    for (const weekday of rule.weekdays) {
      const day = week + weekday - 1;
      if (day > rule.end) return;
      if (day >= first) yield day;
    }
  }
}

/**
 * Every `step` months from the start, on the start's day of month clamped to each month's length.
 * Each occurrence is computed from the start, never from the previous one, so Jan 31 → Feb 28 →
 * Mar 31 does not drift to the 28th.
 */
function* monthly(rule: Recurrence, first: number, step: number): Generator<number> {
  const start = civilFromDays(rule.start);
  const from = civilFromDays(first);
  const elapsed = (from.year - start.year) * 12 + (from.month - start.month);
  for (let k = Math.max(0, Math.floor(elapsed / step) - 1); ; k += 1) {
    const months = start.month - 1 + k * step;
    const year = start.year + Math.floor(months / 12);
    if (year > LAST_YEAR) return;
    const month = (months % 12) + 1;
    const day = daysFromCivil(year, month, Math.min(start.day, daysInMonth(year, month)));
    if (day > rule.end) return;
    if (day >= first) yield day;
  }
}
