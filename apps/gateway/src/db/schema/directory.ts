import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The directory database (binding DIRECTORY) says where each merchant lives; everything about the
// merchant (its row, keys, wallets, sends, events) is in that shard. Rows are only ever added: a
// merchant never moves, so a cached answer never goes stale.

/** Which shard (`DB_0`, `DB_1`, …) holds a merchant. */
export const directoryMerchants = sqliteTable(
  "directory_merchants",
  {
    merchantId: text("merchant_id").primaryKey(),
    shard: text("shard").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  // Placement counts merchants per shard.
  (t) => [index("directory_merchants_shard_idx").on(t.shard)],
);

/** Which shard holds a key, by the digest the auth path has and by the id operators use. */
export const directoryKeys = sqliteTable("directory_keys", {
  digest: text("digest").primaryKey(),
  keyId: text("key_id").notNull().unique(),
  merchantId: text("merchant_id").notNull(),
  shard: text("shard").notNull(),
  createdAt: integer("created_at").notNull(),
});
