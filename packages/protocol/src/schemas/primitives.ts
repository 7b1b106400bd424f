import * as z from "zod";
import { sendingTypes } from "../schedule/types.js";
import { isWellFormedText, wellFormedTextCheck } from "./well-formed.js";

/** Characters removed from a phone number before it is checked (CONTRACT §4). */
const phoneSeparators = /[\s\-.()]/g;
/**
 * The accepted spellings, on the raw text: an optional `+` and 1–15 digits, with spaces, `-`, `.`,
 * `(` and `)` anywhere. Equivalent to "strip those, then match `^\+?\d{1,15}$`", so the JSON Schema
 * pattern accepts exactly what the API accepts.
 */
const lenientPhonePattern = /^[\s\-.()]*(?:\+[\s\-.()]*)?(?:\d[\s\-.()]*){1,15}$/;

/**
 * One entry of `to`: separators are stripped and the number is stored as `+digits`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { normalizedPhoneSchema, phoneNumberSchema } from "@lisoloo/protocol/schemas";
 *
 * // An entry of `to`: separators are ignored and the number is stored as +digits
 * assert.equal(phoneNumberSchema.parse("(243) 998-857-000"), "+243998857000");
 * assert.equal(phoneNumberSchema.safeParse("0998 85 70 00 ext 1").success, false);
 * // A number as the API reports it: + and 1 to 15 digits, nothing else
 * assert.equal(normalizedPhoneSchema.safeParse("+243998857000").success, true);
 * assert.equal(normalizedPhoneSchema.safeParse("243 998 857 000").success, false);
 */
export const phoneNumberSchema = z
  .string({ error: "Must be a string" })
  .refine(isWellFormedText, wellFormedTextCheck)
  .regex(lenientPhonePattern, { error: "Must match ^\\+?\\d{1,15}$" })
  .overwrite((raw) => {
    const digits = raw.replace(phoneSeparators, "");
    return digits.startsWith("+") ? digits : `+${digits}`;
  })
  .meta({
    description:
      "Phone number in international format. Spaces, '-', '.', '(' and ')' are ignored; the rest must match ^\\+?\\d{1,15}$. Stored as +digits.",
    examples: ["+243998857000", "+243 998 857 000"],
  });

/**
 * A normalized phone number as the API reports it: `+` and 1–15 digits.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { normalizedPhoneSchema, phoneNumberSchema } from "@lisoloo/protocol/schemas";
 *
 * // An entry of `to`: separators are ignored and the number is stored as +digits
 * assert.equal(phoneNumberSchema.parse("(243) 998-857-000"), "+243998857000");
 * assert.equal(phoneNumberSchema.safeParse("0998 85 70 00 ext 1").success, false);
 * // A number as the API reports it: + and 1 to 15 digits, nothing else
 * assert.equal(normalizedPhoneSchema.safeParse("+243998857000").success, true);
 * assert.equal(normalizedPhoneSchema.safeParse("243 998 857 000").success, false);
 */
export const normalizedPhoneSchema = z
  .string()
  .regex(/^\+\d{1,15}$/)
  .meta({ description: "Phone number as stored: + and 1 to 15 digits", examples: ["+243998857000"] });

/**
 * A `message_id`: 24 lowercase hex characters (ObjectId layout).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { messageIdSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(messageIdSchema.safeParse("507f1f77bcf86cd799439011").success, true); // 24 lowercase hex
 * assert.equal(messageIdSchema.safeParse("507F1F77BCF86CD799439011").success, false);
 */
export const messageIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/)
  .meta({
    id: "MessageId",
    description:
      "24 lowercase hex characters: 4-byte Unix seconds then 8 random bytes, so ids sort by creation time",
    examples: ["507f1f77bcf86cd799439011"],
  });

/**
 * A decimal amount of money as the API writes it: a JSON number with at most 6 decimal places, since
 * amounts are integer micro-units inside. The schema itself accepts any number.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { currencySchema, moneySchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(moneySchema.parse(0.06), 0.06); // a JSON number; the API writes at most 6 decimal places
 * assert.equal(currencySchema.parse("USD"), "USD"); // ISO 4217
 * assert.equal(currencySchema.safeParse("usd").success, false);
 */
