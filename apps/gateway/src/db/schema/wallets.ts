import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { merchants } from "./merchants";

export const walletTypes = ["LISOLOO_SMS", "LISOLOO_POST_PAID"] as const;
export type WalletType = (typeof walletTypes)[number];

/**
 * Wallet balances in micro-units. `balance_micros >= 0` is a constraint, and the balance only ever
 * moves through a ledger row (a trigger applies each row), so the ledger always sums to the balance.
 */
export const wallets = sqliteTable(
  "wallets",
  {
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    type: text("type", { enum: walletTypes }).notNull(),
    balanceMicros: integer("balance_micros").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.type] }),
    check("wallets_balance_non_negative", sql`${t.balanceMicros} >= 0`),
  ],
);

export const ledgerReasons = ["send_debit", "refund", "topup", "adjustment"] as const;
export type LedgerReason = (typeof ledgerReasons)[number];

export const walletLedger = sqliteTable(
  "wallet_ledger",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    merchantId: text("merchant_id").notNull(),
    walletType: text("wallet_type", { enum: walletTypes }).notNull(),
    /** Signed: debits are negative, top-ups and refunds positive. */
    amountMicros: integer("amount_micros").notNull(),
    reason: text("reason", { enum: ledgerReasons }).notNull(),
    sendId: text("send_id"),
    /** Optional caller reference; unique so an operation can be made idempotent (e.g. the dev seed). */
    reference: text("reference").unique(),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("wallet_ledger_wallet_idx").on(t.merchantId, t.walletType),
    // A merchant's latest movements, newest first, read as a page: without it the operator view
    // sorts the merchant's whole ledger (a refund per failed delivery) to show a hundred rows.
    index("wallet_ledger_merchant_idx").on(t.merchantId, t.id),
    index("wallet_ledger_send_idx").on(t.sendId),
    check("wallet_ledger_amount_non_zero", sql`${t.amountMicros} <> 0`),
  ],
);
