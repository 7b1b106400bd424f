/**
 * How a send is dispatched (CONTRACT §4).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type Frequency, frequencies, type SendingType, sendingTypes } from "@lisoloo/protocol/schedule";
 *
 * const sendingType: SendingType = "recurring";
 * const frequency: Frequency = "monthly";
 * assert.ok(sendingTypes.includes(sendingType));
 * assert.ok(frequencies.includes(frequency));
 * assert.deepEqual(sendingTypes, ["immediate", "scheduled", "recurring"]);
 * assert.deepEqual(frequencies, ["daily", "weekly", "monthly", "yearly"]);
 */
export const sendingTypes = ["immediate", "scheduled", "recurring"] as const;
export type SendingType = (typeof sendingTypes)[number];

/**
 * How often a recurring schedule repeats.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type Frequency, frequencies, type SendingType, sendingTypes } from "@lisoloo/protocol/schedule";
 *
 * const sendingType: SendingType = "recurring";
 * const frequency: Frequency = "monthly";
 * assert.ok(sendingTypes.includes(sendingType));
 * assert.ok(frequencies.includes(frequency));
 * assert.deepEqual(sendingTypes, ["immediate", "scheduled", "recurring"]);
 * assert.deepEqual(frequencies, ["daily", "weekly", "monthly", "yearly"]);
 */
export const frequencies = ["daily", "weekly", "monthly", "yearly"] as const;
export type Frequency = (typeof frequencies)[number];

/**
 * Days of the week, Monday first (ISO 8601): the values of `recurring_schedule.days_of_week`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { expandSchedule, type Weekday, weekdays } from "@lisoloo/protocol/schedule";
 *
 * assert.deepEqual(weekdays, ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]); // the days_of_week values
 * const days: Weekday[] = ["mon", "thu"];
 * const result = expandSchedule(
 *   {
 *     sending_type: "recurring",
 *     recurring_schedule: {
 *       start_date: "2030-06-03",
 *       end_date: "2030-06-16",
 *       frequency: "weekly",
 *       times: ["09:00"],
 *       days_of_week: days,
 *     },
 *   },
 *   { timeZone: "Africa/Kinshasa", now: new Date("2030-06-01T00:00:00Z") },
 * );
 * assert.ok(result.ok);
 * // Mondays and Thursdays of two weeks, 09:00 in Kinshasa (UTC+01:00)
 * assert.deepEqual(
 *   result.instants.map((d) => d.toISOString().slice(0, 16)),
 *   ["2030-06-03T08:00", "2030-06-06T08:00", "2030-06-10T08:00", "2030-06-13T08:00"],
 * );
 */
export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];

/** One entry of `scheduled_dates`: a local date and time in the merchant's zone. */
export interface ScheduledDate {
  readonly date: string;
  readonly time: string;
}

/** `recurring_schedule` (CONTRACT §6). */
export interface RecurringSchedule {
  /** `YYYY-MM-DD`; default today in the merchant's zone. */
  readonly start_date?: string | null | undefined;
  /** `YYYY-MM-DD`, inclusive. */
  readonly end_date: string;
  readonly frequency: Frequency;
  /** Repeat every `interval` days/weeks/months/years; default 1. */
  readonly interval?: number | null | undefined;
  /** 1–24 distinct `HH:mm`. */
  readonly times: readonly string[];
  /** Weekly only; default the weekday of `start_date`. */
  readonly days_of_week?: readonly Weekday[] | null | undefined;
}

/** The part of a `POST /send` body that decides when it is dispatched. */
export interface ScheduleRequest {
  readonly sending_type?: SendingType | null | undefined;
  readonly scheduled_dates?: readonly ScheduledDate[] | null | undefined;
  readonly recurring_schedule?: RecurringSchedule | null | undefined;
}

/** A field-level finding, shaped like an entry of the error envelope's `details`. */
export interface ScheduleIssue {
  readonly field: string;
  readonly message: string;
  readonly code: "INVALID_SCHEDULE" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_FORMAT";
}

/** The dispatch instants of a send, or why there are none. */
export type ScheduleExpansion =
  | {
      readonly ok: true;
      /** Distinct UTC instants, ascending. */
      readonly instants: Date[];
      /** The first instant in the merchant's zone, e.g. `2026-06-01T08:00:00+01:00`. */
      readonly firstLocalIso: string;
    }
  | { readonly ok: false; readonly details: ScheduleIssue[] };

