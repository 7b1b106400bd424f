import * as z from "zod";
import { errorFromIssues, type IssueCodeResolver, type ValidationError } from "../errors/from-issues.js";
import type { Language } from "../errors/localize.js";
import { normalizedPhoneSchema, phoneNumberSchema, sendingTypeSchema } from "./primitives.js";
import { recurringScheduleSchema, scheduledDatesSchema } from "./schedule-fields.js";
import { isWellFormedText, wellFormedTextCheck } from "./well-formed.js";

/**
 * The most entries `to` may have (CONTRACT §4); more is `1203`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { MAX_MESSAGE_LENGTH, MAX_RECIPIENTS, parseSendRequest } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(MAX_RECIPIENTS, 1000);
 * assert.equal(MAX_MESSAGE_LENGTH, 1600); // Unicode code points, not UTF-16 units
 *
 * const to = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
 * const tooMany = parseSendRequest({ to, message: "Bonjour" });
 * assert.ok(!tooMany.success);
 * assert.equal(tooMany.error.error_code, "1203");
 *
 * assert.equal(
 *   parseSendRequest({ to: ["+243998857000"], message: "😀".repeat(MAX_MESSAGE_LENGTH) }).success,
 *   true,
 * );
 */
export const MAX_RECIPIENTS = 1000;
/**
 * The longest `message`, in Unicode code points.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { MAX_MESSAGE_LENGTH, MAX_RECIPIENTS, parseSendRequest } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(MAX_RECIPIENTS, 1000);
 * assert.equal(MAX_MESSAGE_LENGTH, 1600); // Unicode code points, not UTF-16 units
 *
 * const to = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
 * const tooMany = parseSendRequest({ to, message: "Bonjour" });
 * assert.ok(!tooMany.success);
 * assert.equal(tooMany.error.error_code, "1203");
 *
 * assert.equal(
 *   parseSendRequest({ to: ["+243998857000"], message: "😀".repeat(MAX_MESSAGE_LENGTH) }).success,
 *   true,
 * );
 */
export const MAX_MESSAGE_LENGTH = 1600;
/**
 * The longest `callback_url`, in characters: the same cap as a key's webhook URL.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { callbackUrlSchema, MAX_CALLBACK_URL_LENGTH } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(MAX_CALLBACK_URL_LENGTH, 2048);
 * assert.equal(callbackUrlSchema.safeParse("https://example.com/webhooks/sms").success, true);
 * assert.equal(callbackUrlSchema.safeParse("ftp://example.com/webhooks/sms").success, false);
 * assert.equal(
 *   callbackUrlSchema.safeParse(`https://example.com/${"a".repeat(MAX_CALLBACK_URL_LENGTH)}`).success,
 *   false,
 * );
 */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/** Alphanumeric (1–11 of `[A-Za-z0-9 ]`, one letter at least) or numeric (`+?` and 1–15 digits). */
const senderIdPattern = /^(?:(?=[A-Za-z0-9 ]{1,11}$)[0-9 ]*[A-Za-z][A-Za-z0-9 ]*|\+?\d{1,15})$/;

/**
 * `sender_id`: the name or number the recipient sees.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { senderIdSchema } from "@lisoloo/protocol/schemas";
 *
 * // 1 to 11 letters, digits or spaces with one letter at least, or +? and 1 to 15 digits
 * assert.equal(senderIdSchema.parse("LISOLOO"), "LISOLOO");
 * assert.equal(senderIdSchema.safeParse("+243998857000").success, true);
 * assert.equal(senderIdSchema.safeParse("MY COMPANY LTD").success, false); // 14 characters
 */
export const senderIdSchema = z
  .string({ error: "Must be a string" })
  .refine(isWellFormedText, wellFormedTextCheck)
  .regex(senderIdPattern, {
    error: "Must be 1 to 11 letters, digits or spaces with at least one letter, or +? and 1 to 15 digits",
  })
  .meta({
    description:
      "Alphanumeric sender (1 to 11 of A-Z, a-z, 0-9 and space, at least one letter) or numeric sender (+? and 1 to 15 digits). Default: the merchant's default sender.",
    examples: ["LISOLOO"],
  });

/**
 * `callback_url`: syntax and length only here; the gateway's SSRF guard is passed to
 * {@link parseSendRequest}.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { callbackUrlSchema, MAX_CALLBACK_URL_LENGTH } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(MAX_CALLBACK_URL_LENGTH, 2048);
 * assert.equal(callbackUrlSchema.safeParse("https://example.com/webhooks/sms").success, true);
 * assert.equal(callbackUrlSchema.safeParse("ftp://example.com/webhooks/sms").success, false);
 * assert.equal(
 *   callbackUrlSchema.safeParse(`https://example.com/${"a".repeat(MAX_CALLBACK_URL_LENGTH)}`).success,
 *   false,
 * );
 */
