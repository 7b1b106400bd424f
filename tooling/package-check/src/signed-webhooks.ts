// Webhook requests as the gateway sends them (CONTRACT §8), signed with the `standardwebhooks` library
// rather than our own signer, so a README receiver is checked against an independent implementation.
import { randomBytes, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

export type WebhookRequest = {
  /** What the request stands for in a report, e.g. `webhook.ping`. */
  name: string;
  headers: Record<string, string>;
  body: string;
  /** Whether a correct receiver answers it with a 2xx. */
  expectSuccess: boolean;
};

/** A fresh signing secret in the gateway's format: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The body of an operator's `webhook.ping` (apps/gateway/src/webhooks/dispatcher/ping.ts). */
export function pingEvent(now: Date): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: "webhook.ping",
    timestamp: isoSeconds(now),
    message_id: null,
    data: { key_id: "key_dev_sandbox", merchant_id: "mer_sandbox", message: "Test event from Lisoloo" },
    occurred_at: isoSeconds(now),
    sequence: 0,
    environment: "sandbox",
  };
}

/** An `sms.delivered` event that `webhookEventSchema` accepts. */
export function deliveredEvent(now: Date): Record<string, unknown> {
  const at = isoSeconds(now);
  return {
    event_id: randomUUID(),
    event_type: "sms.delivered",
    timestamp: at,
    message_id: randomBytes(12).toString("hex"),
    data: {
      recipient_phone: "+243998857000",
      carrier: "sandbox",
      dispatch_at: at,
      status: "delivered",
      delivered_at: at,
      segments: 1,
    },
    occurred_at: at,
    sequence: 2,
    environment: "sandbox",
  };
}

function signed(name: string, secret: string, event: Record<string, unknown>, now: Date): WebhookRequest {
  const body = JSON.stringify(event);
  const id = String(event.event_id);
  return {
    name,
    body,
    expectSuccess: true,
    headers: {
      "content-type": "application/json",
      "user-agent": "Lisoloo-Webhooks/1",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, now, body),
    },
  };
}

/**
 * What every README receiver is sent: a ping and a delivery, each signed with `secret` (answer 2xx),
 * then the delivery signed with another secret, which a receiver that verifies must refuse.
 */
export function webhookRequests(secret: string, now = new Date()): WebhookRequest[] {
  const forged = signed(
    "sms.delivered signed with another secret",
    newWebhookSecret(),
    deliveredEvent(now),
    now,
  );
  return [
    signed("webhook.ping", secret, pingEvent(now), now),
    signed("sms.delivered", secret, deliveredEvent(now), now),
    { ...forged, expectSuccess: false },
  ];
}
