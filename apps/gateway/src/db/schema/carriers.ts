import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
