import { assertNever } from "./assert-never.js";
import type { DeliveryStatus } from "./statuses.js";

/**
 * The webhook event types a delivery's transitions emit (`sms.queued` belongs to the send).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryEventTypes, eventTypeFor } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(eventTypeFor("sent", "delivered"), "sms.delivered");
 * assert.equal(eventTypeFor("pending", "delivered"), "sms.delivered"); // skipped statuses emit nothing
 * assert.equal(eventTypeFor("sent", "expired"), "sms.failed");
 * assert.equal(eventTypeFor("processing", "enroute"), null);
 * assert.deepEqual(deliveryEventTypes, ["sms.processing", "sms.sent", "sms.delivered", "sms.failed"]);
 */
export const deliveryEventTypes = ["sms.processing", "sms.sent", "sms.delivered", "sms.failed"] as const;

/** A per-recipient webhook event type. */
export type DeliveryEventType = (typeof deliveryEventTypes)[number];

/**
 * The event a delivery moving from `from` to `to` emits (CONTRACT §8), or `null` for none.
 *
 * - `processing` → `sms.processing`, `sent` → `sms.sent`, `delivered` → `sms.delivered`;
 * - every carrier or gateway failure (`undelivered`, `rejected`, `expired`, `delivery_unknown`,
 *   `failed`, `partially_delivered`) → `sms.failed`, whose `status` field names the precise one;
 * - `accepted` and `enroute` change the status but emit nothing;
 * - `cancelled` emits nothing: only deliveries not yet handed to a carrier can be cancelled, the
 *   merchant asked for it and got the answer from `DELETE /cancel`, and no 15xx code describes it;
 * - no change (`from === to`) emits nothing.
 *
 * A status that is skipped (a `delivered` receipt arriving before `sent`) emits nothing: one
 * transition, one event, for the status reached.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryEventTypes, eventTypeFor } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(eventTypeFor("sent", "delivered"), "sms.delivered");
 * assert.equal(eventTypeFor("pending", "delivered"), "sms.delivered"); // skipped statuses emit nothing
 * assert.equal(eventTypeFor("sent", "expired"), "sms.failed");
 * assert.equal(eventTypeFor("processing", "enroute"), null);
 * assert.deepEqual(deliveryEventTypes, ["sms.processing", "sms.sent", "sms.delivered", "sms.failed"]);
 */
export function eventTypeFor(from: DeliveryStatus, to: DeliveryStatus): DeliveryEventType | null {
  if (from === to) return null;
  switch (to) {
    case "processing":
      return "sms.processing";
    case "sent":
      return "sms.sent";
    case "delivered":
      return "sms.delivered";
    case "partially_delivered":
    case "undelivered":
    case "rejected":
    case "expired":
    case "delivery_unknown":
    case "failed":
      return "sms.failed";
    case "pending":
    case "accepted":
    case "enroute":
    case "cancelled":
      return null;
    default:
      return assertNever(to);
  }
}
