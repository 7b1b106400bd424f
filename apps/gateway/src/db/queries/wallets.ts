import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { databaseErrorText } from "../errors";
import { type WalletType, walletLedger, wallets } from "../schema";

export type Balances = Partial<Record<WalletType, number>>;

/** The merchant's wallet balances in micro-units; an empty object when it has no wallet at all. */
export async function readBalances(db: Db, merchantId: string): Promise<Balances> {
  const rows = await db
    .select({ type: wallets.type, balance: wallets.balanceMicros })
    .from(wallets)
    .where(eq(wallets.merchantId, merchantId));
  const out: Balances = {};
  for (const r of rows) out[r.type] = r.balance;
  return out;
}

/** The most recent ledger rows of a merchant, newest first. */
export function readLedger(db: Db, merchantId: string, limit = 100) {
  return db
    .select()
    .from(walletLedger)
    .where(eq(walletLedger.merchantId, merchantId))
    .orderBy(desc(walletLedger.id))
    .limit(limit);
}

/** Sum of each wallet's ledger, to check the invariant ledger = balance. */
export async function ledgerSums(db: Db, merchantId: string): Promise<Balances> {
  const rows = await db
    .select({ type: walletLedger.walletType, total: sql<number>`sum(${walletLedger.amountMicros})` })
    .from(walletLedger)
    .where(eq(walletLedger.merchantId, merchantId))
    .groupBy(walletLedger.walletType);
  const out: Balances = {};
  for (const r of rows) out[r.type] = r.total;
  return out;
}

/** True when a D1 error is the wallet balance CHECK refusing an overdraft. */
export function isOverdraft(error: unknown): boolean {
  return /CHECK constraint failed: wallets_balance_non_negative/i.test(databaseErrorText(error));
}

/** True when a D1 error is the ledger trigger refusing a row for a wallet that does not exist. */
export function isMissingWallet(error: unknown): boolean {
  return /NO_WALLET/.test(databaseErrorText(error));
}
