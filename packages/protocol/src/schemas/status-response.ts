import * as z from "zod";
import { successEnvelopeSchema } from "./envelopes.js";
import {
  countSchema,
  messageIdSchema,
  normalizedPhoneSchema,
  sendingTypeSchema,
  utcTimestampSchema,
} from "./primitives.js";
import { deliveryErrorCodeSchema, deliveryStatusSchema, messageStatusSchema } from "./status-schemas.js";

/**
 * `data` of `GET /status/{message_id}` (CONTRACT §7). The counts are of deliveries (recipient ×
 * dispatch), future dispatches included: `delivered + failed + pending + cancelled = total_deliveries`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type StatusData, statusDataSchema, statusResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /status/{message_id}
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "partially_delivered",
 *     delivered: 2,
 *     failed: 1,
 *     pending: 0,
 *     total_deliveries: 3,
 *     cancelled: 0,
 *     total_recipients: 3,
 *     segments: 1,
 *     sending_type: "immediate",
 *     next_dispatch_at: null,
 *     created_at: "2026-05-27T10:15:00Z",
 *     updated_at: "2026-05-27T10:15:08Z",
 *   },
 * };
 * const status: StatusData = statusResponseSchema.parse(body).data;
 * // The counters always add up
 * assert.equal(status.delivered + status.failed + status.pending + status.cancelled, status.total_deliveries);
 * assert.equal(statusDataSchema.safeParse({ ...status, status: "lost" }).success, false);
 */
export const statusDataSchema = z
  .object({
    message_id: messageIdSchema,
    status: messageStatusSchema,
    delivered: countSchema.meta({ description: "Deliveries that ended delivered" }),
    failed: countSchema.meta({
      description: "Deliveries that ended in a final status other than delivered and cancelled",
    }),
    pending: countSchema.meta({ description: "Deliveries not final yet, future dispatches included" }),
    total_deliveries: countSchema.meta({ description: "total_recipients × dispatches" }),
    cancelled: countSchema.meta({ description: "Deliveries cancelled or skipped before carrier hand-off" }),
    total_recipients: countSchema.meta({ description: "Unique recipients" }),
    segments: z.int().min(1),
    sending_type: sendingTypeSchema,
    next_dispatch_at: utcTimestampSchema.nullable().meta({
      description: "Next dispatch still to be released; null when none",
    }),
    created_at: utcTimestampSchema.meta({ description: "When POST /send returned" }),
    updated_at: utcTimestampSchema.meta({
      description: "Last state change of the message or any of its deliveries; created_at until then",
    }),
  })
  .meta({
    id: "StatusData",
    examples: [
      {
        message_id: "507f1f77bcf86cd799439011",
        status: "partially_delivered",
        delivered: 2,
        failed: 1,
        pending: 0,
        total_deliveries: 3,
        cancelled: 0,
        total_recipients: 3,
        segments: 1,
        sending_type: "immediate",
        next_dispatch_at: null,
        created_at: "2026-05-27T10:15:00Z",
        updated_at: "2026-05-27T10:15:08Z",
      },
    ],
  });

/** `data` of `GET /status/{message_id}`. */
export type StatusData = z.output<typeof statusDataSchema>;

/**
 * The whole 200 body of `GET /status/{message_id}`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type StatusData, statusDataSchema, statusResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /status/{message_id}
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "partially_delivered",
 *     delivered: 2,
 *     failed: 1,
 *     pending: 0,
 *     total_deliveries: 3,
 *     cancelled: 0,
 *     total_recipients: 3,
 *     segments: 1,
 *     sending_type: "immediate",
 *     next_dispatch_at: null,
 *     created_at: "2026-05-27T10:15:00Z",
 *     updated_at: "2026-05-27T10:15:08Z",
 *   },
 * };
 * const status: StatusData = statusResponseSchema.parse(body).data;
 * // The counters always add up
 * assert.equal(status.delivered + status.failed + status.pending + status.cancelled, status.total_deliveries);
 * assert.equal(statusDataSchema.safeParse({ ...status, status: "lost" }).success, false);
 */
export const statusResponseSchema = successEnvelopeSchema(statusDataSchema, 200).meta({
  id: "StatusResponse",
});

