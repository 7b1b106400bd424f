import * as z from "zod";
import { failedEventStatuses, type WebhookEventType } from "./event-types.js";
import {
  countSchema,
  currencySchema,
  encodingSchema,
  environmentSchema,
  messageIdSchema,
  moneySchema,
  normalizedPhoneSchema,
  offsetTimestampSchema,
  sendingTypeSchema,
  utcTimestampSchema,
} from "./primitives.js";
import { acceptedStatusSchema } from "./send-response.js";
import { deliveryErrorCodeSchema } from "./status-schemas.js";

/** Envelope fields every event shares, before `event_type` and `data`. */
const envelopeFields = {
  event_id: z.uuidv4().meta({
    description:
      "UUID v4; the same on every retry, so receivers deduplicate on it (also the webhook-id header)",
    examples: ["7d0e3c52-9a0f-4b8e-9d7c-2f1a6b3e4c5d"],
  }),
  timestamp: utcTimestampSchema.meta({ description: "When the event was emitted" }),
  message_id: messageIdSchema,
  occurred_at: utcTimestampSchema.meta({ description: "When the state changed (≤ timestamp)" }),
  sequence: z
    .int()
    .min(0)
    .meta({ description: "Per delivery, strictly increasing: order events by it, not by arrival" }),
  environment: environmentSchema,
};

function eventSchema<const T extends WebhookEventType, D extends z.ZodType>(type: T, data: D, id: string) {
  return z
    .object({ ...envelopeFields, event_type: z.literal(type), data })
    .meta({ id, description: `The ${type} webhook event` });
}

/** Fields every per-recipient event carries. */
const recipientFields = {
  recipient_phone: normalizedPhoneSchema,
  carrier: z.string().meta({ description: "Connector slug (sandbox in the sandbox)", examples: ["sandbox"] }),
  dispatch_at: utcTimestampSchema.meta({ description: "When the dispatch this delivery belongs to was due" }),
};

/**
 * `sms.queued`: once per send, after the 201 is committed, with the send's totals.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { smsQueuedEventSchema } from "@lisoloo/protocol/schemas";
 *
 * const queued = smsQueuedEventSchema.parse({
 *   event_id: "0b7e8c1a-3f5d-4e2a-9c6b-1d2e3f4a5b6c",
 *   event_type: "sms.queued",
 *   timestamp: "2026-05-27T10:15:01Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:00Z",
 *   sequence: 0,
 *   environment: "sandbox",
 *   data: {
 *     status: "scheduled",
 *     sending_type: "scheduled",
 *     total_recipients: 2,
 *     total_messages: 4,
 *     total_cost: 0.08,
 *     currency: "USD",
 *     unit_price: 0.02,
 *     segments: 1,
 *     encoding: "GSM-7",
 *     dispatches: 2,
 *     scheduled_at: "2030-06-01T08:00:00+01:00",
 *   },
 * });
 * assert.equal(queued.data.scheduled_at, "2030-06-01T08:00:00+01:00");
 */
export const smsQueuedEventSchema = eventSchema(
  "sms.queued",
  z.object({
    status: acceptedStatusSchema,
    sending_type: sendingTypeSchema,
    total_recipients: countSchema,
    total_messages: countSchema,
    total_cost: moneySchema,
    currency: currencySchema,
    unit_price: moneySchema,
    segments: z.int().min(1),
    encoding: encodingSchema,
    dispatches: z.int().min(1),
    scheduled_at: offsetTimestampSchema.nullable(),
  }),
  "SmsQueuedEvent",
);

/**
 * `sms.processing`: a delivery was handed to a carrier connector.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { smsProcessingEventSchema } from "@lisoloo/protocol/schemas";
 *
 * const processing = smsProcessingEventSchema.parse({
 *   event_id: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
 *   event_type: "sms.processing",
 *   timestamp: "2026-05-27T10:15:01Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:01Z",
 *   sequence: 1,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+243998857000",
 *     carrier: "sandbox",
 *     dispatch_at: "2026-05-27T10:15:00Z",
 *     status: "processing",
 *     processing_at: "2026-05-27T10:15:01Z",
 *   },
 * });
 * assert.equal(processing.data.status, "processing");
 */
export const smsProcessingEventSchema = eventSchema(
  "sms.processing",
  z.object({ ...recipientFields, status: z.literal("processing"), processing_at: utcTimestampSchema }),
  "SmsProcessingEvent",
);

/**
 * `sms.sent`: the carrier accepted the delivery.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { smsSentEventSchema } from "@lisoloo/protocol/schemas";
 *
 * const sent = smsSentEventSchema.parse({
 *   event_id: "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
 *   event_type: "sms.sent",
 *   timestamp: "2026-05-27T10:15:03Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:02Z",
 *   sequence: 2,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+243998857000",
 *     carrier: "sandbox",
 *     dispatch_at: "2026-05-27T10:15:00Z",
 *     status: "sent",
 *     sent_at: "2026-05-27T10:15:02Z",
 *   },
 * });
 * assert.equal(sent.data.sent_at, "2026-05-27T10:15:02Z");
 */
