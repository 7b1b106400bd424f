import { describe, expect, it } from "vitest";
import { errorCodeForStatus } from "./error-codes.js";
import { eventTypeFor } from "./events.js";

describe("eventTypeFor", () => {
  it.each([
    ["pending", "processing", "sms.processing"],
    ["processing", "accepted", null],
    ["accepted", "enroute", null],
    ["enroute", "sent", "sms.sent"],
    ["processing", "sent", "sms.sent"],
    ["sent", "delivered", "sms.delivered"],
    ["pending", "delivered", "sms.delivered"],
    ["sent", "partially_delivered", "sms.failed"],
    ["sent", "undelivered", "sms.failed"],
    ["enroute", "rejected", "sms.failed"],
    ["sent", "expired", "sms.failed"],
    ["sent", "delivery_unknown", "sms.failed"],
    ["pending", "failed", "sms.failed"],
    ["pending", "cancelled", null],
    ["sent", "sent", null],
    ["delivered", "delivered", null],
  ] as const)("%s → %s emits %s", (from, to, event) => {
    expect(eventTypeFor(from, to)).toBe(event);
  });
});

describe("errorCodeForStatus", () => {
  it.each([
    ["failed", "1501"],
    ["rejected", "1502"],
    ["delivery_unknown", "1503"],
    ["undelivered", "1504"],
    ["partially_delivered", "1504"],
    ["expired", "1505"],
    ["delivered", null],
    ["cancelled", null],
    ["sent", null],
    ["pending", null],
  ] as const)("%s → %s", (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
  });
});