/**
 * One recipient in one dispatch, as `GET /status/{message_id}/recipients` lists it.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   type RecipientsPage,
 *   recipientDeliverySchema,
 *   recipientsPageSchema,
 *   recipientsResponseSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /status/{message_id}/recipients: one page, one item per recipient and dispatch
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     items: [
 *       {
 *         phone: "+243998857000",
 *         dispatch_at: "2026-05-27T10:15:00Z",
 *         status: "undelivered",
 *         carrier: "sandbox",
 *         error_code: "1504",
 *         reason: "Undeliverable",
 *         sent_at: "2026-05-27T10:15:02Z",
 *         delivered_at: null,
 *         failed_at: "2026-05-27T10:15:08Z",
 *         updated_at: "2026-05-27T10:15:08Z",
 *       },
 *     ],
 *     next_cursor: null, // pass a non-null cursor as ?cursor= to read the next page
 *   },
 * };
 * const page: RecipientsPage = recipientsResponseSchema.parse(body).data;
 * assert.equal(recipientsPageSchema.parse(page).next_cursor, null);
 * const [first] = page.items;
 * assert.equal(recipientDeliverySchema.parse(first).error_code, "1504");
 */
export const recipientDeliverySchema = z
  .object({
    phone: normalizedPhoneSchema,
    dispatch_at: utcTimestampSchema.meta({ description: "When this dispatch is (or was) due" }),
    status: deliveryStatusSchema,
    carrier: z
      .string()
      .nullable()
      .meta({ description: "Connector slug; null before routing", examples: ["sandbox"] }),
    error_code: deliveryErrorCodeSchema.nullable(),
    reason: z.string().nullable().meta({ description: "Why it did not succeed, when it did not" }),
    sent_at: utcTimestampSchema.nullable(),
    delivered_at: utcTimestampSchema.nullable(),
    failed_at: utcTimestampSchema
      .nullable()
      .meta({ description: "When it reached a final status other than delivered" }),
    updated_at: utcTimestampSchema,
  })
  .meta({ id: "RecipientDelivery" });

/** One recipient in one dispatch. */
export type RecipientDelivery = z.output<typeof recipientDeliverySchema>;

/**
 * `data` of `GET /status/{message_id}/recipients` (Extension): one page, ordered by dispatch then
 * recipient. Pass `next_cursor` as `?cursor=` for the next page; `null` on the last one.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   type RecipientsPage,
 *   recipientDeliverySchema,
 *   recipientsPageSchema,
 *   recipientsResponseSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /status/{message_id}/recipients: one page, one item per recipient and dispatch
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     items: [
 *       {
 *         phone: "+243998857000",
 *         dispatch_at: "2026-05-27T10:15:00Z",
 *         status: "undelivered",
 *         carrier: "sandbox",
 *         error_code: "1504",
 *         reason: "Undeliverable",
 *         sent_at: "2026-05-27T10:15:02Z",
 *         delivered_at: null,
 *         failed_at: "2026-05-27T10:15:08Z",
 *         updated_at: "2026-05-27T10:15:08Z",
 *       },
 *     ],
 *     next_cursor: null, // pass a non-null cursor as ?cursor= to read the next page
 *   },
 * };
 * const page: RecipientsPage = recipientsResponseSchema.parse(body).data;
 * assert.equal(recipientsPageSchema.parse(page).next_cursor, null);
 * const [first] = page.items;
 * assert.equal(recipientDeliverySchema.parse(first).error_code, "1504");
 */
export const recipientsPageSchema = z
  .object({
    message_id: messageIdSchema,
    items: z.array(recipientDeliverySchema),
    next_cursor: z.string().min(1).nullable().meta({ description: "Opaque; null on the last page" }),
  })
  .meta({ id: "RecipientsPage" });

/** One page of per-recipient detail. */
export type RecipientsPage = z.output<typeof recipientsPageSchema>;

/**
 * The whole 200 body of `GET /status/{message_id}/recipients`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   type RecipientsPage,
 *   recipientDeliverySchema,
 *   recipientsPageSchema,
 *   recipientsResponseSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /status/{message_id}/recipients: one page, one item per recipient and dispatch
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     items: [
 *       {
 *         phone: "+243998857000",
 *         dispatch_at: "2026-05-27T10:15:00Z",
 *         status: "undelivered",
 *         carrier: "sandbox",
 *         error_code: "1504",
 *         reason: "Undeliverable",
 *         sent_at: "2026-05-27T10:15:02Z",
 *         delivered_at: null,
 *         failed_at: "2026-05-27T10:15:08Z",
 *         updated_at: "2026-05-27T10:15:08Z",
 *       },
 *     ],
 *     next_cursor: null, // pass a non-null cursor as ?cursor= to read the next page
 *   },
 * };
 * const page: RecipientsPage = recipientsResponseSchema.parse(body).data;
 * assert.equal(recipientsPageSchema.parse(page).next_cursor, null);
 * const [first] = page.items;
 * assert.equal(recipientDeliverySchema.parse(first).error_code, "1504");
 */
export const recipientsResponseSchema = successEnvelopeSchema(recipientsPageSchema, 200).meta({
  id: "RecipientsResponse",
});
