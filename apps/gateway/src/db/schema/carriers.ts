import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const carrierKinds = ["smpp", "http_relay"] as const;
export type CarrierKind = (typeof carrierKinds)[number];

/**
 * The carriers operators configured (CONTRACT §12): one row per connector slug. `settings` is the
 * kind's settings as the admin API validated them, in its own snake_case shape, never with a
 * password: that one is only ever stored sealed in `password_enc`, like webhook Basic passwords.
 */
export const carriers = sqliteTable(
  "carriers",
  {
    slug: text("slug").primaryKey(),
    kind: text("kind", { enum: carrierKinds }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** AES-GCM ciphertext (base64 of iv ‖ ciphertext) of the bind or relay password; never returned. */
    passwordEnc: text("password_enc"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("carriers_kind", sql`${t.kind} IN ('smpp', 'http_relay')`),
    // What the admin API's slug rule says: lowercase letters, digits and dashes, not starting with a dash.
    check(
      "carriers_slug_format",
      sql`length(${t.slug}) BETWEEN 1 AND 63 AND ${t.slug} NOT GLOB '*[^a-z0-9-]*' AND ${t.slug} NOT GLOB '-*'`,
    ),
    check("carriers_enabled_boolean", sql`${t.enabled} IN (0, 1)`),
    // A password written into the settings would be readable by every operator view: never.
    check(
      "carriers_settings_object_without_password",
      sql`json_valid(${t.settings}) AND json_type(${t.settings}) = 'object' AND json_extract(${t.settings}, '$.password') IS NULL`,
    ),
  ],
);

/**
 * The routing table: number prefix → carrier slug, longest prefix wins. The default route is the
 * row of the empty prefix, which every number starts with, so it is also what longest-prefix matching
 * falls back to. Replaced as a whole by `PUT /admin/v1/routes`, in one D1 batch.
 */
export const carrierRoutes = sqliteTable(
  "carrier_routes",
  {
    prefix: text("prefix").primaryKey(),
    carrierSlug: text("carrier_slug")
      .notNull()
      .references(() => carriers.slug),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // `+` and 1–15 digits, as numbers are stored; or '' for the default route.
    check(
      "carrier_routes_prefix_format",
      sql`${t.prefix} = '' OR (length(${t.prefix}) BETWEEN 2 AND 16 AND ${t.prefix} GLOB '+*' AND substr(${t.prefix}, 2) NOT GLOB '*[^0-9]*')`,
    ),
  ],
);

/**
 * Every part of a delivery a carrier took, by the carrier's own message id (CONTRACT §12): written
 * the moment the carrier answers each part (an SMPP `submit_sm_resp`), so a receipt finds its
 * delivery and part, and a retry after a transient failure never submits a taken part again. An id
 * the carrier hands out twice (a resubmission after an unknown outcome) maps every copy to its part.
 */
export const carrierMessageParts = sqliteTable(
  "carrier_message_parts",
  {
    carrier: text("carrier").notNull(),
    /** As `normalizeSubmitId` keys it for the carrier's `receipt_id_format`, so receipts look it up as is. */
    carrierMessageId: text("carrier_message_id").notNull(),
    deliveryId: integer("delivery_id").notNull(),
    /** 1-based, as in the concatenation UDH. */
    partIndex: integer("part_index").notNull(),
    partTotal: integer("part_total").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.carrier, t.carrierMessageId] }),
    index("carrier_message_parts_delivery_idx").on(t.deliveryId, t.partIndex),
    check(
      "carrier_message_parts_index",
      sql`${t.partTotal} BETWEEN 1 AND 255 AND ${t.partIndex} BETWEEN 1 AND ${t.partTotal}`,
    ),
  ],
);

/**
 * Receipts no delivery claimed after the receipt path's retries (an id the gateway never stored, or
 * one from before a database restore): kept for operators rather than dropped.
 */
export const orphanReceipts = sqliteTable(
  "orphan_receipts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    carrier: text("carrier").notNull(),
    carrierMessageId: text("carrier_message_id"),
    /** The receipt as the connector queued it (JSON). */
    receipt: text("receipt").notNull(),
    /** The connector instance that received it (an SMPP bind, `slug#n`), when it says. */
    source: text("source"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("orphan_receipts_created_idx").on(t.createdAt)],
);