export const callbackUrlSchema = z
  .url({ protocol: /^https?$/, error: "Must be an absolute http(s) URL" })
  .max(MAX_CALLBACK_URL_LENGTH, { error: `Must be at most ${MAX_CALLBACK_URL_LENGTH} characters` })
  // The URL parser would percent-encode a lone surrogate as U+FFFD: another URL than the one sent.
  .refine(isWellFormedText, wellFormedTextCheck)
  .meta({
    description:
      "Receipts of this send go here instead of the key's webhook. At most 2048 characters; https only, no credentials, no private or loopback host.",
    examples: ["https://example.com/webhooks/sms"],
  });

const sendRequestFields = {
  to: z
    .array(phoneNumberSchema, { error: "Must be an array of phone numbers" })
    .min(1, { error: "Must list at least one recipient" })
    .max(MAX_RECIPIENTS, { error: `Must list at most ${MAX_RECIPIENTS} recipients` })
    .meta({
      description: "1 to 1000 recipients; duplicates (after normalisation) are removed and counted",
      examples: [["+243998857000", "+243 812 345 678"]],
    }),
  message: z
    .string({ error: "Must be a string" })
    .refine(isWellFormedText, wellFormedTextCheck)
    .min(1, { error: "Must not be empty" })
    .max(MAX_MESSAGE_LENGTH, {
      error: `Must be at most ${MAX_MESSAGE_LENGTH} characters (Unicode code points)`,
    })
    .meta({ description: "1 to 1600 characters (Unicode code points)", examples: ["Votre code est 4821"] }),
  sender_id: senderIdSchema.optional(),
  sending_type: z
    .enum(sendingTypeSchema.options, { error: "Must be immediate, scheduled or recurring" })
    .default("immediate")
    .meta({ description: "How the send is dispatched" }),
  callback_url: callbackUrlSchema.optional(),
  scheduled_dates: scheduledDatesSchema.optional(),
  recurring_schedule: recurringScheduleSchema.optional(),
  validity_period: z
    .int({ error: "Must be an integer number of seconds" })
    .min(60, { error: "Must be at least 60 seconds" })
    .max(259_200, { error: "Must be at most 259200 seconds (72 hours)" })
    .default(172_800)
    .meta({
      description:
        "Seconds a recipient may wait for a final receipt before it becomes delivery_unknown or expired (60 to 259200)",
      examples: [172_800],
    }),
  transliterate: z.boolean({ error: "Must be true or false" }).default(false).meta({
    description:
      "Replace characters that would force UCS-2 by their closest GSM-7 form before counting and sending",
  }),
};

const scheduleFieldOf = { scheduled: "scheduled_dates", recurring: "recurring_schedule" } as const;

/** The body as received: shapes and per-field rules, then which schedule field the type needs. */
const sendRequestBodySchema = z.strictObject(sendRequestFields).superRefine(
  (value, ctx) => {
    const body = value as Record<string, unknown>;
    const type = body.sending_type ?? "immediate";
    if (type !== "immediate" && type !== "scheduled" && type !== "recurring") return;
    for (const [kind, field] of Object.entries(scheduleFieldOf)) {
      const present = body[field] !== undefined;
      if (type === kind && !present) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `Required when sending_type is ${kind}`,
          params: { code: "1109" },
        });
      } else if (type !== kind && present) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `Only allowed when sending_type is ${kind}`,
          params: { code: "1110" },
        });
      }
    }
  },
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
);

/** The accepted send: `to` normalized and unique, defaults applied, `duplicates_removed` counted. */
const normalizedSendRequestSchema = z.strictObject({
  ...sendRequestFields,
  to: z.array(normalizedPhoneSchema).min(1).max(MAX_RECIPIENTS).meta({
    description: "Unique recipients as +digits, in order of first appearance",
  }),
  duplicates_removed: z.int().min(0).meta({ description: "Entries of `to` dropped as duplicates" }),
});

function removeDuplicates(
  body: z.output<typeof sendRequestBodySchema>,
): z.input<typeof normalizedSendRequestSchema> {
  const to = [...new Set(body.to)];
  return { ...body, to, duplicates_removed: body.to.length - to.length };
}

/**
 * The body of `POST /send` and `POST /preview` (CONTRACT §4). Parsing normalizes every phone number
 * to `+digits`, removes duplicates (first appearance wins) and reports how many in
 * `duplicates_removed`. Rules that need the clock or the merchant's time zone (future-only, at most
 * 1000 dispatches) belong to the schedule module.
 *
 * Prefer {@link parseSendRequest}, which also maps failures to the error envelope.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type SendRequest, type SendRequestInput, sendRequestSchema } from "@lisoloo/protocol/schemas";
 *
 * const input: SendRequestInput = { to: ["+243 998 857 000", "+243998857000"], message: "Bonjour" };
 * const request: SendRequest = sendRequestSchema.parse(input);
 * assert.deepEqual(request, {
 *   to: ["+243998857000"],
 *   duplicates_removed: 1,
 *   message: "Bonjour",
 *   sending_type: "immediate",
 *   validity_period: 172800,
 *   transliterate: false,
 * });
 */
