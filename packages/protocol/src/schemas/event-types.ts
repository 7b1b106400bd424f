// Plain data, kept apart from the event schemas: importing these constants must not pull zod into a
// bundle (the client's webhook verifier needs them and nothing else).
import { type TerminalDeliveryStatus, terminalDeliveryStatuses } from "../lifecycle/statuses.js";

/**
 * The five webhook event types (CONTRACT §8), stable.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { failedEventStatuses, type WebhookEventType, webhookEventTypes } from "@lisoloo/protocol/schemas";
 *
 * const types: readonly WebhookEventType[] = webhookEventTypes;
 * assert.deepEqual(types, ["sms.queued", "sms.processing", "sms.sent", "sms.delivered", "sms.failed"]);
 * // The `status` values an sms.failed event can carry
 * assert.deepEqual(failedEventStatuses, [
 *   "partially_delivered",
 *   "undelivered",
 *   "rejected",
 *   "expired",
 *   "delivery_unknown",
 *   "failed",
 * ]);
 */
export const webhookEventTypes = [
  "sms.queued",
  "sms.processing",
  "sms.sent",
  "sms.delivered",
  "sms.failed",
] as const;

/** A webhook event type. */
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * The final statuses `sms.failed` reports: every terminal one except `delivered` and `cancelled`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { failedEventStatuses, type WebhookEventType, webhookEventTypes } from "@lisoloo/protocol/schemas";
 *
 * const types: readonly WebhookEventType[] = webhookEventTypes;
 * assert.deepEqual(types, ["sms.queued", "sms.processing", "sms.sent", "sms.delivered", "sms.failed"]);
 * // The `status` values an sms.failed event can carry
 * assert.deepEqual(failedEventStatuses, [
 *   "partially_delivered",
 *   "undelivered",
 *   "rejected",
 *   "expired",
 *   "delivery_unknown",
 *   "failed",
 * ]);
 */
export const failedEventStatuses = terminalDeliveryStatuses.filter(
  (status): status is Exclude<TerminalDeliveryStatus, "delivered" | "cancelled"> =>
    status !== "delivered" && status !== "cancelled",
);
