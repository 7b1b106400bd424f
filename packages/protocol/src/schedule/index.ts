export { expandSchedule } from "./expand.js";
export { DEFAULT_TIME_ZONE, formatLocalIso, localToUtc } from "./local-time.js";
export {
  type ExpandOptions,
  type Frequency,
  frequencies,
  MAX_DISPATCHES,
  MAX_SCHEDULED_DATES,
  MAX_TIMES_PER_DAY,
  type RecurringSchedule,
  type ScheduledDate,
  type ScheduleExpansion,
  type ScheduleIssue,
  type ScheduleRequest,
  type SendingType,
  sendingTypes,
  type Weekday,
  weekdays,
} from "./types.js";
export { isValidTimeZone } from "./zone.js";
