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
    status: text("status", { enum: ["pending", "delivered", "dead", "no_destination"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_events_send_idx").on(t.sendId), index("webhook_events_status_idx").on(t.status, t.createdAt)],
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
