import { describe, expect, it } from "vitest";
import {
  deliveryStatuses,
  deliveryStatusRank,
  isDeliveryStatus,
  isTerminal,
  messageStatuses,
  terminalDeliveryStatuses,
} from "./statuses.js";

describe("statuses", () => {
  it("lists the 17 message statuses of the contract in its order", () => {
    expect(messageStatuses).toEqual([
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
    ]);
  });

  it("keeps every delivery status among the message statuses", () => {
    for (const s of deliveryStatuses) expect(messageStatuses).toContain(s);
    expect(isDeliveryStatus("scheduled")).toBe(false);
    expect(isDeliveryStatus("paused")).toBe(false);
    expect(isDeliveryStatus("enroute")).toBe(true);
  });

  it.each([
    ["pending", 0, false],
    ["processing", 1, false],
    ["accepted", 2, false],
    ["enroute", 3, false],
    ["sent", 4, false],
    ["delivered", 5, true],
    ["partially_delivered", 5, true],
    ["undelivered", 5, true],
    ["rejected", 5, true],
    ["expired", 5, true],
    ["delivery_unknown", 5, true],
    ["failed", 5, true],
    ["cancelled", 5, true],
  ] as const)("ranks %s at %i (terminal: %s)", (status, rank, terminal) => {
    expect(deliveryStatusRank[status]).toBe(rank);
    expect(isTerminal(status)).toBe(terminal);
    expect(terminalDeliveryStatuses.includes(status as never)).toBe(terminal);
  });

  it("ranks every delivery status", () => {
    expect(Object.keys(deliveryStatusRank).sort()).toEqual([...deliveryStatuses].sort());
  });
});
