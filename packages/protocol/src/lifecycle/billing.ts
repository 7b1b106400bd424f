import { assertNever } from "./assert-never.js";
import type { DeliveryErrorCode } from "./error-codes.js";
import { type DeliveryStatus, isTerminal } from "./statuses.js";

/**
 * What happens to the price of a final delivery: kept (`charged`) or paid back (`refunded`).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { billingOf, billingOutcomes } from "@lisoloo/protocol/lifecycle";
 *
 * assert.deepEqual(billingOutcomes, ["charged", "refunded"]);
 * assert.equal(billingOf({ status: "delivery_unknown", handed_to_carrier: true }), "charged");
 * assert.equal(billingOf({ status: "failed", error_code: "1501", handed_to_carrier: true }), "refunded");
 * assert.equal(billingOf({ status: "cancelled", handed_to_carrier: false }), "refunded");
 * assert.equal(billingOf({ status: "sent", handed_to_carrier: true }), null); // not final yet
 */
export const billingOutcomes = ["charged", "refunded"] as const;

/** Whether a final delivery is paid for. */
export type BillingOutcome = (typeof billingOutcomes)[number];

/** What decides whether a delivery is paid for. */
export interface BillingFacts {
  readonly status: DeliveryStatus;
  /** The delivery's error code; `null` or absent means the status's default (`errorCodeForStatus`). */
  readonly error_code?: DeliveryErrorCode | null | undefined;
  /** A carrier ever took the delivery (see `handedToCarrier`). */
  readonly handed_to_carrier: boolean;
}

/** How a delivery ends when the gateway closes it rather than a carrier. */
export type GatewayEnd =
  | { readonly status: "failed"; readonly error_code: "1501" }
  | { readonly status: "delivery_unknown"; readonly error_code: "1503" };

/**
 * Whether a carrier ever took a delivery: it returned a message id for it, or it reported on it.
 * Only carriers report `accepted`, `enroute`, `sent` and the delivery outcomes, so a delivery that
 * reached one of them was handed over even if the gateway never got to record the carrier's id.
 * `failed`, `delivery_unknown` and `cancelled` are also what the gateway itself closes a delivery
 * with, so they prove nothing on their own.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { handedToCarrier } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(handedToCarrier({ status: "processing", has_carrier_message_id: true }), true);
 * // Claimed by a connector, not submitted yet
 * assert.equal(handedToCarrier({ status: "processing", has_carrier_message_id: false }), false);
 * // A carrier reported it, even if its message id was never recorded
 * assert.equal(handedToCarrier({ status: "sent", has_carrier_message_id: false }), true);
 */
export function handedToCarrier(delivery: {
  readonly status: DeliveryStatus;
  readonly has_carrier_message_id: boolean;
}): boolean {
  if (delivery.has_carrier_message_id) return true;
  switch (delivery.status) {
    case "accepted":
    case "enroute":
    case "sent":
    case "delivered":
    case "partially_delivered":
    case "undelivered":
    case "rejected":
    case "expired":
      return true;
    case "pending":
    case "processing":
    case "delivery_unknown":
    case "failed":
    case "cancelled":
      return false;
    default:
      return assertNever(delivery.status);
  }
}

/**
 * Whether a final delivery is charged or refunded (CONTRACT §5), or `null` while it is not final.
 *
 * - Nothing is billed that no carrier took: a delivery never handed to a carrier is refunded,
 *   whatever it ended as (the gateway ends such a delivery `failed` 1501, see `validityEndState`).
 * - `cancelled` is refunded (only what no carrier holds can be cancelled).
 * - `failed` with 1501 is the gateway's or a connector's own failure: refunded, even when a carrier
 *   refused it after taking it (an SMSC rejection reported as 1501).
 * - Every other final status of a delivery a carrier took is a carrier outcome: charged
 *   (`delivered`, `partially_delivered`, `undelivered`, `rejected`, `expired`, `delivery_unknown`).
 *
 * @example
 * import assert from "node:assert/strict";
 * import { billingOf, billingOutcomes } from "@lisoloo/protocol/lifecycle";
 *
 * assert.deepEqual(billingOutcomes, ["charged", "refunded"]);
 * assert.equal(billingOf({ status: "delivery_unknown", handed_to_carrier: true }), "charged");
 * assert.equal(billingOf({ status: "failed", error_code: "1501", handed_to_carrier: true }), "refunded");
 * assert.equal(billingOf({ status: "cancelled", handed_to_carrier: false }), "refunded");
 * assert.equal(billingOf({ status: "sent", handed_to_carrier: true }), null); // not final yet
 */
export function billingOf(facts: BillingFacts): BillingOutcome | null {
  const { status } = facts;
  if (!isTerminal(status)) return null;
  if (!facts.handed_to_carrier) return "refunded";
  switch (status) {
    case "cancelled":
      return "refunded";
    case "failed":
      return (facts.error_code ?? "1501") === "1501" ? "refunded" : "charged";
    case "delivered":
    case "partially_delivered":
    case "undelivered":
    case "rejected":
    case "expired":
    case "delivery_unknown":
      return "charged";
    default:
      return assertNever(status);
  }
}

/**
 * How a delivery still without a final receipt ends when its validity period is over (CONTRACT §7):
 * `delivery_unknown` (1503, charged) when a carrier took it and never said what became of it;
 * `failed` (1501, refunded) when no carrier ever took it — claimed but never submitted, or still
 * waiting behind a backlog. The gateway ends a delivery it gives up on before validity the same way.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { validityEndState } from "@lisoloo/protocol/lifecycle";
 *
 * assert.deepEqual(validityEndState(true), { status: "delivery_unknown", error_code: "1503" });
 * assert.deepEqual(validityEndState(false), { status: "failed", error_code: "1501" });
 */
export function validityEndState(handed: boolean): GatewayEnd {
  return handed
    ? { status: "delivery_unknown", error_code: "1503" }
    : { status: "failed", error_code: "1501" };
}
