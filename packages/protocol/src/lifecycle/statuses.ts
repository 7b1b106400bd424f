/**
 * Every status a message (a send request) can report (CONTRACT §7). `partially_delivered`,
 * `unknown`, `none`, `scheduled` and `paused` describe a whole message; the others are also
 * statuses of a single delivery (one recipient × one dispatch).
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

/** The delivery statuses that never change again. */
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

/** The rank every terminal status shares: nothing outranks it. */
export const TERMINAL_RANK = 5;

/**
 * How far along the pipeline a delivery status is. A delivery only ever moves to a higher rank.
 *
 * @example
 * deliveryStatusRank.sent > deliveryStatusRank.accepted; // true
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
 * isTerminal("delivered"); // true
 * isTerminal("enroute"); // false
 */
export function isTerminal(status: DeliveryStatus): status is TerminalDeliveryStatus {
  return terminalSet.has(status);
}

/**
 * Whether a string is one of the delivery statuses.
 *
 * @example
 * isDeliveryStatus("sent"); // true
 * isDeliveryStatus("paused"); // false
 */
export function isDeliveryStatus(value: string): value is DeliveryStatus {
  return (deliveryStatuses as readonly string[]).includes(value);
}
