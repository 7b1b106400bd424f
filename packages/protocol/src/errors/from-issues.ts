import type * as z from "zod";
import type { ErrorName } from "./catalogue.js";
import { errorByCode } from "./catalogue.js";
import { type Language, localizedErrorMessage, localizedErrorText } from "./localize.js";

/**
 * The codes a request-validation failure can carry, highest priority first: when a body has
 * several mistakes, the envelope's `error_code` is the first of these that any finding has, and
 * `details` still lists every finding with its own code.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type ValidationErrorCode, validationErrorCodes } from "@lisoloo/protocol/errors";
 *
 * // The codes a validation failure can carry, highest priority first
 * const order: readonly ValidationErrorCode[] = validationErrorCodes;
 * assert.deepEqual(order, ["1106", "1109", "1203", "1101", "1104", "1102", "1103", "1105", "1110"]);
 */
export const validationErrorCodes = [
  "1106",
  "1109",
  "1203",
  "1101",
  "1104",
  "1102",
  "1103",
  "1105",
  "1110",
] as const;

/** A code a request-validation finding can carry. */
export type ValidationErrorCode = (typeof validationErrorCodes)[number];

/** One field-level finding, as listed in the envelope's `details` (CONTRACT §3). */
export interface ErrorDetail {
  /** Path of the offending value: `to[3]`, `scheduled_dates[1].time`, `recurring_schedule.times[0]`. */
  field: string;
  message: string;
  /** The catalogue name of the finding's code, e.g. `INVALID_PHONE_NUMBER`. */
  code: ErrorName;
}

/** The code, message and details of a validation failure: the envelope minus its transport fields. */
export interface ValidationError {
  error_code: ValidationErrorCode;
  message: string;
  details: ErrorDetail[] | null;
}

/** Chooses the code of a built-in zod issue; `undefined` leaves it to the defaults. */
export type IssueCodeResolver = (issue: z.core.$ZodIssue) => ValidationErrorCode | undefined;

/** Options of {@link errorFromIssues}. */
export interface ErrorFromIssuesOptions {
  /** The value that was parsed; with it, a required field that is absent is told from a wrong type. */
  input?: unknown;
  /** Codes for built-in issues of particular fields (custom issues carry their own `params.code`). */
  codeOf?: IssueCodeResolver;
  /** Language of the top-level `message` and of every `details[].message`; default English. */
  language?: Language;
}

const priority = new Map<string, number>(validationErrorCodes.map((code, rank) => [code, rank]));
const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * Writes an issue path the way `details[].field` shows it.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { formatIssuePath } from "@lisoloo/protocol/errors";
 *
 * // How details[].field writes a path
 * assert.equal(formatIssuePath(["scheduled_dates", 1, "time"]), "scheduled_dates[1].time");
 * assert.equal(formatIssuePath(["headers", "Content-Type"]), 'headers["Content-Type"]');
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && identifier.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function isMissing(issue: z.core.$ZodIssue, options: ErrorFromIssuesOptions): boolean {
  if (issue.code !== "invalid_type") return false;
  if ("input" in options) return valueAt(options.input, issue.path) === undefined;
  return "input" in issue && issue.input === undefined;
}

function paramCode(issue: z.core.$ZodIssue): ValidationErrorCode | undefined {
  if (issue.code !== "custom") return undefined;
  const code: unknown = issue.params?.code;
  return typeof code === "string" && priority.has(code) ? (code as ValidationErrorCode) : undefined;
}

/**
 * Turns zod issues into the error envelope's `error_code`, `message` and `details`, naming every
 * offending field. Per issue, in order:
 * - the body itself is not an object → `1106` (no field detail);
 * - unknown keys → one `1110` finding per key;
 * - a custom issue with `params: { code }` → that code;
 * - a required value that is absent → `1109`;
 * - otherwise `options.codeOf(issue)`, else `1110`.
 *
 * The top-level code is the finding highest in {@link validationErrorCodes}.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { errorFromIssues } from "@lisoloo/protocol/errors";
 * import * as z from "zod";
 *
 * const contactSchema = z.strictObject({
 *   name: z.string(),
 *   phone: z
 *     .string()
 *     .refine((s) => /^\+\d{1,15}$/.test(s), { error: "Must be +digits", params: { code: "1104" } }),
 * });
 * const input: unknown = { phone: "0998", nickname: "Mado" };
 * const result = contactSchema.safeParse(input);
 * assert.ok(!result.success);
 * assert.deepEqual(errorFromIssues(result.error.issues, { input }), {
 *   error_code: "1109",
 *   message: "Missing required field",
 *   details: [
 *     { field: "name", message: "Required", code: "MISSING_REQUIRED_FIELD" },
 *     { field: "phone", message: "Must be +digits", code: "INVALID_PHONE_NUMBER" },
 *     { field: "nickname", message: 'Unknown field "nickname"', code: "INVALID_FIELD_FORMAT" },
 *   ],
 * });
 */
export function errorFromIssues(
  issues: readonly z.core.$ZodIssue[],
  options: ErrorFromIssuesOptions = {},
): ValidationError {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  let top: ValidationErrorCode = "1110";
  let topRank = Number.POSITIVE_INFINITY;

  const record = (code: ValidationErrorCode, field: string | null, message: string): void => {
    const rank = priority.get(code) ?? Number.POSITIVE_INFINITY;
    if (rank < topRank) {
      top = code;
      topRank = rank;
    }
    if (field === null) return;
    const key = `${field}\u0000${code}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    details.push({
      field,
      message: localizedErrorText(message, options.language),
      code: errorByCode(code).name,
    });
  };

  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        record("1110", formatIssuePath([...issue.path, key]), `Unknown field "${key}"`);
    } else if (issue.path.length === 0 && issue.code === "invalid_type") {
      record("1106", null, issue.message);
    } else {
      const field = issue.path.length === 0 ? "body" : formatIssuePath(issue.path);
      const coded = paramCode(issue);
      if (coded) record(coded, field, issue.message);
      else if (isMissing(issue, options)) record("1109", field, "Required");
      else record(options.codeOf?.(issue) ?? "1110", field, issue.message);
    }
  }

  return {
    error_code: top,
    message: localizedErrorMessage(top, options.language),
    details: details.length > 0 ? details : null,
  };
}
