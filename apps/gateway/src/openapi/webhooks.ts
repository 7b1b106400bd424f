import {
  smsDeliveredEventSchema,
  smsFailedEventSchema,
  smsProcessingEventSchema,
  smsQueuedEventSchema,
  smsSentEventSchema,
  type WebhookEventType,
} from "@lisoloo/protocol";
import type { z } from "zod";
import type { JsonSchema, SchemaComponents } from "./components";
import { webhookEventExamples } from "./examples";

const events: Record<WebhookEventType, { schema: z.ZodType; summary: string }> = {
  "sms.queued": {
    schema: smsQueuedEventSchema,
    summary: "Once per send, after the 201 is committed, with its totals",
  },
  "sms.processing": { schema: smsProcessingEventSchema, summary: "A delivery was handed to a carrier" },
  "sms.sent": { schema: smsSentEventSchema, summary: "The carrier accepted a delivery" },
  "sms.delivered": { schema: smsDeliveredEventSchema, summary: "Every segment reached the handset" },
  "sms.failed": {
    schema: smsFailedEventSchema,
    summary: "A delivery ended without success; `status` and `error_code` say how",
  },
};

const description = [
  "Sent to the send's `callback_url`, else to the key's `webhook_url`. `POST` with `Content-Type: application/json` and `User-Agent: Lisoloo-Webhooks/1`; `Authorization: Basic …` when the key has both a username and a password.",
  "Signed the Standard Webhooks way: verify `webhook-signature` over `webhook-id.webhook-timestamp.body` with the key's `whsec_` secret (e.g. with the `standardwebhooks` library).",
  "Delivery is at least once: the same `event_id` comes back on every retry, so deduplicate on it, and order a delivery's events by `sequence`. Ignore fields you do not know; fields may be added.",
].join("\n\n");

const signatureHeaders = [
  {
    name: "webhook-id",
    in: "header",
    required: true,
    description: "Equal to the body's `event_id`; the same on every retry",
    schema: { type: "string", format: "uuid" },
  },
  {
    name: "webhook-timestamp",
    in: "header",
    required: true,
    description: "Unix seconds when this attempt was signed; refuse ones far from your clock",
    schema: { type: "string", pattern: "^\\d+$" },
    example: "1779876900",
  },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description:
      "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `id.timestamp.body`; two while a rotated secret overlaps the new one",
    schema: { type: "string", pattern: "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$" },
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  },
  {
    name: "User-Agent",
    in: "header",
    required: true,
    schema: { type: "string", const: "Lisoloo-Webhooks/1" },
  },
];

const responses = {
  "2XX": { description: "Received. Any 2xx within 10 seconds counts as delivered." },
  "410": { description: "Gone: no more events are sent to this endpoint until its URL is set again." },
  default: {
    description:
      "Anything else is a failure. Network errors, timeouts, 3xx (redirects are never followed), 429 (honouring `Retry-After`) and 5xx are retried after 30 s, 2 min, 10 min and 1 h; other 4xx are not. After the fifth attempt the event is kept as dead and can be replayed by an operator.",
  },
};

/**
 * The OpenAPI 3.1 `webhooks` of CONTRACT §8: one entry per event type, each a `POST` the receiver
 * implements, with that event's own schema. The `WebhookEvent` union is left out: nothing in the
 * document would refer to it (the protocol package exports it to receivers in TypeScript).
 */
export function buildWebhooks(components: SchemaComponents): Record<string, JsonSchema> {
  const webhooks: Record<string, JsonSchema> = {};
  for (const [type, event] of Object.entries(events) as [
    WebhookEventType,
    (typeof events)[WebhookEventType],
  ][]) {
    webhooks[type] = {
      post: {
        operationId: `on_${type.replace(".", "_")}`,
        tags: ["Webhooks"],
        summary: event.summary,
        description,
        security: [{}, { webhookBasicAuth: [] }],
        parameters: signatureHeaders,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: components.schemaOf(event.schema),
              example: webhookEventExamples[type],
            },
          },
        },
        responses,
      },
    };
  }
  return webhooks;
}
