import { z } from "zod";
import { type TerminalDeliveryStatus, terminalDeliveryStatuses } from "../lifecycle/statuses.js";
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

/** The five webhook event types (CONTRACT §8), stable. */
export const webhookEventTypes = [
  "sms.queued",
  "sms.processing",
  "sms.sent",
  "sms.delivered",
  "sms.failed",
] as const;

/** A webhook event type. */
export type WebhookEventType = (typeof webhookEventTypes)[number];

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

/** `sms.queued`: once per send, after the 201 is committed, with the send's totals. */
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

/** `sms.processing`: a delivery was handed to a carrier connector. */
export const smsProcessingEventSchema = eventSchema(
  "sms.processing",
  z.object({ ...recipientFields, status: z.literal("processing"), processing_at: utcTimestampSchema }),
  "SmsProcessingEvent",
);

/** `sms.sent`: the carrier accepted the delivery. */
export const smsSentEventSchema = eventSchema(
  "sms.sent",
  z.object({ ...recipientFields, status: z.literal("sent"), sent_at: utcTimestampSchema }),
  "SmsSentEvent",
);

/** `sms.delivered`: every segment reached the handset. */
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

/** The final statuses `sms.failed` reports: every terminal one except `delivered` and `cancelled`. */
export const failedEventStatuses = terminalDeliveryStatuses.filter(
  (status): status is Exclude<TerminalDeliveryStatus, "delivered" | "cancelled"> =>
    status !== "delivered" && status !== "cancelled",
);

/** `sms.failed`: the delivery ended without success; `status` is the precise final status. */
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
 * @example
 * const event = webhookEventSchema.parse(JSON.parse(body));
 * if (event.event_type === "sms.failed") console.log(event.data.error_code);
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
