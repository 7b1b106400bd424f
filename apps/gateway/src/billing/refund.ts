/** An SQL expression with its positional bindings. */
export type SqlExpr = { sql: string; binds: unknown[] };

/**
 * What a wallet still holds of a send: what the send took from it and has not had back. Ledger
 * rows of a send are only its debits and its refunds, so this never goes below zero.
 */
const leftIn = (wallet: string) => `MAX(0, (SELECT
    COALESCE(-SUM(CASE WHEN l.reason = 'send_debit' THEN l.amount_micros END), 0)
      - COALESCE(SUM(CASE WHEN l.reason = 'refund' THEN l.amount_micros END), 0)
    FROM wallet_ledger l WHERE l.send_id = s.id AND l.wallet_type = '${wallet}'))`;

/**
 * ONE statement that pays back any number of refunds, of any number of sends, to the wallets they
 * were paid from (CONTRACT §5): postpaid first, up to what the send took from it and has not had
 * back, then prepaid, likewise — the rule of the protocol's `splitRefund`, evaluated in SQL against
 * the ledger at commit time, so concurrent refunds of one send never return more to a wallet than
 * it gave.
 *
 * `refunds` is a SELECT with one row per refund and the columns `send_id`, `reference`, `amount`
 * (micro-units; zero or less pays nothing) and `seq`. Refunds of one send are paid in `seq` order,
 * each from what the ones before it left, exactly as if each were its own statement: a running sum
 * per send (`upto`) against what each wallet held before the statement. A refund writes a ledger row
 * per wallet it draws on, `reference` for prepaid and `reference:postpaid` for postpaid; the
 * reference is unique in the ledger, so the same refund is never paid twice (a second try fails the
 * batch). The ledger trigger applies each row to its wallet. Since `refunds` is a SELECT, a refund
 * can be computed from rows the same batch just changed (the deliveries a cancel closed, the
 * receipts whose write landed).
 *
 * @example
 * refundStatement(db, {
 *   sql: "SELECT ? AS send_id, ? AS reference, ? AS amount, 0 AS seq",
 *   binds: [sendId, `cancel:${sendId}`, 60_000],
 * }, { now: Date.now(), note: "cancelled" })
 */
export function refundStatement(
  db: D1Database,
  refunds: SqlExpr,
  input: { now: number; note?: string },
): D1PreparedStatement {
  // The INSERT reads the ledger it writes: `held` is materialised before the first row goes in, so
  // each refund's share is decided from the ledger as it stood when the statement began, and the
  // running sum, not the rows inserted meanwhile, accounts for the refunds before it.
  return db
    .prepare(
      `WITH r AS (SELECT send_id, reference, amount, seq FROM (${refunds.sql}) WHERE amount > 0),
         -- Once per send, not per refund: a send's ledger holds a row per delivery it refunded.
         held AS MATERIALIZED (
           SELECT s.id AS send_id, s.merchant_id,
                  ${leftIn("LISOLOO_POST_PAID")} AS post_left, ${leftIn("LISOLOO_SMS")} AS pre_left
           FROM sends s WHERE s.id IN (SELECT send_id FROM r)),
         c AS (
           SELECT h.merchant_id, r.send_id, r.reference, r.amount, h.post_left, h.pre_left,
                  SUM(r.amount) OVER (PARTITION BY r.send_id ORDER BY r.seq, r.reference
                                      ROWS UNBOUNDED PRECEDING) AS upto
           FROM r JOIN held h ON h.send_id = r.send_id),
         split AS (
           SELECT merchant_id, send_id, reference,
                  MIN(upto, post_left) - MIN(upto - amount, post_left) AS post,
                  MIN(MAX(upto - post_left, 0), pre_left) - MIN(MAX(upto - amount - post_left, 0), pre_left) AS pre
           FROM c)
       INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, reference, note, created_at)
       SELECT merchant_id, 'LISOLOO_POST_PAID', post, 'refund', send_id, reference || ':postpaid', ?, ?
       FROM split WHERE post > 0
       UNION ALL
       SELECT merchant_id, 'LISOLOO_SMS', pre, 'refund', send_id, reference, ?, ?
       FROM split WHERE pre > 0`,
    )
    .bind(...refunds.binds, input.note ?? null, input.now, input.note ?? null, input.now);
}

/** One refund of a send as the rows of {@link refundStatement}: `amount` may read the same batch's writes. */
export function oneRefund(sendId: string, reference: string, amount: SqlExpr): SqlExpr {
  return {
    sql: `SELECT ? AS send_id, ? AS reference, ${amount.sql} AS amount, 0 AS seq`,
    binds: [sendId, reference, ...amount.binds],
  };
}

/** The total a refund reference paid back (both wallets), in micro-units. */
export function refundedTotal(db: D1Database, reference: string): D1PreparedStatement {
  return db
    .prepare(
      "SELECT COALESCE(SUM(amount_micros), 0) AS refunded FROM wallet_ledger WHERE reference IN (?, ?)",
    )
    .bind(reference, `${reference}:postpaid`);
}
