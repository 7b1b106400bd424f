import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The largest send (recipients × dispatches) the archive takes: its rows fit one archive object and
 * one D1 batch of bounded statements, and reading it back stays cheap for `GET /status`. Larger sends
 * stay in D1; they are not in the archive's index at all, so its every-minute scan never meets them.
 * Changing it takes a migration of `sends_archive_idx`.
 */
export const ARCHIVABLE_MAX_DELIVERIES = 5000;

/**
 * One accepted `POST /send`. Totals are frozen at acceptance (they were debited); the live status is
 * derived from deliveries, except the merchant's own decisions (`paused`, `cancelled`) kept in `state`.
 */
export const sends = sqliteTable(
  "sends",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    keyId: text("key_id").notNull(),
    sendingType: text("sending_type", { enum: ["immediate", "scheduled", "recurring"] }).notNull(),
    senderId: text("sender_id").notNull(),
    message: text("message").notNull(),
    encoding: text("encoding", { enum: ["GSM-7", "UCS-2"] }).notNull(),
    segments: integer("segments").notNull(),
    totalRecipients: integer("total_recipients").notNull(),
    dispatchCount: integer("dispatch_count").notNull(),
    unitPriceMicros: integer("unit_price_micros").notNull(),
    totalCostMicros: integer("total_cost_micros").notNull(),
    currency: text("currency").notNull(),
    callbackUrl: text("callback_url"),
    validityPeriod: integer("validity_period").notNull(),
    timeZone: text("time_zone").notNull(),
    state: text("state", { enum: ["active", "paused", "cancelled"] })
      .notNull()
      .default("active"),
    duplicatesRemoved: integer("duplicates_removed").notNull().default(0),
    /** JSON of the transliteration replacements when asked, else null. */
    transliterated: text("transliterated", { mode: "json" }),
    idempotencyKey: text("idempotency_key"),
    firstDispatchAt: integer("first_dispatch_at").notNull(),
    /** When the last dispatch is due: no state change of the send is expected long after it (archive). */
    lastDispatchAt: integer("last_dispatch_at"),
    scheduledAtLocal: text("scheduled_at_local"),
    createdAt: integer("created_at").notNull(),
    /** When the merchant last paused, resumed or cancelled it: part of `updated_at` in `GET /status`. */
    stateChangedAt: integer("state_changed_at"),
    /**
     * While an archive run is moving the send to R2: no other run touches it until then (a run that
     * died leaves it to the next one after this instant).
     */
    archiveLeaseUntil: integer("archive_lease_until"),
  },
  (t) => [
    index("sends_merchant_idx").on(t.merchantId, t.createdAt),
    uniqueIndex("sends_idempotency_uq").on(t.keyId, t.idempotencyKey),
    // Only sends whose Idempotency-Key is still held: the purge pages through it by age instead of
    // scanning every send ever accepted; a freed key leaves it.
    index("sends_idempotency_created_idx").on(t.createdAt).where(sql`${t.idempotencyKey} IS NOT NULL`),
    // The archive's candidates, oldest last dispatch first; sends too large to archive are left out.
    index("sends_archive_idx")
      .on(t.lastDispatchAt)
      .where(sql`${t.totalRecipients} * ${t.dispatchCount} <= ${sql.raw(String(ARCHIVABLE_MAX_DELIVERIES))}`),
    check(
      "sends_totals_positive",
      sql`${t.totalRecipients} BETWEEN 1 AND 1000 AND ${t.dispatchCount} BETWEEN 1 AND 1000 AND ${t.segments} >= 1`,
    ),
  ],
);

/** The unique, normalised recipients of a send, in request order. */
export const recipients = sqliteTable(
  "recipients",
  {
    sendId: text("send_id").notNull(),
    idx: integer("idx").notNull(),
    phone: text("phone").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sendId, t.idx] })],
);

export const dispatchStatuses = ["scheduled", "released", "cancelled", "skipped"] as const;
export type DispatchStatus = (typeof dispatchStatuses)[number];

/** One instant at which every recipient of a send gets the message (1 for immediate sends). */
export const dispatches = sqliteTable(
  "dispatches",
  {
    sendId: text("send_id").notNull(),
    seq: integer("seq").notNull(),
    dueAt: integer("due_at").notNull(),
    status: text("status", { enum: dispatchStatuses }).notNull().default("scheduled"),
    releasedAt: integer("released_at"),
    /** The cancel or resume that closed this dispatch before release (its refund is computed from it). */
    closedBy: text("closed_by"),
  },
  (t) => [primaryKey({ columns: [t.sendId, t.seq] }), index("dispatches_due_idx").on(t.status, t.dueAt)],
);

/**
 * A delivery: one recipient of one dispatch. Created when its dispatch is released; the unique index is
 * the "one delivery per recipient and dispatch" invariant.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sendId: text("send_id").notNull(),
    dispatchSeq: integer("dispatch_seq").notNull(),
    recipientIdx: integer("recipient_idx").notNull(),
    phone: text("phone").notNull(),
    status: text("status").notNull().default("pending"),
    errorCode: text("error_code"),
    /** What the connector said about a failure (an SMPP status, e.g. `ESME_RINVDSTADR (0x0000000B)`); null otherwise. */
    errorMessage: text("error_message"),
    carrier: text("carrier"),
    carrierMessageId: text("carrier_message_id"),
    /** JSON state of a multipart message's receipts (see the protocol's lifecycle). */
    parts: text("parts", { mode: "json" }),
    /** Last event sequence number used for this delivery (strictly increasing per delivery). */
    eventSeq: integer("event_seq").notNull().default(0),
    refundedMicros: integer("refunded_micros").notNull().default(0),
    processingAt: integer("processing_at"),
    sentAt: integer("sent_at"),
    deliveredAt: integer("delivered_at"),
    failedAt: integer("failed_at"),
    /** Optimistic-concurrency token: every write sets a fresh one and requires the one it read. */
    revision: text("revision"),
    /** The queue message that claimed this delivery for submission (a redelivery re-claims its own). */
    claim: text("claim"),
    /**
     * When the claim's holder was about to hand it to a carrier. Set by one conditional write, and
     * only what that write changed is submitted, so a claim is submitted once; cleared when the
     * carrier refused the whole batch (the queue retries it). Set without a carrier id after the
     * consumer's longest run means the submit's outcome is unknown: the sweep closes it 1501.
     */
    submittingAt: integer("submitting_at"),
    /** End of the validity period: no final receipt by then → delivery_unknown. */
    expiresAt: integer("expires_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("deliveries_one_per_recipient_dispatch").on(t.sendId, t.dispatchSeq, t.recipientIdx),
    index("deliveries_status_idx").on(t.status, t.updatedAt),
    index("deliveries_carrier_msg_idx").on(t.carrier, t.carrierMessageId),
    // Only deliveries still waiting for a final receipt: the every-minute expiry never walks history.
    index("deliveries_open_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} IN ('pending', 'processing', 'accepted', 'enroute', 'sent')`),
    // Claimed and not handed to a carrier yet: a handful of rows at any time, which the stuck sweeps
    // read without walking every delivery a carrier holds.
    index("deliveries_unsubmitted_idx")
      .on(t.submittingAt, t.updatedAt)
      .where(sql`${t.status} = 'processing' AND ${t.carrierMessageId} IS NULL`),
  ],
);
