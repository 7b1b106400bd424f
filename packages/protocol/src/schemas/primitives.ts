import { z } from "zod";
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
 * @example phoneNumberSchema.parse("+243 998 857 000") // "+243998857000"
 * @example phoneNumberSchema.parse("(243) 998-857-000") // "+243998857000"
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

/** A normalized phone number as the API reports it: `+` and 1–15 digits. */
export const normalizedPhoneSchema = z
  .string()
  .regex(/^\+\d{1,15}$/)
  .meta({ description: "Phone number as stored: + and 1 to 15 digits", examples: ["+243998857000"] });

/**
 * A `message_id`: 24 lowercase hex characters (ObjectId layout).
 * @example messageIdSchema.parse("507f1f77bcf86cd799439011")
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

/** A decimal amount of money, at most 6 decimal places (micro-units inside). */
export const moneySchema = z
  .number()
  .meta({ description: "Amount in the merchant's currency, rounded to 6 decimal places", examples: [0.06] });

/** An ISO 4217 currency code. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .meta({ description: "ISO 4217 currency code", examples: ["USD"] });

/** A count (0 or more). */
export const countSchema = z.int().min(0);

/** A UTC instant, e.g. `2026-05-27T10:15:00Z`. */
export const utcTimestampSchema = z.iso
  .datetime()
  .meta({ description: "UTC instant, ISO 8601", examples: ["2026-05-27T10:15:00Z"] });

/** An instant with an explicit offset (the merchant's), e.g. `2026-06-01T08:00:00+01:00`; `Z` also accepted. */
export const offsetTimestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ description: "Instant, ISO 8601 with offset", examples: ["2026-06-01T08:00:00+01:00"] });

/** The two SMS encodings (CONTRACT §5). */
export const encodingSchema = z
  .enum(["GSM-7", "UCS-2"])
  .meta({ description: "GSM-7 when every character is in GSM 03.38, otherwise UCS-2", examples: ["GSM-7"] });

/** The three kinds of send. */
export const sendingTypeSchema = z
  .enum(sendingTypes)
  .meta({ id: "SendingType", description: "How the send is dispatched", examples: ["immediate"] });

/** The deployment environment, from the key's prefix (`sk_test_` → sandbox, `sk_live_` → production). */
export const environmentSchema = z
  .enum(["sandbox", "production"])
  .meta({ id: "Environment", examples: ["sandbox"] });
