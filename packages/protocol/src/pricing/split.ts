import { assertMicros } from "./money.js";

/** Spendable balances of the merchant's two wallets, in micro-units (a missing wallet is 0). */
export interface WalletBalances {
  /** The prepaid wallet, `LISOLOO_SMS`. */
  prepaidMicros: number;
  /** The postpaid (credit) wallet, `LISOLOO_POST_PAID`. */
  postpaidMicros: number;
}

/** The amount to take from each wallet. */
export interface WalletSplit {
  prepaid: number;
  postpaid: number;
}

/** The outcome of {@link splitDebit}. */
export type DebitSplit =
  | ({ sufficient: true } & WalletSplit)
  | { sufficient: false /** What both wallets hold together. */; available: number; shortfall: number };

/**
 * Splits a debit over the wallets (CONTRACT §5): the prepaid wallet `LISOLOO_SMS` first, then the
 * postpaid `LISOLOO_POST_PAID` for the rest. When both together cannot cover it, nothing is taken
 * and the result says by how much it falls short (→ 402 `1202`).
 *
 * @throws RangeError on a negative or non-integer amount or balance.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { splitDebit } from "@lisoloo/protocol/pricing";
 *
 * assert.deepEqual(splitDebit(2_000_000, { prepaidMicros: 1_500_000, postpaidMicros: 10_000_000 }), {
 *   sufficient: true,
 *   prepaid: 1_500_000,
 *   postpaid: 500_000,
 * });
 * assert.deepEqual(splitDebit(2_000_000, { prepaidMicros: 500_000, postpaidMicros: 0 }), {
 *   sufficient: false,
 *   available: 500_000,
 *   shortfall: 1_500_000,
 * });
 */
export function splitDebit(totalMicros: number, balances: WalletBalances): DebitSplit {
  assertMicros(totalMicros, "totalMicros", { nonNegative: true });
  assertMicros(balances.prepaidMicros, "prepaidMicros", { nonNegative: true });
  assertMicros(balances.postpaidMicros, "postpaidMicros", { nonNegative: true });
  const prepaid = Math.min(totalMicros, balances.prepaidMicros);
  const postpaid = totalMicros - prepaid;
  if (postpaid > balances.postpaidMicros) {
    const available = balances.prepaidMicros + balances.postpaidMicros;
    return { sufficient: false, available, shortfall: totalMicros - available };
  }
  return { sufficient: true, prepaid, postpaid };
}

/** What a send took from each wallet, and what has already been given back. */
export interface RefundLedger {
  prepaidTaken: number;
  postpaidTaken: number;
  prepaidRefunded: number;
  postpaidRefunded: number;
}

/** The outcome of {@link splitRefund}. */
export interface RefundSplit extends WalletSplit {
  /** The part of the request that exceeded what was still refundable and was not refunded. */
  excess: number;
}

/**
 * Splits a refund back over the wallets a send's money came from. Rule: the postpaid wallet is
 * refunded first, up to what was taken from it and not yet refunded, so the merchant's credit debt
 * is cleared before prepaid money returns; the rest goes to the prepaid wallet, again never beyond
 * what was taken from it. Refunding everything that was debited therefore returns each wallet
 * exactly its share, whatever partial refunds came before. Anything asked beyond what is still
 * refundable is reported as `excess`, never paid.
 *
 * @throws RangeError on a negative or non-integer amount.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { splitRefund } from "@lisoloo/protocol/pricing";
 *
 * const ledger = { prepaidTaken: 1_500_000, postpaidTaken: 500_000, prepaidRefunded: 0, postpaidRefunded: 0 };
 * assert.deepEqual(splitRefund(600_000, ledger), { prepaid: 100_000, postpaid: 500_000, excess: 0 });
 * // After that refund, asking for more than what is left pays back only what is left
 * const after = { ...ledger, prepaidRefunded: 100_000, postpaidRefunded: 500_000 };
 * assert.deepEqual(splitRefund(2_000_000, after), { prepaid: 1_400_000, postpaid: 0, excess: 600_000 });
 */
export function splitRefund(refundMicros: number, ledger: RefundLedger): RefundSplit {
  assertMicros(refundMicros, "refundMicros", { nonNegative: true });
  for (const [name, value] of Object.entries(ledger)) assertMicros(value, name, { nonNegative: true });
  const postpaidLeft = Math.max(0, ledger.postpaidTaken - ledger.postpaidRefunded);
  const prepaidLeft = Math.max(0, ledger.prepaidTaken - ledger.prepaidRefunded);
  const postpaid = Math.min(refundMicros, postpaidLeft);
  const prepaid = Math.min(refundMicros - postpaid, prepaidLeft);
  return { prepaid, postpaid, excess: refundMicros - postpaid - prepaid };
}
