import * as z from "zod";
import { frequencies, MAX_SCHEDULED_DATES, MAX_TIMES_PER_DAY, weekdays } from "../schedule/types.js";

/**
 * A calendar date in the merchant's time zone, `YYYY-MM-DD`; it must exist (`2026-02-30` does not).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { calendarDateSchema, localTimeSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(calendarDateSchema.safeParse("2028-02-29").success, true);
 * assert.equal(calendarDateSchema.safeParse("2027-02-29").success, false); // not a leap year
 * assert.equal(localTimeSchema.safeParse("23:59").success, true);
 * assert.equal(localTimeSchema.safeParse("24:00").success, false); // 00:00 to 23:59
 */
export const calendarDateSchema = z.iso
  .date({ error: "Must be a real calendar date, YYYY-MM-DD" })
  .meta({ description: "Calendar date in the merchant's time zone", examples: ["2026-06-01"] });

/**
 * A wall-clock time in the merchant's time zone, `HH:mm`, 00:00–23:59.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { calendarDateSchema, localTimeSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(calendarDateSchema.safeParse("2028-02-29").success, true);
 * assert.equal(calendarDateSchema.safeParse("2027-02-29").success, false); // not a leap year
 * assert.equal(localTimeSchema.safeParse("23:59").success, true);
 * assert.equal(localTimeSchema.safeParse("24:00").success, false); // 00:00 to 23:59
 */
export const localTimeSchema = z
  .string({ error: "Must be a string HH:mm" })
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, { error: "Must be a time HH:mm between 00:00 and 23:59" })
  .meta({ description: "Local time in the merchant's time zone, 24-hour HH:mm", examples: ["08:00"] });

/**
 * One entry of `scheduled_dates`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { scheduledDateSchema, scheduledDatesSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.deepEqual(scheduledDateSchema.parse({ date: "2030-06-01", time: "08:00" }), {
 *   date: "2030-06-01",
 *   time: "08:00",
 * });
 * assert.equal(
 *   scheduledDateSchema.safeParse({ date: "2030-06-01", time: "08:00", zone: "UTC" }).success,
 *   false,
 * ); // strict
 * assert.equal(scheduledDatesSchema.safeParse([]).success, false); // 1 to 20 entries
 */
export const scheduledDateSchema = z
  .strictObject(
    { date: calendarDateSchema, time: localTimeSchema },
    { error: "Must be an object { date, time }" },
  )
  .meta({ id: "ScheduledDate", description: "One dispatch moment, local to the merchant's time zone" });

/**
 * `scheduled_dates`: 1–20 moments (future-only and de-duplication are the schedule module's).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { scheduledDateSchema, scheduledDatesSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.deepEqual(scheduledDateSchema.parse({ date: "2030-06-01", time: "08:00" }), {
 *   date: "2030-06-01",
 *   time: "08:00",
 * });
 * assert.equal(
 *   scheduledDateSchema.safeParse({ date: "2030-06-01", time: "08:00", zone: "UTC" }).success,
 *   false,
 * ); // strict
 * assert.equal(scheduledDatesSchema.safeParse([]).success, false); // 1 to 20 entries
 */
export const scheduledDatesSchema = z
  .array(scheduledDateSchema, { error: "Must be an array of { date, time }" })
  .min(1, { error: "Must list at least one date" })
  .max(MAX_SCHEDULED_DATES, { error: `Must list at most ${MAX_SCHEDULED_DATES} dates` })
  .meta({
    description: "Required when sending_type is scheduled, forbidden otherwise. 1 to 20 future moments.",
    examples: [[{ date: "2026-06-01", time: "08:00" }]],
  });

function isDate(value: unknown): value is string {
  return calendarDateSchema.safeParse(value).success;
}

function distinct(values: readonly unknown[]): boolean {
  return new Set(values).size === values.length;
}

const recurringScheduleObject = z.strictObject(
  {
    start_date: calendarDateSchema
      .optional()
      .meta({ description: "First day of the recurrence; default: today in the merchant's time zone" }),
    end_date: calendarDateSchema.meta({ description: "Last day of the recurrence, inclusive" }),
    frequency: z.enum(frequencies, { error: "Must be daily, weekly, monthly or yearly" }),
    interval: z
      .int({ error: "Must be an integer" })
      .min(1, { error: "Must be at least 1" })
      .default(1)
      .meta({ description: "Every `interval` days/weeks/months/years" }),
    times: z
      .array(localTimeSchema, { error: "Must be an array of HH:mm" })
      .min(1, { error: "Must list at least one time" })
      .max(MAX_TIMES_PER_DAY, { error: `Must list at most ${MAX_TIMES_PER_DAY} times` })
      .refine(distinct, { error: "Times must be distinct", params: { code: "1103" } })
      .meta({ description: "1 to 24 distinct times of day", examples: [["08:00", "17:30"]] }),
    days_of_week: z
      .array(z.enum(weekdays, { error: "Must be one of mon, tue, wed, thu, fri, sat, sun" }), {
        error: "Must be an array of days (mon to sun)",
      })
      .min(1, { error: "Must list at least one day" })
      .max(7, { error: "Must list at most 7 days" })
      .refine(distinct, { error: "Days must be distinct", params: { code: "1103" } })
      .optional()
      .meta({
        description: "Weekly only: the days to send on; default: start_date's weekday",
        examples: [["mon", "thu"]],
      }),
  },
  { error: "Must be an object with end_date, frequency and times" },
);

/**
 * `recurring_schedule` (CONTRACT §6). Checked here: shapes, real dates, `end_date` not before
 * `start_date`, distinct times and days, `days_of_week` only with `weekly`. Checked by the schedule
 * module (it needs the clock and the merchant's zone): occurrences in the future, at most 1000.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { recurringScheduleSchema } from "@lisoloo/protocol/schemas";
 *
 * const weekly = recurringScheduleSchema.parse({
 *   start_date: "2030-06-03",
 *   end_date: "2030-06-30",
 *   frequency: "weekly",
 *   times: ["08:00", "17:30"],
 *   days_of_week: ["mon", "thu"],
 * });
 * assert.equal(weekly.interval, 1); // the default
 *
 * const daily = recurringScheduleSchema.safeParse({
 *   end_date: "2030-06-30",
 *   frequency: "daily",
 *   times: ["08:00"],
 *   days_of_week: ["mon"],
 * });
 * assert.equal(daily.success, false); // days_of_week only goes with frequency "weekly"
 */
export const recurringScheduleSchema = recurringScheduleObject
  .superRefine(
    (value, ctx) => {
      // Runs even when some field failed, so every finding is reported: read the raw values.
      const schedule = value as Record<string, unknown>;
      const { start_date: start, end_date: end, frequency, days_of_week: days } = schedule;
      if (isDate(start) && isDate(end) && end < start) {
        ctx.addIssue({
          code: "custom",
          path: ["end_date"],
          message: "Must not be before start_date",
          params: { code: "1103" },
        });
      }
      if (days !== undefined && typeof frequency === "string" && frequency !== "weekly") {
        ctx.addIssue({
          code: "custom",
          path: ["days_of_week"],
          message: "Only allowed when frequency is weekly",
          params: { code: "1103" },
        });
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  )
  .meta({
    id: "RecurringSchedule",
    description: "Required when sending_type is recurring, forbidden otherwise",
    examples: [
      {
        end_date: "2026-12-31",
        frequency: "weekly",
        interval: 1,
        times: ["08:00"],
        days_of_week: ["mon", "thu"],
      },
    ],
  });
