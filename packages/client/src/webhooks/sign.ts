import { newIdempotencyKey } from "../idempotency-key.js";
import { hmacSha256, secretKeyBytes, signedContent, toBase64 } from "./signature.js";

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /** The `whsec_…` secret, or several (each adds a signature, as the gateway does while rotating). */
  secret: string | readonly string[];
  /** The event: an object is sent as its JSON, a string exactly as given. */
  payload: unknown;
  /** The `webhook-id` header. Default: the payload's `event_id` (as the gateway sends), else a UUID. */
  id?: string;
  /** When the request is signed, as a `Date` or Unix seconds. Default: now. */
  timestamp?: Date | number;
}

/** A webhook request as the gateway would send it: see {@link signWebhook}. */
export interface SignedWebhook {
  /** The body, byte for byte what was signed. */
  body: string;
  /** `content-type` and the three Standard Webhooks headers. */
  headers: {
    "content-type": "application/json";
    "webhook-id": string;
    "webhook-timestamp": string;
    "webhook-signature": string;
  };
}

function secondsOf(timestamp: Date | number | undefined): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000);
  if (timestamp instanceof Date) return Math.floor(timestamp.getTime() / 1000);
  // Past the year 2286 in seconds, or any fraction: milliseconds passed by mistake, most likely.
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp >= 10_000_000_000) {
    throw new TypeError("timestamp must be a Date or whole Unix seconds");
  }
  return timestamp;
}

function idOf(payload: unknown): string {
  const eventId =
    typeof payload === "object" && payload !== null ? (payload as { event_id?: unknown }).event_id : null;
  return typeof eventId === "string" && eventId !== "" ? eventId : newIdempotencyKey();
}

/**
 * Signs a webhook request the way the gateway does (Standard Webhooks: a `v1` HMAC-SHA256 of
 * `"{webhook-id}.{webhook-timestamp}.{body}"` under the `whsec_…` secret), so tests can post
 * authentic events to their own receiver. `verifyWebhook` and the `standardwebhooks` library both
 * accept what it returns.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { createWebhookHandler, signWebhook } from "@lisoloo/client/webhooks";
 *
 * const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // a test secret
 * const received: string[] = [];
 * const handleWebhook = createWebhookHandler({
 *   secret,
 *   onEvent: (event) => {
 *     received.push(`${event.event_type} ${event.event_id}`);
 *   },
 * });
 *
 * const event = {
 *   event_id: crypto.randomUUID(),
 *   event_type: "sms.delivered",
 *   timestamp: "2026-05-28T20:26:41Z",
 *   message_id: "6a1a2b3c4d5e6f7a8b9c0d1e",
 *   occurred_at: "2026-05-28T20:26:40Z",
 *   sequence: 3,
 *   environment: "sandbox",
 *   data: {
 *     recipient_phone: "+243998857000",
 *     carrier: "sandbox",
 *     dispatch_at: "2026-05-28T20:26:38Z",
 *     status: "delivered",
 *     delivered_at: "2026-05-28T20:26:40Z",
 *     segments: 1,
 *   },
 * };
 * const { headers, body } = await signWebhook({ secret, payload: event });
 * const response = await handleWebhook(new Request("http://localhost/webhooks/lisoloo", { method: "POST", headers, body }));
 *
 * assert.equal(response.status, 204);
 * assert.deepEqual(received, [`sms.delivered ${event.event_id}`]);
 */
export async function signWebhook(options: SignWebhookOptions): Promise<SignedWebhook> {
  const secrets = typeof options.secret === "string" ? [options.secret] : options.secret;
  const keys = secrets.map(secretKeyBytes);
  if (keys.length === 0) throw new TypeError("At least one webhook secret is required");
  const body = typeof options.payload === "string" ? options.payload : JSON.stringify(options.payload);
  if (body === undefined) throw new TypeError("payload must be a string or a JSON value");
  const id = options.id ?? idOf(options.payload);
  const timestamp = String(secondsOf(options.timestamp));
  const content = signedContent(id, timestamp, body);
  const macs = await Promise.all(keys.map((key) => hmacSha256(key, content)));
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": macs.map((mac) => `v1,${toBase64(mac)}`).join(" "),
    },
  };
}
