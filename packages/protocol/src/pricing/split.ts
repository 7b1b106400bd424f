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
 * @example splitDebit(60_000, { prepaidMicros: 50_000, postpaidMicros: 1_000_000 })
 * // { sufficient: true, prepaid: 50_000, postpaid: 10_000 }
 * @example splitDebit(60_000, { prepaidMicros: 10_000, postpaidMicros: 0 })
 * // { sufficient: false, available: 10_000, shortfall: 50_000 }
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
 * @example splitRefund(30_000, { prepaidTaken: 50_000, postpaidTaken: 10_000, prepaidRefunded: 0, postpaidRefunded: 0 })
 * // { prepaid: 20_000, postpaid: 10_000, excess: 0 }
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
