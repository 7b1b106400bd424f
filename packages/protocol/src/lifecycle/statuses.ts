/**
 * Every status a message (a send request) can report (CONTRACT §7). `scheduled`, `paused`,
 * `unknown` and `none` describe a whole message only; the others are also statuses of a single
 * delivery (one recipient × one dispatch), listed in {@link deliveryStatuses}.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryStatuses, type MessageStatus, messageStatuses } from "@lisoloo/protocol/lifecycle";
 *
 * const statuses: readonly MessageStatus[] = messageStatuses;
 * assert.equal(statuses.length, 17);
 * assert.equal(deliveryStatuses.length, 13);
 * // The statuses a message can have but a delivery cannot
 * const messageOnly = messageStatuses.filter((s) => !(deliveryStatuses as readonly string[]).includes(s));
 * assert.deepEqual(messageOnly, ["scheduled", "unknown", "none", "paused"]);
 */
export const messageStatuses = [
  "pending",
  "scheduled",
  "processing",
  "accepted",
  "enroute",
  "sent",
  "delivered",
  "partially_delivered",
  "delivery_unknown",
  "undelivered",
  "rejected",
  "expired",
  "failed",
  "unknown",
  "none",
  "cancelled",
  "paused",
] as const;

/** A status of a whole message. */
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * The statuses one delivery can have. A multipart delivery whose parts ended differently is
 * `partially_delivered` (see `lifecycle/receipts.ts`), which is therefore a delivery status too.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryStatuses, type MessageStatus, messageStatuses } from "@lisoloo/protocol/lifecycle";
 *
 * const statuses: readonly MessageStatus[] = messageStatuses;
 * assert.equal(statuses.length, 17);
 * assert.equal(deliveryStatuses.length, 13);
 * // The statuses a message can have but a delivery cannot
 * const messageOnly = messageStatuses.filter((s) => !(deliveryStatuses as readonly string[]).includes(s));
 * assert.deepEqual(messageOnly, ["scheduled", "unknown", "none", "paused"]);
 */
export const deliveryStatuses = [
  "pending",
  "processing",
  "accepted",
  "enroute",
  "sent",
  "delivered",
  "partially_delivered",
  "undelivered",
  "rejected",
  "expired",
  "delivery_unknown",
  "failed",
  "cancelled",
] as const;

/** A status of one delivery (one recipient in one dispatch). */
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * The delivery statuses that never change again.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryStatusRank, TERMINAL_RANK, terminalDeliveryStatuses } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(deliveryStatusRank.pending, 0);
 * assert.ok(deliveryStatusRank.sent > deliveryStatusRank.accepted);
 * assert.equal(TERMINAL_RANK, 5);
 * for (const status of terminalDeliveryStatuses) assert.equal(deliveryStatusRank[status], TERMINAL_RANK);
 */
export const terminalDeliveryStatuses = [
  "delivered",
  "partially_delivered",
  "undelivered",
  "rejected",
  "expired",
  "delivery_unknown",
  "failed",
  "cancelled",
] as const satisfies readonly DeliveryStatus[];

/** A delivery status that never changes again. */
export type TerminalDeliveryStatus = (typeof terminalDeliveryStatuses)[number];

/**
 * The rank every terminal status shares: nothing outranks it.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryStatusRank, TERMINAL_RANK, terminalDeliveryStatuses } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(deliveryStatusRank.pending, 0);
 * assert.ok(deliveryStatusRank.sent > deliveryStatusRank.accepted);
 * assert.equal(TERMINAL_RANK, 5);
 * for (const status of terminalDeliveryStatuses) assert.equal(deliveryStatusRank[status], TERMINAL_RANK);
 */
export const TERMINAL_RANK = 5;

/**
 * How far along the pipeline a delivery status is. A delivery only ever moves to a higher rank.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryStatusRank, TERMINAL_RANK, terminalDeliveryStatuses } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(deliveryStatusRank.pending, 0);
 * assert.ok(deliveryStatusRank.sent > deliveryStatusRank.accepted);
 * assert.equal(TERMINAL_RANK, 5);
 * for (const status of terminalDeliveryStatuses) assert.equal(deliveryStatusRank[status], TERMINAL_RANK);
 */
export const deliveryStatusRank: Readonly<Record<DeliveryStatus, number>> = {
  pending: 0,
  processing: 1,
  accepted: 2,
  enroute: 3,
  sent: 4,
  delivered: TERMINAL_RANK,
  partially_delivered: TERMINAL_RANK,
  undelivered: TERMINAL_RANK,
  rejected: TERMINAL_RANK,
  expired: TERMINAL_RANK,
  delivery_unknown: TERMINAL_RANK,
  failed: TERMINAL_RANK,
  cancelled: TERMINAL_RANK,
};

const terminalSet: ReadonlySet<string> = new Set(terminalDeliveryStatuses);

/**
 * Whether a delivery status is final.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { isDeliveryStatus, isTerminal } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(isTerminal("delivered"), true);
 * assert.equal(isTerminal("enroute"), false);
 * // Narrow a string read from storage or a webhook
 * const value: string = "sent";
 * assert.ok(isDeliveryStatus(value));
 * assert.equal(isTerminal(value), false);
 * assert.equal(isDeliveryStatus("paused"), false); // a message status only
 */
export function isTerminal(status: DeliveryStatus): status is TerminalDeliveryStatus {
  return terminalSet.has(status);
}

/**
 * Whether a string is one of the delivery statuses.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { isDeliveryStatus, isTerminal } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(isTerminal("delivered"), true);
 * assert.equal(isTerminal("enroute"), false);
 * // Narrow a string read from storage or a webhook
 * const value: string = "sent";
 * assert.ok(isDeliveryStatus(value));
 * assert.equal(isTerminal(value), false);
 * assert.equal(isDeliveryStatus("paused"), false); // a message status only
 */
export function isDeliveryStatus(value: string): value is DeliveryStatus {
  return (deliveryStatuses as readonly string[]).includes(value);
}
