import * as z from "zod";
import { utcTimestampSchema } from "./primitives.js";

/**
 * Wraps a `data` schema in the success envelope `{ status_code, success: true, data }` (CONTRACT §3).
 * With `statusCode`, `status_code` is that literal; otherwise any 2xx.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { successEnvelopeSchema } from "@lisoloo/protocol/schemas";
 * import * as z from "zod";
 *
 * const pongResponseSchema = successEnvelopeSchema(z.object({ pong: z.boolean() }), 200);
 * assert.equal(
 *   pongResponseSchema.parse({ status_code: 200, success: true, data: { pong: true } }).data.pong,
 *   true,
 * );
 * assert.equal(
 *   pongResponseSchema.safeParse({ status_code: 201, success: true, data: { pong: true } }).success,
 *   false,
 * );
 * // Without a status code, any 2xx is accepted
 * assert.equal(
 *   successEnvelopeSchema(z.null()).safeParse({ status_code: 202, success: true, data: null }).success,
 *   true,
 * );
 */
export function successEnvelopeSchema<T extends z.ZodType>(data: T, statusCode?: number) {
  return z.object({
    status_code:
      statusCode === undefined
        ? z.int().min(200).max(299)
        : z.literal(statusCode).meta({ examples: [statusCode] }),
    success: z.literal(true),
    data,
  });
}

/**
 * One field-level finding of an error.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type ErrorEnvelope, errorDetailSchema, errorEnvelopeSchema } from "@lisoloo/protocol/schemas";
 *
 * const body: unknown = {
 *   success: false,
 *   status_code: 400,
 *   error_code: "1104",
 *   message: "Invalid phone number",
 *   detail: "Invalid phone number",
 *   details: [{ field: "to[3]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" }],
 *   timestamp: "2026-05-27T10:15:00Z",
 *   request_id: "req_8f3a4c2e9b1d7a6f",
 *   retryable: false,
 *   retry_after: null,
 * };
 * const error: ErrorEnvelope = errorEnvelopeSchema.parse(body);
 * assert.equal(error.error_code, "1104");
 * assert.equal(error.details?.[0]?.field, "to[3]");
 * assert.equal(
 *   errorDetailSchema.safeParse({ field: "to[3]", message: "Bad", code: "not a name" }).success,
 *   false,
 * );
 */
export const errorDetailSchema = z
  .object({
    field: z.string().meta({ description: "Path of the offending value", examples: ["to[3]"] }),
    message: z.string().meta({
      description: "What is wrong with the field (English, or French with Accept-Language: fr)",
      examples: ["Must match ^\\+?\\d{1,15}$"],
    }),
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .meta({ description: "Catalogue name of the finding's code", examples: ["INVALID_PHONE_NUMBER"] }),
  })
  .meta({ id: "ErrorDetail" });

/**
 * The error envelope of every 4xx and 5xx (CONTRACT §3). `error_code` is any four-digit code so that
 * a client keeps parsing errors added to the catalogue after it was built.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type ErrorEnvelope, errorDetailSchema, errorEnvelopeSchema } from "@lisoloo/protocol/schemas";
 *
 * const body: unknown = {
 *   success: false,
 *   status_code: 400,
 *   error_code: "1104",
 *   message: "Invalid phone number",
 *   detail: "Invalid phone number",
 *   details: [{ field: "to[3]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" }],
 *   timestamp: "2026-05-27T10:15:00Z",
 *   request_id: "req_8f3a4c2e9b1d7a6f",
 *   retryable: false,
 *   retry_after: null,
 * };
 * const error: ErrorEnvelope = errorEnvelopeSchema.parse(body);
 * assert.equal(error.error_code, "1104");
 * assert.equal(error.details?.[0]?.field, "to[3]");
 * assert.equal(
 *   errorDetailSchema.safeParse({ field: "to[3]", message: "Bad", code: "not a name" }).success,
 *   false,
 * );
 */
export const errorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    status_code: z
      .int()
      .min(400)
      .max(599)
      .meta({ description: "Mirrors the HTTP status", examples: [400] }),
    error_code: z
      .string()
      .regex(/^\d{4}$/)
      .meta({ description: "Catalogue code; never changes meaning", examples: ["1104"] }),
    message: z.string().meta({
      description:
        "The catalogue message, or a more specific one for the same code (English, or French with Accept-Language: fr)",
    }),
    detail: z.string().meta({ description: "Equal to message, for clients that read FastAPI's `detail`" }),
    details: z
      .array(errorDetailSchema)
      .nullable()
      .meta({ description: "Every field-level finding, or null when there is none" }),
    timestamp: utcTimestampSchema,
    request_id: z
      .string()
      .meta({ description: "Equal to the X-Request-Id header", examples: ["req_8f3a4c2e9b1d7a6f"] }),
    retryable: z.boolean(),
    retry_after: z
      .int()
      .min(0)
      .nullable()
      .meta({ description: "Seconds to wait before retrying (with 429), else null", examples: [null] }),
  })
  .meta({
    id: "ErrorEnvelope",
    examples: [
      {
        success: false,
        status_code: 400,
        error_code: "1104",
        message: "Invalid phone number",
        detail: "Invalid phone number",
        details: [{ field: "to[3]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" }],
        timestamp: "2026-05-27T10:15:00Z",
        request_id: "req_8f3a4c2e9b1d7a6f",
        retryable: false,
        retry_after: null,
      },
    ],
  });

/** The error envelope. */
export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;
