import { webhookEventSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { buildEnvelope } from "./envelope";

const source = {
  eventId: "7d0e3c52-9a0f-4b8e-9d7c-2f1a6b3e4c5d",
  eventType: "sms.delivered",
  messageId: "507f1f77bcf86cd799439011",
  payload: JSON.stringify({
    recipient_phone: "+243998857000",
    carrier: "sandbox",
    dispatch_at: "2026-06-01T07:00:00Z",
    status: "delivered",
    delivered_at: "2026-06-01T07:00:05Z",
    segments: 2,
  }),
  occurredAt: Date.parse("2026-06-01T07:00:05Z"),
  sequence: 3,
};

describe("buildEnvelope", () => {
  it("is a valid event by the published schema, fields in the documented order", () => {
    const envelope = buildEnvelope(source, Date.parse("2026-06-01T07:00:06Z"), "production");
    expect(Object.keys(envelope)).toEqual([
      "event_id",
      "event_type",
      "timestamp",
      "message_id",
      "data",
      "occurred_at",
      "sequence",
      "environment",
    ]);
    expect(webhookEventSchema.parse(JSON.parse(JSON.stringify(envelope)))).toMatchObject({
      timestamp: "2026-06-01T07:00:06Z",
      occurred_at: "2026-06-01T07:00:05Z",
      data: { segments: 2 },
    });
  });

  it("changes only the emission timestamp from one attempt to the next", () => {
    const first = buildEnvelope(source, Date.parse("2026-06-01T07:00:06Z"), "sandbox");
    const retry = buildEnvelope(source, Date.parse("2026-06-01T07:00:37Z"), "sandbox");
    expect({ ...retry, timestamp: first.timestamp }).toEqual(first);
    expect(retry.timestamp).not.toBe(first.timestamp);
  });
});
