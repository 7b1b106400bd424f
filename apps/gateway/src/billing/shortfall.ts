import { formatMicros } from "@lisoloo/protocol";
import { ApiError } from "../errors/api-error";

/**
 * The error for a send whose debit the wallets refused (the balance CHECK or the missing-wallet
 * trigger fired inside the batch): 400 `1205` when the merchant has no wallet at all, else 402 `1202`
 * saying how much the send needed and how much both wallets hold together.
 *
 * The balances are read after the batch rolled back, so they are what the send was refused against
 * give or take a concurrent top-up or send; the amount needed is exact.
 */
export async function walletRefusal(
  db: D1Database,
  merchant: { id: string; currency: string },
  neededMicros: number,
): Promise<ApiError> {
  const wallets = await db
    .prepare(
      "SELECT count(*) AS n, COALESCE(SUM(balance_micros), 0) AS available FROM wallets WHERE merchant_id = ?",
    )
    .bind(merchant.id)
    .first<{ n: number; available: number }>();
  if (!wallets || wallets.n === 0) return new ApiError("1205");
  const currency = merchant.currency;
  return new ApiError("1202", {
    details: [
      {
        field: "total_cost",
        message: `Needed ${formatMicros(neededMicros)} ${currency}, available ${formatMicros(wallets.available)} ${currency}`,
        code: "INSUFFICIENT_BALANCE",
      },
    ],
  });
}
