import { describe, expect, it } from "vitest";
import { webhookEventSchema } from "./events.js";

const envelope = {
  event_id: "7d0e3c52-9a0f-4b8e-9d7c-2f1a6b3e4c5d",
  timestamp: "2026-05-27T10:15:03Z",
  message_id: "507f1f77bcf86cd799439011",
  occurred_at: "2026-05-27T10:15:02Z",
  sequence: 3,
  environment: "sandbox",
};
const recipient = {
  recipient_phone: "+243998857000",
  carrier: "sandbox",
  dispatch_at: "2026-05-27T10:15:00Z",
};

const events = [
  {
    ...envelope,
    sequence: 0,
    event_type: "sms.queued",
    data: {
      status: "scheduled",
      sending_type: "scheduled",
      total_recipients: 2,
      total_messages: 4,
      total_cost: 0.08,
      currency: "USD",
      unit_price: 0.02,
      segments: 1,
      encoding: "GSM-7",
      dispatches: 2,
      scheduled_at: "2026-06-01T08:00:00+01:00",
    },
  },
  {
    ...envelope,
    event_type: "sms.processing",
    data: { ...recipient, status: "processing", processing_at: "2026-05-27T10:15:01Z" },
  },
  {
    ...envelope,
    event_type: "sms.sent",
    data: { ...recipient, status: "sent", sent_at: "2026-05-27T10:15:02Z" },
  },
  {
    ...envelope,
    event_type: "sms.delivered",
    data: { ...recipient, status: "delivered", delivered_at: "2026-05-27T10:15:02Z", segments: 2 },
  },
  {
    ...envelope,
    event_type: "sms.failed",
    data: {
      ...recipient,
      failed_at: "2026-05-27T10:15:02Z",
      status: "rejected",
      error_code: "1502",
      reason: "Rejected by the carrier",
    },
  },
  {
    ...envelope,
    event_type: "sms.failed",
    data: {
      ...recipient,
      carrier: null,
      failed_at: "2026-05-27T10:15:02Z",
      status: "failed",
      error_code: "1501",
      reason: "No carrier",
    },
  },
];

describe("webhookEventSchema", () => {
  it.each(events.map((event, i) => [`${event.event_type} #${i}`, event] as const))(
    "reads %s",
    (_id, event) => {
      expect(webhookEventSchema.parse(event)).toEqual(event);
    },
  );

  it("narrows data by event_type", () => {
    const event = webhookEventSchema.parse(events[4]);
    expect(event.event_type === "sms.failed" && event.data.error_code).toBe("1502");
  });

  it.each([
    ["an unknown event type", { ...events[2], event_type: "sms.accepted" }],
    ["a v1 uuid", { ...events[2], event_id: "7d0e3c52-9a0f-1b8e-9d7c-2f1a6b3e4c5d" }],
    ["data of another type", { ...events[2], event_type: "sms.delivered" }],
    ["a 11xx code in sms.failed", { ...events[4], data: { ...events[4]?.data, error_code: "1104" } }],
    ["delivered reported as a failure", { ...events[4], data: { ...events[4]?.data, status: "delivered" } }],
    [
      "a missing dispatch_at",
      {
        ...events[2],
        data: { ...recipient, dispatch_at: undefined, status: "sent", sent_at: "2026-05-27T10:15:02Z" },
      },
    ],
    [
      "an unnormalized phone",
      { ...events[2], data: { ...events[2]?.data, recipient_phone: "+243 998 857 000" } },
    ],
    ["a negative sequence", { ...events[2], sequence: -1 }],
    ["an unknown environment", { ...events[2], environment: "staging" }],
  ])("refuses %s", (_what, event) => {
    expect(webhookEventSchema.safeParse(event).success).toBe(false);
  });
});
