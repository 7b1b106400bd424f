import {
  type DeliveryStatus,
  deliveryStatuses,
  deliveryStatusRank,
  isTerminal,
  type MessageStatus,
} from "./statuses.js";

/** How many deliveries are in each status; a missing status counts 0. Fits a SQL `GROUP BY status`. */
export type DeliveryCounts = Partial<Readonly<Record<DeliveryStatus, number>>>;

/** What the aggregate of a message is computed from. */
export interface MessageTally {
  /** Deliveries that exist, counted per status. */
  readonly deliveries: DeliveryCounts;
  /** Deliveries of dispatches not released yet (recipients × future dispatches). Default 0. */
  readonly futureDeliveries?: number | undefined;
  /** The message was cancelled. */
  readonly cancelled?: boolean | undefined;
  /** The message is paused. */
  readonly paused?: boolean | undefined;
}

/** The counters of `GET /status` (CONTRACT §7); they always add up to `total_deliveries`. */
export interface DeliveryCountSummary {
  readonly delivered: number;
  readonly failed: number;
  readonly pending: number;
  readonly cancelled: number;
  readonly total_deliveries: number;
}

/**
 * Counts a list of delivery statuses into the `deliveries` of a {@link MessageTally}; every status
 * is present, 0 when absent.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { aggregateStatus, tallyDeliveries } from "@lisoloo/protocol/lifecycle";
 *
 * const deliveries = tallyDeliveries(["delivered", "sent", "delivered"]);
 * assert.equal(deliveries.delivered, 2);
 * assert.equal(deliveries.failed, 0); // every status is present
 * assert.equal(aggregateStatus({ deliveries }), "sent");
 */
export function tallyDeliveries(statuses: Iterable<DeliveryStatus>): Record<DeliveryStatus, number> {
  const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const status of statuses) counts[status] += 1;
  return counts;
}

/**
 * The status `GET /status` reports for a whole message (CONTRACT §7):
 *
 * 1. `paused` while paused (unless cancelled);
 * 2. while any delivery is unfinished, the least advanced unfinished status — also after a cancel,
 *    for what a carrier already holds;
 * 3. `cancelled` once a cancelled message has nothing in flight;
 * 4. `scheduled` when nothing is in flight but dispatches remain;
 * 5. when everything is final: all `delivered` → `delivered`; some `delivered` (or
 *    `partially_delivered`) → `partially_delivered`; none delivered and all the same → that status;
 *    otherwise `failed`;
 * 6. `none` when the message has no delivery at all.
 *
 * It depends only on the counts, so the order deliveries are listed or summed in never matters.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { aggregateStatus } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(
 *   aggregateStatus({ deliveries: { delivered: 2, expired: 1, sent: 1 }, futureDeliveries: 4 }),
 *   "sent",
 * );
 * assert.equal(aggregateStatus({ deliveries: { delivered: 3 }, futureDeliveries: 3 }), "scheduled");
 * assert.equal(aggregateStatus({ deliveries: { delivered: 2, undelivered: 1 } }), "partially_delivered");
 * assert.equal(aggregateStatus({ deliveries: { rejected: 2 } }), "rejected");
 * assert.equal(aggregateStatus({ deliveries: { rejected: 1, expired: 1 } }), "failed");
 * assert.equal(aggregateStatus({ deliveries: {}, futureDeliveries: 3, paused: true }), "paused");
 * assert.equal(aggregateStatus({ deliveries: {} }), "none");
 */
export function aggregateStatus(tally: MessageTally): MessageStatus {
  const counts = normalize(tally);
  if (tally.paused === true && tally.cancelled !== true) return "paused";
  let least: DeliveryStatus | null = null;
  let finished = 0;
  let finalStatuses = 0;
  let lastFinal: DeliveryStatus | null = null;
  for (const status of deliveryStatuses) {
    const n = counts.deliveries[status];
    if (n === 0) continue;
    if (!isTerminal(status)) {
      if (least === null || deliveryStatusRank[status] < deliveryStatusRank[least]) least = status;
      continue;
    }
    finished += n;
    finalStatuses += 1;
    lastFinal = status;
  }
  if (least !== null) return least;
  if (tally.cancelled === true) return "cancelled";
  if (counts.future > 0) return "scheduled";
  if (lastFinal === null) return "none";
  const delivered = counts.deliveries.delivered;
  if (delivered === finished) return "delivered";
  if (delivered > 0 || counts.deliveries.partially_delivered > 0) return "partially_delivered";
  return finalStatuses === 1 ? lastFinal : "failed";
}

/**
 * The counters of `GET /status`: `delivered`; `failed` = every final status but `delivered` and
 * `cancelled` (a `partially_delivered` recipient did not get the whole message, so it counts here);
 * `pending` = everything unfinished, future dispatches included; `cancelled`; and their sum
 * `total_deliveries`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { countForStatus } from "@lisoloo/protocol/lifecycle";
 *
 * assert.deepEqual(countForStatus({ deliveries: { delivered: 2, expired: 1, sent: 1 }, futureDeliveries: 4 }), {
 *   delivered: 2,
 *   failed: 1,
 *   pending: 5,
 *   cancelled: 0,
 *   total_deliveries: 8,
 * });
 */
export function countForStatus(tally: MessageTally): DeliveryCountSummary {
  const counts = normalize(tally);
  let delivered = 0;
  let failed = 0;
  let pending = counts.future;
  let cancelled = 0;
  for (const status of deliveryStatuses) {
    const n = counts.deliveries[status];
    if (status === "delivered") delivered += n;
    else if (status === "cancelled") cancelled += n;
    else if (isTerminal(status)) failed += n;
    else pending += n;
  }
  return {
    delivered,
    failed,
    pending,
    cancelled,
    total_deliveries: delivered + failed + pending + cancelled,
  };
}

function normalize(tally: MessageTally): { deliveries: Record<DeliveryStatus, number>; future: number } {
  const deliveries = {} as Record<DeliveryStatus, number>;
  for (const status of deliveryStatuses) deliveries[status] = count(tally.deliveries[status] ?? 0, status);
  return { deliveries, future: count(tally.futureDeliveries ?? 0, "futureDeliveries") };
}

function count(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
  return n;
}
