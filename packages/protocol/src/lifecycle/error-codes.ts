import { assertNever } from "./assert-never.js";
import type { DeliveryStatus } from "./statuses.js";

/**
 * The catalogue codes (CONTRACT §3) that explain why a delivery did not succeed.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryErrorCodes, errorCodeForStatus } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(errorCodeForStatus("rejected"), "1502");
 * assert.equal(errorCodeForStatus("delivered"), null); // not a failure
 * assert.deepEqual(deliveryErrorCodes, ["1501", "1502", "1503", "1504", "1505"]);
 */
export const deliveryErrorCodes = ["1501", "1502", "1503", "1504", "1505"] as const;

/** A code carried by `sms.failed` events and recipient details. */
export type DeliveryErrorCode = (typeof deliveryErrorCodes)[number];

/**
 * The default error code of a final status, or `null` when the status is not a failure.
 * `failed` is the gateway's own failure (1501, refunded); the others are carrier outcomes (billed).
 * A `partially_delivered` delivery reports the code of its first part that failed; 1504 is only the
 * fallback when no part carried one.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { deliveryErrorCodes, errorCodeForStatus } from "@lisoloo/protocol/lifecycle";
 *
 * assert.equal(errorCodeForStatus("rejected"), "1502");
 * assert.equal(errorCodeForStatus("delivered"), null); // not a failure
 * assert.deepEqual(deliveryErrorCodes, ["1501", "1502", "1503", "1504", "1505"]);
 */
export function errorCodeForStatus(status: DeliveryStatus): DeliveryErrorCode | null {
  switch (status) {
    case "failed":
      return "1501";
    case "rejected":
      return "1502";
    case "delivery_unknown":
      return "1503";
    case "undelivered":
    case "partially_delivered":
      return "1504";
    case "expired":
      return "1505";
    case "pending":
    case "processing":
    case "accepted":
    case "enroute":
    case "sent":
    case "delivered":
    case "cancelled":
      return null;
    default:
      return assertNever(status);
  }
}
