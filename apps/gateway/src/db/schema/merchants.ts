import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A merchant: the tenant every key, wallet and send belongs to. */
export const merchants = sqliteTable(
  "merchants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull().default("Africa/Kinshasa"),
    currency: text("currency").notNull().default("USD"),
    /** Price of one segment in micro-units; null = the contract's fallback (0.01). */
    unitPriceMicros: integer("unit_price_micros"),
    defaultSenderId: text("default_sender_id"),
    /** JSON array of ISO 3166 alpha-2 codes; null = every destination. */
    allowedCountries: text("allowed_countries", { mode: "json" }).$type<string[] | null>(),
    /** JSON object of per-bucket per-minute limits overriding the contract defaults. */
    rateLimits: text("rate_limits", { mode: "json" })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check(
      "merchants_unit_price_non_negative",
      sql`${t.unitPriceMicros} IS NULL OR ${t.unitPriceMicros} >= 0`,
    ),
  ],
);