export const sendRequestSchema = sendRequestBodySchema
  .pipe(z.transform(removeDuplicates))
  .pipe(normalizedSendRequestSchema)
  .meta({ id: "SendRequest", description: "Body of POST /send and POST /preview" });

/** A send request as a client writes it. */
export type SendRequestInput = z.input<typeof sendRequestSchema>;
/** A validated, normalized send request. */
export type SendRequest = z.output<typeof sendRequestSchema>;

/**
 * The code of each built-in issue of a send body, by field (custom issues carry their own). Wrong
 * JSON types inside a schedule are `1110`; any other schedule finding is `1103`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { errorFromIssues } from "@lisoloo/protocol/errors";
 * import { sendRequestIssueCode, sendRequestSchema } from "@lisoloo/protocol/schemas";
 *
 * const body = { to: ["+243998857000"], message: "Bonjour", sender_id: "MY COMPANY LTD" };
 * const result = sendRequestSchema.safeParse(body);
 * assert.ok(!result.success);
 * const error = errorFromIssues(result.error.issues, { input: body, codeOf: sendRequestIssueCode });
 * assert.equal(error.error_code, "1102");
 * assert.equal(error.details?.[0]?.code, "INVALID_SENDER_ID");
 */
export const sendRequestIssueCode: IssueCodeResolver = (issue) => {
  const [field, ...rest] = issue.path;
  switch (field) {
    case "to":
      if (rest.length > 0) return "1104";
      return issue.code === "too_big" ? "1203" : "1101";
    case "sender_id":
      return "1102";
    case "callback_url":
      return "1105";
    case "scheduled_dates":
    case "recurring_schedule":
      return issue.code === "invalid_type" ? "1110" : "1103";
    default:
      return undefined;
  }
};

/** Options of {@link parseSendRequest}. */
export interface ParseSendRequestOptions {
  /**
   * Extra rules for `callback_url` (https only, no credentials, no private host…): returns a message
   * when the URL is refused, `null` when it is fine. Runs in the same pass as every other rule.
   */
  checkCallbackUrl?: (url: string) => string | null;
  /** Language of the error's `message` and `details[].message`; default English. */
  language?: Language;
}

/** The outcome of {@link parseSendRequest}. */
export type ParseSendRequestResult =
  | { success: true; data: SendRequest }
  | { success: false; error: ValidationError };

/**
 * Validates a `POST /send` (or `/preview`) body and, on failure, builds the envelope's `error_code`,
 * `message` and `details`, naming every offending field in one pass.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { parseSendRequest } from "@lisoloo/protocol/schemas";
 *
 * const ok = parseSendRequest({ to: ["+243 998 857 000", "+243998857000"], message: "Bonjour" });
 * assert.ok(ok.success);
 * assert.deepEqual(ok.data.to, ["+243998857000"]); // normalized, duplicates removed
 * assert.equal(ok.data.duplicates_removed, 1);
 *
 * const bad = parseSendRequest({ to: ["+243998857000", "12ab"], message: "" });
 * assert.ok(!bad.success);
 * assert.deepEqual(bad.error, {
 *   error_code: "1104",
 *   message: "Invalid phone number",
 *   details: [
 *     { field: "to[1]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" },
 *     { field: "message", message: "Must not be empty", code: "INVALID_FIELD_FORMAT" },
 *   ],
 * });
 */
export function parseSendRequest(
  input: unknown,
  options: ParseSendRequestOptions = {},
): ParseSendRequestResult {
  const result = sendRequestSchema.safeParse(input);
  const issues: z.core.$ZodIssue[] = result.success ? [] : [...result.error.issues];
  const url = (input as { callback_url?: unknown } | null)?.callback_url;
  const urlIsWellFormed = typeof url === "string" && callbackUrlSchema.safeParse(url).success;
  const refusal = urlIsWellFormed ? (options.checkCallbackUrl?.(url) ?? null) : null;
  if (refusal !== null) {
    issues.push({
      code: "custom",
      path: ["callback_url"],
      message: refusal,
      params: { code: "1105" },
      input: url,
    });
  }
  if (result.success && issues.length === 0) return { success: true, data: result.data };
  return {
    success: false,
    error: errorFromIssues(issues, { input, codeOf: sendRequestIssueCode, language: options.language }),
  };
}