export const smsSentEventSchema = eventSchema(
  "sms.sent",
  z.object({ ...recipientFields, status: z.literal("sent"), sent_at: utcTimestampSchema }),
  "SmsSentEvent",
);

/**
 * `sms.delivered`: every segment reached the handset.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { smsDeliveredEventSchema } from "@lisoloo/protocol/schemas";
 *
 * const delivered = smsDeliveredEventSchema.parse({
 *   event_id: "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b",
 *   event_type: "sms.delivered",
 *   timestamp: "2026-05-27T10:15:06Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:05Z",
 *   sequence: 3,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+243998857000",
 *     carrier: "sandbox",
 *     dispatch_at: "2026-05-27T10:15:00Z",
 *     status: "delivered",
 *     delivered_at: "2026-05-27T10:15:05Z",
 *     segments: 1,
 *   },
 * });
 * assert.equal(delivered.data.segments, 1);
 */
export const smsDeliveredEventSchema = eventSchema(
  "sms.delivered",
  z.object({
    ...recipientFields,
    status: z.literal("delivered"),
    delivered_at: utcTimestampSchema,
    segments: z.int().min(1).meta({ description: "Segments delivered" }),
  }),
  "SmsDeliveredEvent",
);

/**
 * `sms.failed`: the delivery ended without success; `status` is the precise final status.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { smsFailedEventSchema, type WebhookEventOf } from "@lisoloo/protocol/schemas";
 *
 * const failed: WebhookEventOf<"sms.failed"> = smsFailedEventSchema.parse({
 *   event_id: "4f5a6b7c-8d9e-4f0a-9b2c-3d4e5f6a7b8c",
 *   event_type: "sms.failed",
 *   timestamp: "2026-05-27T10:15:02Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:01Z",
 *   sequence: 2,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+999000000005",
 *     carrier: null, // no connector could take it
 *     dispatch_at: "2026-05-27T10:15:00Z",
 *     failed_at: "2026-05-27T10:15:01Z",
 *     status: "failed",
 *     error_code: "1501",
 *     reason: "No carrier could take the message",
 *   },
 * });
 * assert.equal(failed.data.error_code, "1501");
 */
export const smsFailedEventSchema = eventSchema(
  "sms.failed",
  z.object({
    recipient_phone: normalizedPhoneSchema,
    carrier: z
      .string()
      .nullable()
      .meta({
        description: "Connector slug; null when no connector could take it (1501)",
        examples: ["sandbox"],
      }),
    dispatch_at: recipientFields.dispatch_at,
    failed_at: utcTimestampSchema,
    status: z.enum(failedEventStatuses),
    error_code: deliveryErrorCodeSchema,
    reason: z.string().meta({ examples: ["Undeliverable"] }),
  }),
  "SmsFailedEvent",
);

/**
 * Any webhook event, discriminated by `event_type`. Unknown fields are ignored, so receivers keep
 * working when fields are added.
 *
 * @example
 * import { type WebhookEvent, webhookEventSchema } from "@lisoloo/protocol/schemas";
 *
 * const rawBody = JSON.stringify({
 *   event_id: "7d0e3c52-9a0f-4b8e-9d7c-2f1a6b3e4c5d",
 *   event_type: "sms.failed",
 *   timestamp: "2026-05-27T10:15:09Z",
 *   message_id: "507f1f77bcf86cd799439011",
 *   occurred_at: "2026-05-27T10:15:08Z",
 *   sequence: 3,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+999000000001",
 *     carrier: "sandbox",
 *     dispatch_at: "2026-05-27T10:15:00Z",
 *     failed_at: "2026-05-27T10:15:08Z",
 *     status: "undelivered",
 *     error_code: "1504",
 *     reason: "Undeliverable",
 *   },
 * });
 *
 * const event: WebhookEvent = webhookEventSchema.parse(JSON.parse(rawBody));
 * if (event.event_type === "sms.failed") {
 *   console.log(event.data.recipient_phone, event.data.status, event.data.error_code);
 *   // +999000000001 undelivered 1504
 * }
 */
export const webhookEventSchema = z
  .discriminatedUnion("event_type", [
    smsQueuedEventSchema,
    smsProcessingEventSchema,
    smsSentEventSchema,
    smsDeliveredEventSchema,
    smsFailedEventSchema,
  ])
  .meta({ id: "WebhookEvent", description: "A webhook delivery's JSON body" });

/** Any webhook event. */
export type WebhookEvent = z.output<typeof webhookEventSchema>;
/** The event of one type, e.g. `WebhookEventOf<"sms.failed">`. */
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { event_type: T }>;
