import { type WebhookEvent, webhookEventTypes } from "@lisoloo/protocol/schemas";
import { readWebhookEvent } from "./event-shape.js";
import { constantTimeEqual, hmacSha256, secretKeyBytes, signedContent, v1Signatures } from "./signature.js";
import { WebhookVerificationError } from "./verification-error.js";

/**
 * The request's headers: a Fetch `Headers`, or a plain object such as Node's `req.headers` (names
 * in any case; a repeated `webhook-signature` header's values are joined).
 */
export type WebhookRequestHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verifyWebhook} and {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** The largest gap, either way, between `webhook-timestamp` and now. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The clock, as a `Date` or Unix milliseconds. Default: the current time. */
  now?: Date | number;
}

/** What {@link verifyWebhookSignature} vouches for. */
export interface VerifiedWebhookHeaders {
  /** `webhook-id`: the event id, the same on every retry; deduplicate on it. */
  id: string;
  /** `webhook-timestamp`: when this attempt was signed, Unix seconds. */
  timestamp: number;
}

function headerOf(headers: WebhookRequestHeaders, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === "string" ? value : value.join(" ");
  }
  return null;
}

function requiredHeader(headers: WebhookRequestHeaders, name: string): string {
  const value = headerOf(headers, name)?.trim();
  if (!value) throw new WebhookVerificationError("missing_header", `The ${name} header is missing`);
  return value;
}

function nowSeconds(now: Date | number | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === "number" ? now : now.getTime();
  return Math.floor(ms / 1000);
}

/**
 * Checks a Standard Webhooks signature without reading the body: the `webhook-signature` header
 * must hold a `v1` HMAC-SHA256 of `"{webhook-id}.{webhook-timestamp}.{body}"` under one of
 * `secrets` (several while a secret is being rotated; any match is enough, each compared in
 * constant time), and the timestamp must be within `toleranceSeconds` of now, which stops replays.
 * Throws {@link WebhookVerificationError}; a malformed secret throws a `TypeError`.
 *
 * Pass the body exactly as received: parsing and re-serialising it changes the bytes.
 *
 * @example
 * import { signWebhook, verifyWebhookSignature } from "@lisoloo/client/webhooks";
 * import { z } from "zod";
 *
 * const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // a test secret
 * // A request as the gateway sends it; in a receiver, the request's own body and headers.
 * const { body, headers } = await signWebhook({
 *   secret,
 *   payload: { event_id: crypto.randomUUID(), event_type: "webhook.ping", message_id: null, data: {} },
 * });
 *
 * const { id, timestamp } = await verifyWebhookSignature(body, headers, secret);
 * const ping = z.object({ event_id: z.uuid(), event_type: z.string() }).parse(JSON.parse(body));
 * console.log(id === ping.event_id, ping.event_type, Math.abs(Date.now() / 1000 - timestamp) < 5); // true "webhook.ping" true
 */
export async function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  headers: WebhookRequestHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhookHeaders> {
  const keys = (typeof secrets === "string" ? [secrets] : secrets).map(secretKeyBytes);
  if (keys.length === 0) throw new TypeError("At least one webhook secret is required");
  const id = requiredHeader(headers, "webhook-id");
  const timestampText = requiredHeader(headers, "webhook-timestamp");
  const signatureHeader = requiredHeader(headers, "webhook-signature");

  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError("invalid_timestamp", "webhook-timestamp must be Unix seconds");
  }
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = nowSeconds(options.now);
  if (now - timestamp > tolerance) {
    throw new WebhookVerificationError(
      "timestamp_too_old",
      `Signed ${now - timestamp} s ago (tolerance ${tolerance} s)`,
    );
  }
  if (timestamp - now > tolerance) {
    throw new WebhookVerificationError(
      "timestamp_too_new",
      `Signed ${timestamp - now} s ahead (tolerance ${tolerance} s)`,
    );
  }

  const content = signedContent(id, timestampText, rawBody);
  const expected = await Promise.all(keys.map((key) => hmacSha256(key, content)));
  const received = v1Signatures(signatureHeader);
  const matches = received.some((signature) => expected.some((mac) => constantTimeEqual(signature, mac)));
  if (!matches) {
    throw new WebhookVerificationError("no_matching_signature", "No signature matches any of the secrets");
  }
  return { id, timestamp };
}

/**
 * Verifies a webhook request from the Lisoloo API (see {@link verifyWebhookSignature}) and returns
 * its body as a typed event, checked as the protocol's `webhookEventSchema` checks it (unknown fields
 * are dropped) but without loading zod. A body that is signed but not one of the five events throws
 * with reason `unknown_event_type` (an operator's `webhook.ping`, an event type newer than this
 * package) or `invalid_payload`, whose `cause` names the first field that does not fit.
 *
 * @example
 * import { verifyWebhook, WebhookVerificationError } from "@lisoloo/client/webhooks";
 *
 * const secret = process.env.LISOLOO_WEBHOOK_SECRET ?? "";
 *
 * export default {
 *   async fetch(request: Request): Promise<Response> {
 *     try {
 *       const event = await verifyWebhook(await request.text(), request.headers, secret);
 *       if (event.event_type === "sms.failed") console.log(event.data.recipient_phone, event.data.error_code);
 *       return new Response(null, { status: 204 });
 *     } catch (error) {
 *       if (!(error instanceof WebhookVerificationError)) throw error;
 *       // webhook.ping, or an event type newer than this package: authentic, so acknowledge it.
 *       if (error.reason === "unknown_event_type") return new Response(null, { status: 204 });
 *       return new Response(error.reason, { status: error.reason === "invalid_payload" ? 400 : 401 });
 *     }
 *   },
 * };
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookRequestHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  await verifyWebhookSignature(rawBody, headers, secrets, options);
  const text = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new WebhookVerificationError("invalid_payload", "The body is not JSON", { cause });
  }
  const reading = readWebhookEvent(json);
  if (reading.ok) return reading.event;
  const type =
    typeof json === "object" && json !== null ? (json as { event_type?: unknown }).event_type : null;
  if (typeof type === "string" && !(webhookEventTypes as readonly string[]).includes(type)) {
    throw new WebhookVerificationError("unknown_event_type", `${type} is not an event this package knows`);
  }
  throw new WebhookVerificationError("invalid_payload", "The body is not a Lisoloo webhook event", {
    cause: new TypeError(`${reading.field} must be ${reading.expected}`),
  });
}
