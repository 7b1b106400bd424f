import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The webhook outbox: every event is written in the same D1 batch as the state change that caused
 * it, then handed to the dispatcher. Rows are never deleted silently; `dead` ones can be replayed.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    sendId: text("send_id").notNull(),
    deliveryId: integer("delivery_id"),
    keyId: text("key_id").notNull(),
    eventType: text("event_type").notNull(),
    sequence: integer("sequence").notNull(),
    /** The destination chosen when the event was created (callback_url or the key's webhook_url). */
    destination: text("destination"),
    payload: text("payload").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    status: text("status", { enum: ["pending", "delivered", "dead", "no_destination"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    /** Why the event is `dead` or `no_destination`, in English for the operator; null otherwise. */
    reason: text("reason"),
    /** When a dispatcher took the event into its queue; null = nobody holds it, the sweep re-hands it. */
    takenAt: integer("taken_at"),
    /** When the dispatcher will try next (pending only): lets the operator and the sweep see a stall. */
    nextAttemptAt: integer("next_attempt_at"),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("webhook_events_send_idx").on(t.sendId),
    index("webhook_events_status_idx").on(t.status, t.createdAt),
    // The outbox sweep's two ways in, each holding only what it looks for: pending events no
    // dispatcher took yet (a few seconds' worth), and those a dispatcher holds, by when it is due
    // to try next (a stall is the oldest of these). Through the status index it would walk every
    // pending event, most of them waiting out a retry back-off on a merchant's failing endpoint.
    index("webhook_events_untaken_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending' AND ${t.takenAt} IS NULL`),
    index("webhook_events_taken_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending' AND ${t.takenAt} IS NOT NULL`),
  ],
);

/**
 * One HTTP attempt to deliver a webhook event, whatever its outcome. Attempt numbers restart at 1
 * when an operator replays an event (a fresh budget), so rows are ordered by `started_at`.
 */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: text("event_id").notNull(),
    attempt: integer("attempt").notNull(),
    destination: text("destination").notNull(),
    startedAt: integer("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    /** Null when no response arrived (network error, timeout). */
    responseStatus: integer("response_status"),
    /** The first KiB of the response body, for the operator. */
    responseBody: text("response_body"),
    error: text("error"),
    /** What the attempt meant: `delivered`, `retry`, `dead` or `disabled` (410 Gone). */
    verdict: text("verdict", { enum: ["delivered", "retry", "dead", "disabled"] }).notNull(),
  },
  (t) => [
    index("webhook_attempts_event_idx").on(t.eventId, t.startedAt),
    // The retention purge deletes the oldest attempts first without walking the table.
    index("webhook_attempts_started_idx").on(t.startedAt),
  ],
);

/** Every carrier receipt as it arrived, applied or not (late, duplicate and post-terminal ones too). */
export const receipts = sqliteTable(
  "receipts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: integer("delivery_id").notNull(),
    status: text("status").notNull(),
    outcome: text("outcome").notNull(),
    errorCode: text("error_code"),
    raw: text("raw"),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("receipts_delivery_idx").on(t.deliveryId)],
);