/** Where and when the schedule is expanded. */
export interface ExpandOptions {
  /** The merchant's IANA zone; default `DEFAULT_TIME_ZONE`. */
  readonly timeZone?: string | undefined;
  /** The moment of submission; default the current time. */
  readonly now?: Date | undefined;
}

/**
 * At most this many `scheduled_dates` entries.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   expandSchedule,
 *   MAX_DISPATCHES,
 *   MAX_SCHEDULED_DATES,
 *   MAX_TIMES_PER_DAY,
 * } from "@lisoloo/protocol/schedule";
 *
 * assert.equal(MAX_SCHEDULED_DATES, 20);
 * assert.equal(MAX_TIMES_PER_DAY, 24);
 * assert.equal(MAX_DISPATCHES, 1000);
 * // Three times a day for a year is more than 1000 dispatches
 * const result = expandSchedule(
 *   {
 *     sending_type: "recurring",
 *     recurring_schedule: {
 *       start_date: "2030-01-01",
 *       end_date: "2030-12-31",
 *       frequency: "daily",
 *       times: ["08:00", "12:00", "18:00"],
 *     },
 *   },
 *   { now: new Date("2029-12-01T00:00:00Z") },
 * );
 * assert.deepEqual(result, {
 *   ok: false,
 *   details: [
 *     {
 *       field: "recurring_schedule",
 *       message: "More than 1000 dispatches; shorten the period or raise the interval",
 *       code: "INVALID_SCHEDULE",
 *     },
 *   ],
 * });
 */
export const MAX_SCHEDULED_DATES = 20;
/**
 * At most this many dispatches per send.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   expandSchedule,
 *   MAX_DISPATCHES,
 *   MAX_SCHEDULED_DATES,
 *   MAX_TIMES_PER_DAY,
 * } from "@lisoloo/protocol/schedule";
 *
 * assert.equal(MAX_SCHEDULED_DATES, 20);
 * assert.equal(MAX_TIMES_PER_DAY, 24);
 * assert.equal(MAX_DISPATCHES, 1000);
 * // Three times a day for a year is more than 1000 dispatches
 * const result = expandSchedule(
 *   {
 *     sending_type: "recurring",
 *     recurring_schedule: {
 *       start_date: "2030-01-01",
 *       end_date: "2030-12-31",
 *       frequency: "daily",
 *       times: ["08:00", "12:00", "18:00"],
 *     },
 *   },
 *   { now: new Date("2029-12-01T00:00:00Z") },
 * );
 * assert.deepEqual(result, {
 *   ok: false,
 *   details: [
 *     {
 *       field: "recurring_schedule",
 *       message: "More than 1000 dispatches; shorten the period or raise the interval",
 *       code: "INVALID_SCHEDULE",
 *     },
 *   ],
 * });
 */
export const MAX_DISPATCHES = 1000;
/**
 * At most this many `times` a day in a recurring schedule.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   expandSchedule,
 *   MAX_DISPATCHES,
 *   MAX_SCHEDULED_DATES,
 *   MAX_TIMES_PER_DAY,
 * } from "@lisoloo/protocol/schedule";
 *
 * assert.equal(MAX_SCHEDULED_DATES, 20);
 * assert.equal(MAX_TIMES_PER_DAY, 24);
 * assert.equal(MAX_DISPATCHES, 1000);
 * // Three times a day for a year is more than 1000 dispatches
 * const result = expandSchedule(
 *   {
 *     sending_type: "recurring",
 *     recurring_schedule: {
 *       start_date: "2030-01-01",
 *       end_date: "2030-12-31",
 *       frequency: "daily",
 *       times: ["08:00", "12:00", "18:00"],
 *     },
 *   },
 *   { now: new Date("2029-12-01T00:00:00Z") },
 * );
 * assert.deepEqual(result, {
 *   ok: false,
 *   details: [
 *     {
 *       field: "recurring_schedule",
 *       message: "More than 1000 dispatches; shorten the period or raise the interval",
 *       code: "INVALID_SCHEDULE",
 *     },
 *   ],
 * });
 */
export const MAX_TIMES_PER_DAY = 24;
