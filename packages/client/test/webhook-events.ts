import { randomBytes } from "node:crypto";

/** A fresh `whsec_` secret of 32 random bytes. */
export const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
const messageId = () => randomBytes(12).toString("hex");

function envelope(event_type: string, data: Record<string, unknown>) {
  return {
    event_id: crypto.randomUUID(),
    event_type,
    timestamp: "2026-05-28T20:26:41.000Z",
    message_id: messageId(),
    occurred_at: "2026-05-28T20:26:40.000Z",
    sequence: 2,
    environment: "sandbox",
    data,
  };
}

const recipient = {
  recipient_phone: "+243998857000",
  carrier: "sandbox",
  dispatch_at: "2026-05-28T20:26:40Z",
};

/** One well-formed event of each of the five types, with fresh ids. */
export const events = {
  "sms.queued": () =>
    envelope("sms.queued", {
      status: "pending",
      sending_type: "immediate",
      total_recipients: 2,
      total_messages: 2,
      total_cost: 0.04,
      currency: "USD",
      unit_price: 0.02,
      segments: 1,
      encoding: "GSM-7",
      dispatches: 1,
      scheduled_at: null,
    }),
  "sms.processing": () =>
    envelope("sms.processing", { ...recipient, status: "processing", processing_at: "2026-05-28T20:26:40Z" }),
  "sms.sent": () => envelope("sms.sent", { ...recipient, status: "sent", sent_at: "2026-05-28T20:26:40Z" }),
  "sms.delivered": () =>
    envelope("sms.delivered", {
      ...recipient,
      status: "delivered",
      delivered_at: "2026-05-28T20:26:40Z",
      segments: 2,
    }),
  "sms.failed": () =>
    envelope("sms.failed", {
      ...recipient,
      carrier: null,
      failed_at: "2026-05-28T20:26:40Z",
      status: "failed",
      error_code: "1501",
      reason: "No carrier could take the message",
    }),
};

/** An operator's test request, shaped as the gateway's `pingWebhook` builds it. */
export function pingEvent() {
  return {
    ...envelope("webhook.ping", {
      key_id: "key_dev_sandbox",
      merchant_id: "mer_dev",
      message: "Test event from Lisoloo",
    }),
    message_id: null,
    sequence: 0,
  };
}
