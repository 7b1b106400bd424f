import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billingOf, handedToCarrier, validityEndState } from "./billing.js";
import { type DeliveryErrorCode, deliveryErrorCodes, errorCodeForStatus } from "./error-codes.js";
import { applyReceipt, type Receipt, receiptStatuses } from "./receipts.js";
import { type DeliveryStatus, deliveryStatuses, isTerminal, terminalDeliveryStatuses } from "./statuses.js";

const RUNS = 10_000;
const at = "2026-06-01T08:00:00Z";

describe("billingOf", () => {
  it.each<[DeliveryStatus, DeliveryErrorCode | null, boolean, ReturnType<typeof billingOf>]>([
    ["delivered", null, true, "charged"],
    ["partially_delivered", "1504", true, "charged"],
    ["undelivered", "1504", true, "charged"],
    ["rejected", "1502", true, "charged"],
    ["expired", "1505", true, "charged"],
    ["delivery_unknown", "1503", true, "charged"],
    ["failed", "1501", true, "refunded"],
    ["failed", null, true, "refunded"],
    ["failed", "1502", true, "charged"],
    ["cancelled", null, true, "refunded"],
    ["failed", "1501", false, "refunded"],
    ["cancelled", null, false, "refunded"],
    // Never handed over: refunded, whatever it was closed as (an expiry before this rule said 1503).
    ["delivery_unknown", "1503", false, "refunded"],
    ["delivered", null, false, "refunded"],
    ["pending", null, false, null],
    ["processing", null, true, null],
    ["sent", null, true, null],
  ])("%s (%s), handed to a carrier: %s → %s", (status, error_code, handed_to_carrier, expected) => {
    expect(billingOf({ status, error_code, handed_to_carrier })).toBe(expected);
  });
});

describe("handedToCarrier", () => {
  it.each<[DeliveryStatus, boolean, boolean]>([
    ["pending", false, false],
    ["processing", false, false],
    ["processing", true, true],
    ["accepted", false, true],
    ["enroute", false, true],
    ["sent", false, true],
    ["delivered", false, true],
    ["failed", false, false],
    ["failed", true, true],
    ["delivery_unknown", false, false],
    ["cancelled", false, false],
  ])("%s, carrier message id: %s → %s", (status, has_carrier_message_id, expected) => {
    expect(handedToCarrier({ status, has_carrier_message_id })).toBe(expected);
  });
});

describe("validityEndState", () => {
  it("ends a delivery a carrier took as delivery_unknown (1503), any other as failed (1501)", () => {
    expect(validityEndState(true)).toEqual({ status: "delivery_unknown", error_code: "1503" });
    expect(validityEndState(false)).toEqual({ status: "failed", error_code: "1501" });
  });
});

describe("billing properties", () => {
  const facts = fc.record({
    status: fc.constantFrom(...deliveryStatuses),
    error_code: fc.option(fc.constantFrom(...deliveryErrorCodes), { nil: undefined }),
    handed_to_carrier: fc.boolean(),
  });

  it("decides exactly the final deliveries, and never charges what no carrier took", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = billingOf(f);
        expect(outcome === null).toBe(!isTerminal(f.status));
        if (outcome === "charged") expect(f.handed_to_carrier).toBe(true);
        if (!f.handed_to_carrier && outcome !== null) expect(outcome).toBe("refunded");
        if (f.status === "cancelled") expect(outcome).toBe("refunded");
      }),
      { numRuns: RUNS },
    );
  });

  it("with default codes, refunds only the gateway's own endings once a carrier took it (CONTRACT §5)", () => {
    for (const status of terminalDeliveryStatuses) {
      const outcome = billingOf({
        status,
        error_code: errorCodeForStatus(status),
        handed_to_carrier: true,
      });
      expect(outcome).toBe(status === "failed" || status === "cancelled" ? "refunded" : "charged");
    }
  });

  it("ends validity with a final state whose bill follows the hand-off, with its default code", () => {
    fc.assert(
      fc.property(fc.boolean(), (handed) => {
        const end = validityEndState(handed);
        expect(isTerminal(end.status)).toBe(true);
        expect(end.error_code).toBe(errorCodeForStatus(end.status));
        expect(billingOf({ ...end, handed_to_carrier: handed })).toBe(handed ? "charged" : "refunded");
      }),
    );
  });

  it("bills a delivery the same whatever receipts moved it, as long as no carrier took it", () => {
    // Whatever the gateway's own receipts did to a delivery no carrier took, its bill is a refund.
    const gatewayReceipt = fc.record({
      status: fc.constantFrom<Receipt["status"]>("processing", "failed", "delivery_unknown", "cancelled"),
      at: fc.constant(at),
    });
    fc.assert(
      fc.property(fc.array(gatewayReceipt, { minLength: 1, maxLength: 6 }), (receipts) => {
        const end = receipts.reduce((s, r) => applyReceipt(s, r).next, { status: "pending" } as {
          status: DeliveryStatus;
        });
        const handed = handedToCarrier({ status: end.status, has_carrier_message_id: false });
        expect(handed).toBe(false);
        const outcome = billingOf({ status: end.status, handed_to_carrier: handed });
        expect(outcome === null || outcome === "refunded").toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("takes a carrier's report of any status past processing as proof of hand-off", () => {
    for (const status of receiptStatuses) {
      if (status === "processing" || status === "failed" || status === "delivery_unknown") continue;
      if (status === "cancelled") continue;
      expect(handedToCarrier({ status, has_carrier_message_id: false })).toBe(true);
    }
  });
});
