// The webhook check: the smoke send's events reach the receiver signed and with the Basic login
// (CONTRACT §8): `sms.queued`, then each recipient's final event with its error code.

import { failed, passed } from "./report.mjs";
import { smokeRecipients } from "./send-checks.mjs";

/**
 * @typedef {import("./receiver.mjs").Arrival} Arrival
 * @typedef {import("./receiver.mjs").WebhookEvent} WebhookEvent
 * @typedef {{ label: string; matches: (event: WebhookEvent) => boolean }} ExpectedEvent
 */

/** The events that must arrive for a smoke send. @returns {ExpectedEvent[]} */
function expectedEvents() {
  return [
    { label: "sms.queued", matches: (e) => e.event_type === "sms.queued" },
    ...smokeRecipients.map((r) => {
      const type = r.status === "delivered" ? "sms.delivered" : "sms.failed";
      return {
        label: `${type}${r.errorCode ? ` ${r.errorCode}` : ""} ${r.phone}`,
        /** @param {WebhookEvent} e */
        matches: (e) =>
          e.event_type === type &&
          e.data.recipient_phone === r.phone &&
          (e.event_type !== "sms.failed" || e.data.error_code === r.errorCode),
      };
    }),
  ];
}

/**
 * Waits up to `timeoutMs` for the send's events, then judges what arrived.
 * @param {import("./receiver.mjs").Receiver} receiver
 * @param {string} messageId
 * @param {{ timeoutMs: number; signal: AbortSignal }} wait
 */
export async function checkWebhook(receiver, messageId, wait) {
  const expected = expectedEvents();
  /** @param {Arrival[]} arrivals */
  const eventsOf = (arrivals) =>
    arrivals.flatMap((a) => ("event" in a && a.event.message_id === messageId ? [a.event] : []));
  /** @param {Arrival[]} arrivals */
  const missing = (arrivals) => expected.filter((x) => !eventsOf(arrivals).some(x.matches));
  await receiver.waitFor((arrivals) => missing(arrivals).length === 0, wait.timeoutMs, wait.signal);

  const arrivals = receiver.arrivals();
  const events = eventsOf(arrivals);
  const refused = arrivals.flatMap((a) => ("refused" in a ? [a.refused] : []));
  if (refused.length > 0) return failed(`${refused.length} webhook request(s) refused, first: ${refused[0]}`);
  const absent = missing(arrivals);
  const waited = wait.signal.aborted ? "before the interruption" : `within ${wait.timeoutMs / 1000} s`;
  if (absent.length > 0)
    return failed(
      `${events.length} events of ${messageId} ${waited} (${[...new Set(events.map((e) => e.event_type))].join(", ") || "none"}); missing ${absent.map((x) => x.label).join(", ")}`,
    );
  return passed(
    `${events.length} events of ${messageId} arrived signed (verifyWebhook) with the Basic login: ${expected.map((x) => x.label).join(", ")}`,
  );
}
