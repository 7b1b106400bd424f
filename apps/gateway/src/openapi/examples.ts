const DAY_MS = 24 * 3600 * 1000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Request bodies for `POST /send` and `POST /preview`, one per sending type. The schedules start a
 * week after `now`, so "Try it" on the reference page sends something the API accepts.
 */
export function sendRequestExamples(now: Date) {
  const inAWeek = isoDate(now.getTime() + 7 * DAY_MS);
  const inFiveWeeks = isoDate(now.getTime() + 35 * DAY_MS);
  return {
    immediate: {
      summary: "Immediate send to two recipients",
      value: {
        to: ["+243998857000", "+243 812 345 678"],
        message: "Votre code est 4821",
        sender_id: "LISOLOO",
      },
    },
    scheduled: {
      summary: "Scheduled send",
      value: {
        to: ["+243998857000"],
        message: "Rappel: rendez-vous demain à 9h",
        sending_type: "scheduled",
        scheduled_dates: [{ date: inAWeek, time: "08:00" }],
      },
    },
    recurring: {
      summary: "Every Monday and Thursday at 08:00 for a month",
      value: {
        to: ["+243998857000"],
        message: "Weekly reminder",
        sending_type: "recurring",
        recurring_schedule: {
          start_date: inAWeek,
          end_date: inFiveWeeks,
          frequency: "weekly",
          interval: 1,
          times: ["08:00"],
          days_of_week: ["mon", "thu"],
        },
      },
    },
  };
}

const MESSAGE_ID = "507f1f77bcf86cd799439011";

/** `data` examples for the responses whose schema carries none of its own. */
export const responseDataExamples = {
  recipients: {
    message_id: MESSAGE_ID,
    items: [
      {
        phone: "+243998857000",
        dispatch_at: "2026-05-27T10:15:00Z",
        status: "delivered",
        carrier: "sandbox",
        error_code: null,
        reason: null,
        sent_at: "2026-05-27T10:15:01Z",
        delivered_at: "2026-05-27T10:15:02Z",
        failed_at: null,
        updated_at: "2026-05-27T10:15:02Z",
      },
      {
        phone: "+999000000001",
        dispatch_at: "2026-05-27T10:15:00Z",
        status: "undelivered",
        carrier: "sandbox",
        error_code: "1504",
        reason: "Undeliverable",
        sent_at: "2026-05-27T10:15:01Z",
        delivered_at: null,
        failed_at: "2026-05-27T10:15:02Z",
        updated_at: "2026-05-27T10:15:02Z",
      },
    ],
    // What the gateway writes after dispatch 0, recipient 1 of MESSAGE_ID (sends/recipients-page.ts).
    next_cursor: "MC4xLjEwYjM1MWMx",
  },
  pause: { message_id: MESSAGE_ID, status: "paused", paused_dispatches: 3 },
};

const envelope = {
  message_id: MESSAGE_ID,
  occurred_at: "2026-05-27T10:15:01Z",
  environment: "sandbox",
};
const recipient = {
  recipient_phone: "+243998857000",
  carrier: "sandbox",
  dispatch_at: "2026-05-27T10:15:00Z",
};

/** One body per webhook event type, as a receiver gets it. */
export const webhookEventExamples = {
  "sms.queued": {
    event_id: "0b6f3c1e-2a4d-4e8f-9c1b-7d2e5f3a4b6c",
    event_type: "sms.queued",
    timestamp: "2026-05-27T10:15:00Z",
    ...envelope,
    occurred_at: "2026-05-27T10:15:00Z",
    sequence: 0,
    data: {
      status: "pending",
      sending_type: "immediate",
      total_recipients: 2,
      total_messages: 2,
      total_cost: 0.04,
      currency: "USD",
      unit_price: 0.02,
      segments: 1,
      encoding: "GSM-7",
      dispatches: 1,
      scheduled_at: null,
    },
  },
  "sms.processing": {
    event_id: "1c7a4d2f-3b5e-4f9a-8d2c-8e3f6a4b5c7d",
    event_type: "sms.processing",
    timestamp: "2026-05-27T10:15:01Z",
    ...envelope,
    sequence: 1,
    data: { ...recipient, status: "processing", processing_at: "2026-05-27T10:15:01Z" },
  },
  "sms.sent": {
    event_id: "2d8b5e3a-4c6f-4a1b-9e3d-9f4a7b5c6d8e",
    event_type: "sms.sent",
    timestamp: "2026-05-27T10:15:02Z",
    ...envelope,
    occurred_at: "2026-05-27T10:15:02Z",
    sequence: 2,
    data: { ...recipient, status: "sent", sent_at: "2026-05-27T10:15:02Z" },
  },
  "sms.delivered": {
    event_id: "3e9c6f4b-5d7a-4b2c-8f4e-af5b8c6d7e9f",
    event_type: "sms.delivered",
    timestamp: "2026-05-27T10:15:03Z",
    ...envelope,
    occurred_at: "2026-05-27T10:15:03Z",
    sequence: 3,
    data: { ...recipient, status: "delivered", delivered_at: "2026-05-27T10:15:03Z", segments: 1 },
  },
  "sms.failed": {
    event_id: "4fad7a5c-6e8b-4c3d-9a5f-b06c9d7e8fa0",
    event_type: "sms.failed",
    timestamp: "2026-05-27T10:15:03Z",
    ...envelope,
    occurred_at: "2026-05-27T10:15:03Z",
    sequence: 3,
    data: {
      ...recipient,
      recipient_phone: "+999000000001",
      failed_at: "2026-05-27T10:15:03Z",
      status: "undelivered",
      error_code: "1504",
      reason: "Undeliverable",
    },
  },
};
