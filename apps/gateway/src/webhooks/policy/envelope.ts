import { isoSeconds } from "../../iso-seconds";

/** The JSON body of a webhook request (CONTRACT §8). */

/** What the outbox knows about an event, independent of any attempt. */
export type EnvelopeSource = {
  eventId: string;
  eventType: string;
  /** The send's `message_id`; null for an operator's ping, which belongs to no send. */
  messageId: string | null;
  /** The event's `data` object, as stored in the outbox (JSON text). */
  payload: string;
  /** When the state changed, in Unix milliseconds. */
  occurredAt: number;
  sequence: number;
};

export type WebhookEnvelope = {
  event_id: string;
  event_type: string;
  timestamp: string;
  message_id: string | null;
  data: unknown;
  occurred_at: string;
  sequence: number;
  environment: string;
};

/**
 * The envelope of one attempt. `timestamp` is when this attempt is emitted, so it changes from retry
 * to retry while `event_id`, `occurred_at` and `sequence` stay fixed: receivers deduplicate on the id
 * and order on the sequence, never on arrival.
 *
 * @example
 * buildEnvelope({ eventId: "7d0e…", eventType: "sms.sent", messageId: "6a1a…", payload: '{"status":"sent"}',
 *   occurredAt: 1_780_000_000_000, sequence: 2 }, Date.now(), "sandbox")
 * // { event_id: "7d0e…", event_type: "sms.sent", timestamp: "2026-…Z", message_id: "6a1a…",
 * //   data: { status: "sent" }, occurred_at: "2026-05-28T20:26:40.000Z", sequence: 2, environment: "sandbox" }
 */
export function buildEnvelope(
  source: EnvelopeSource,
  emittedAtMs: number,
  environment: string,
): WebhookEnvelope {
  // Key order follows the contract's listing, so a body reads like the documentation.
  return {
    event_id: source.eventId,
    event_type: source.eventType,
    // To the second, as every timestamp of the API and the documented envelope (`2026-05-27T10:15:08Z`).
    timestamp: isoSeconds(emittedAtMs),
    message_id: source.messageId,
    data: JSON.parse(source.payload) as unknown,
    occurred_at: isoSeconds(source.occurredAt),
    sequence: source.sequence,
    environment,
  };
}
