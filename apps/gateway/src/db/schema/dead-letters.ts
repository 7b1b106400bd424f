import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const deadLetterKinds = ["dispatch", "receipts", "cron", "unreadable"] as const;

/**
 * Every message that reached the dead-letter queue, as it arrived: the deliveries of a dispatch chunk
 * there end `failed` (1501) and are refunded, and dead receipts are lost, so operators need to count
 * and read them. Written before the dead-letter consumer acts; one row per queue message id.
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    /** The queue message id: a batch handled twice records each message once. */
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    kind: text("kind", { enum: deadLetterKinds }).notNull(),
    /** A dispatch chunk's send, dispatch and recipient range `[from_idx, to_idx)`; null otherwise. */
    sendId: text("send_id"),
    dispatchSeq: integer("dispatch_seq"),
    fromIdx: integer("from_idx"),
    toIdx: integer("to_idx"),
    /** The message body as JSON, cut at 4 KiB. */
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("dead_letters_created_idx").on(t.createdAt)],
);