export const moneySchema = z
  .number()
  .meta({ description: "Amount in the merchant's currency, rounded to 6 decimal places", examples: [0.06] });

/**
 * An ISO 4217 currency code.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { currencySchema, moneySchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(moneySchema.parse(0.06), 0.06); // a JSON number; the API writes at most 6 decimal places
 * assert.equal(currencySchema.parse("USD"), "USD"); // ISO 4217
 * assert.equal(currencySchema.safeParse("usd").success, false);
 */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .meta({ description: "ISO 4217 currency code", examples: ["USD"] });

/** A count (0 or more). */
export const countSchema = z.int().min(0);

/**
 * A UTC instant, e.g. `2026-05-27T10:15:00Z`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { offsetTimestampSchema, utcTimestampSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(utcTimestampSchema.safeParse("2026-05-27T10:15:00Z").success, true);
 * assert.equal(utcTimestampSchema.safeParse("2026-06-01T08:00:00+01:00").success, false); // UTC only
 * assert.equal(offsetTimestampSchema.safeParse("2026-06-01T08:00:00+01:00").success, true); // scheduled_at
 */
export const utcTimestampSchema = z.iso
  .datetime()
  .meta({ description: "UTC instant, ISO 8601", examples: ["2026-05-27T10:15:00Z"] });

/**
 * An instant with an explicit offset (the merchant's), e.g. `2026-06-01T08:00:00+01:00`; `Z` also accepted.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { offsetTimestampSchema, utcTimestampSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(utcTimestampSchema.safeParse("2026-05-27T10:15:00Z").success, true);
 * assert.equal(utcTimestampSchema.safeParse("2026-06-01T08:00:00+01:00").success, false); // UTC only
 * assert.equal(offsetTimestampSchema.safeParse("2026-06-01T08:00:00+01:00").success, true); // scheduled_at
 */
export const offsetTimestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ description: "Instant, ISO 8601 with offset", examples: ["2026-06-01T08:00:00+01:00"] });

/**
 * The two SMS encodings (CONTRACT §5).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { encodingSchema, environmentSchema, sendingTypeSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.deepEqual(encodingSchema.options, ["GSM-7", "UCS-2"]);
 * assert.deepEqual(sendingTypeSchema.options, ["immediate", "scheduled", "recurring"]);
 * assert.deepEqual(environmentSchema.options, ["sandbox", "production"]); // from the key: sk_test_ or sk_live_
 */
export const encodingSchema = z
  .enum(["GSM-7", "UCS-2"])
  .meta({ description: "GSM-7 when every character is in GSM 03.38, otherwise UCS-2", examples: ["GSM-7"] });

/**
 * The three kinds of send.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { encodingSchema, environmentSchema, sendingTypeSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.deepEqual(encodingSchema.options, ["GSM-7", "UCS-2"]);
 * assert.deepEqual(sendingTypeSchema.options, ["immediate", "scheduled", "recurring"]);
 * assert.deepEqual(environmentSchema.options, ["sandbox", "production"]); // from the key: sk_test_ or sk_live_
 */
export const sendingTypeSchema = z
  .enum(sendingTypes)
  .meta({ id: "SendingType", description: "How the send is dispatched", examples: ["immediate"] });

/**
 * The deployment environment, from the key's prefix (`sk_test_` → sandbox, `sk_live_` → production).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { encodingSchema, environmentSchema, sendingTypeSchema } from "@lisoloo/protocol/schemas";
 *
 * assert.deepEqual(encodingSchema.options, ["GSM-7", "UCS-2"]);
 * assert.deepEqual(sendingTypeSchema.options, ["immediate", "scheduled", "recurring"]);
 * assert.deepEqual(environmentSchema.options, ["sandbox", "production"]); // from the key: sk_test_ or sk_live_
 */
export const environmentSchema = z
  .enum(["sandbox", "production"])
  .meta({ id: "Environment", examples: ["sandbox"] });
