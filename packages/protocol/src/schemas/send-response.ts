import * as z from "zod";
import { messageStatuses } from "../lifecycle/statuses.js";
import { successEnvelopeSchema } from "./envelopes.js";
import {
  countSchema,
  currencySchema,
  encodingSchema,
  messageIdSchema,
  moneySchema,
  offsetTimestampSchema,
  sendingTypeSchema,
} from "./primitives.js";

/**
 * What transliteration changed (present when the request asked for `transliterate`).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { transliterationReportSchema } from "@lisoloo/protocol/schemas";
 *
 * // `transliterated` in the /send and /preview data, when the request asked for `transliterate: true`
 * const report = transliterationReportSchema.parse({
 *   replacements: [{ from: "ç", to: "c", count: 1 }],
 *   unmapped: [],
 * });
 * assert.equal(report.replacements[0]?.to, "c");
 */
export const transliterationReportSchema = z
  .object({
    replacements: z
      .array(
        z.object({
          from: z.string().meta({ description: "Original character (or base letter with its accents)" }),
          to: z.string().meta({ description: "Its GSM-7 replacement; empty when removed" }),
          count: z.int().min(1),
        }),
      )
      .meta({ description: "Each kind of change, in order of first occurrence; empty when nothing changed" }),
    unmapped: z.array(z.string()).meta({
      description:
        "Characters with no GSM-7 form (e.g. emoji): when not empty the text was left unchanged and stays UCS-2",
    }),
  })
  .meta({
    id: "TransliterationReport",
    examples: [{ replacements: [{ from: "ç", to: "c", count: 1 }], unmapped: [] }],
  });

/** Fields `/send` and `/preview` share: what the send costs and how it will go out. */
const pricedSendFields = {
  total_recipients: countSchema.meta({ description: "Unique recipients" }),
  total_messages: countSchema.meta({ description: "total_recipients × segments × dispatches" }),
  total_cost: moneySchema.meta({ description: "total_messages × unit_price, debited at acceptance" }),
  currency: currencySchema,
  sending_type: sendingTypeSchema,
  segments: z.int().min(1).meta({ description: "SMS parts per recipient and dispatch" }),
  encoding: encodingSchema,
  dispatches: z
    .int()
    .min(1)
    .meta({ description: "1, the distinct scheduled_dates, or the recurring occurrences" }),
  unit_price: moneySchema.meta({ description: "Price of one message (one segment to one recipient)" }),
  scheduled_at: offsetTimestampSchema
    .nullable()
    .meta({ description: "First dispatch with the merchant's offset; null for immediate sends" }),
  duplicates_removed: countSchema.meta({ description: "Entries of `to` dropped as duplicates" }),
  transliterated: transliterationReportSchema.optional(),
};

/**
 * The statuses a send has when accepted: `pending` (immediate) or `scheduled`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { acceptedStatusSchema } from "@lisoloo/protocol/schemas";
 *
 * // The status of a send when it is accepted: pending (immediate) or scheduled
 * assert.deepEqual(acceptedStatusSchema.options, ["pending", "scheduled"]);
 */
export const acceptedStatusSchema = z.enum(messageStatuses).extract(["pending", "scheduled"]);

/**
 * `data` of `POST /send` → 201 (CONTRACT §4).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type SendData, sendDataSchema, sendResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 201 body of POST /send
 * const body: unknown = {
 *   status_code: 201,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     total_recipients: 3,
 *     total_messages: 3,
 *     total_cost: 0.06,
 *     currency: "USD",
 *     status: "pending",
 *     sending_type: "immediate",
 *     segments: 1,
 *     encoding: "GSM-7",
 *     dispatches: 1,
 *     unit_price: 0.02,
 *     scheduled_at: null,
 *     duplicates_removed: 0,
 *   },
 * };
 * const data: SendData = sendResponseSchema.parse(body).data;
 * assert.equal(data.total_cost, 0.06);
 * assert.deepEqual(sendDataSchema.parse(data), data);
 */
export const sendDataSchema = z
  .object({
    message_id: messageIdSchema,
    ...pricedSendFields,
    status: acceptedStatusSchema.meta({ description: "pending for immediate, scheduled otherwise" }),
  })
  .meta({
    id: "SendData",
    examples: [
      {
        message_id: "507f1f77bcf86cd799439011",
        total_recipients: 3,
        total_messages: 3,
        total_cost: 0.06,
        currency: "USD",
        status: "pending",
        sending_type: "immediate",
        segments: 1,
        encoding: "GSM-7",
        dispatches: 1,
        unit_price: 0.02,
        scheduled_at: null,
        duplicates_removed: 0,
      },
    ],
  });

/** `data` of a 201 from `POST /send`. */
export type SendData = z.output<typeof sendDataSchema>;

/**
 * The whole 201 body of `POST /send`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type SendData, sendDataSchema, sendResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 201 body of POST /send
 * const body: unknown = {
 *   status_code: 201,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     total_recipients: 3,
 *     total_messages: 3,
 *     total_cost: 0.06,
 *     currency: "USD",
 *     status: "pending",
 *     sending_type: "immediate",
 *     segments: 1,
 *     encoding: "GSM-7",
 *     dispatches: 1,
 *     unit_price: 0.02,
 *     scheduled_at: null,
 *     duplicates_removed: 0,
 *   },
 * };
 * const data: SendData = sendResponseSchema.parse(body).data;
 * assert.equal(data.total_cost, 0.06);
 * assert.deepEqual(sendDataSchema.parse(data), data);
 */
export const sendResponseSchema = successEnvelopeSchema(sendDataSchema, 201).meta({ id: "SendResponse" });

/**
 * `data` of `POST /preview` → 200: exactly what `/send` would answer, minus `message_id` and
 * `status`, since nothing is stored, debited or sent.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type PreviewData, previewDataSchema, previewResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /preview: what /send would answer, without message_id and status
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     total_recipients: 50,
 *     total_messages: 100,
 *     total_cost: 2,
 *     currency: "USD",
 *     sending_type: "immediate",
 *     segments: 2,
 *     encoding: "GSM-7",
 *     dispatches: 1,
 *     unit_price: 0.02,
 *     scheduled_at: null,
 *     duplicates_removed: 0,
 *   },
 * };
 * const preview: PreviewData = previewResponseSchema.parse(body).data;
 * assert.equal(preview.total_messages, 100);
 * assert.equal(previewDataSchema.safeParse({ ...preview, segments: 0 }).success, false);
 */
export const previewDataSchema = z.object(pricedSendFields).meta({
  id: "PreviewData",
  description: "What POST /send would charge for the same body; nothing is stored or debited",
});

/** `data` of a 200 from `POST /preview`. */
export type PreviewData = z.output<typeof previewDataSchema>;

/**
 * The whole 200 body of `POST /preview`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type PreviewData, previewDataSchema, previewResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /preview: what /send would answer, without message_id and status
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     total_recipients: 50,
 *     total_messages: 100,
 *     total_cost: 2,
 *     currency: "USD",
 *     sending_type: "immediate",
 *     segments: 2,
 *     encoding: "GSM-7",
 *     dispatches: 1,
 *     unit_price: 0.02,
 *     scheduled_at: null,
 *     duplicates_removed: 0,
 *   },
 * };
 * const preview: PreviewData = previewResponseSchema.parse(body).data;
 * assert.equal(preview.total_messages, 100);
 * assert.equal(previewDataSchema.safeParse({ ...preview, segments: 0 }).success, false);
 */
export const previewResponseSchema = successEnvelopeSchema(previewDataSchema, 200).meta({
  id: "PreviewResponse",
});
