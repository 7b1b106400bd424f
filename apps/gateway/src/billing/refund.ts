/** An SQL expression with its positional bindings. */
export type SqlExpr = { sql: string; binds: unknown[] };

/** A constant amount as an SQL expression. */
export function micros(amount: number): SqlExpr {
  return { sql: "?", binds: [amount] };
}

/**
 * Statements that refund part of a send to the wallets it was paid from (CONTRACT §5): postpaid
 * first, up to what the send took from it and has not had back, then prepaid, likewise — the rule of
 * the protocol's `splitRefund`, evaluated in SQL against the ledger at commit time, so concurrent
 * refunds of one send can never return more to a wallet than it gave.
 *
 * `amount` is an SQL expression, so a refund can be computed from rows the same batch just changed
 * (e.g. the deliveries a cancel closed). `reference` is unique in the ledger: the same refund is
 * never paid twice. `onlyIf`, when given, must hold for the refund to happen at all.
 */
export function refundStatements(
  db: D1Database,
  input: { sendId: string; amount: SqlExpr; reference: string; now: number; note?: string; onlyIf?: SqlExpr },
): D1PreparedStatement[] {
  const condition = input.onlyIf ? `AND ${input.onlyIf.sql}` : "";
  const cond = input.onlyIf?.binds ?? [];
  const left = (wallet: string) => ({
    sql: `(SELECT COALESCE(-SUM(CASE WHEN reason = 'send_debit' THEN amount_micros END), 0)
              - COALESCE(SUM(CASE WHEN reason = 'refund' THEN amount_micros END), 0)
           FROM wallet_ledger WHERE send_id = ? AND wallet_type = '${wallet}')`,
    binds: [input.sendId],
  });
  const postLeft = left("LISOLOO_POST_PAID");
  const preLeft = left("LISOLOO_SMS");
  const postpaidRef = `${input.reference}:postpaid`;
  const postAmount = `MIN(${input.amount.sql}, ${postLeft.sql})`;
  const postBinds = [...input.amount.binds, ...postLeft.binds];
  const preAmount = `MIN(${input.amount.sql} - COALESCE((SELECT amount_micros FROM wallet_ledger WHERE reference = ?), 0), ${preLeft.sql})`;
  const preBinds = [...input.amount.binds, postpaidRef, ...preLeft.binds];
  return [
    db
      .prepare(
        `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, reference, note, created_at)
         SELECT merchant_id, 'LISOLOO_POST_PAID', amount, 'refund', id, ?, ?, ?
         FROM (SELECT merchant_id, id, ${postAmount} AS amount FROM sends WHERE id = ?)
         WHERE amount > 0 ${condition}`,
      )
      .bind(postpaidRef, input.note ?? null, input.now, ...postBinds, input.sendId, ...cond),
    db
      .prepare(
        `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, reference, note, created_at)
         SELECT merchant_id, 'LISOLOO_SMS', amount, 'refund', id, ?, ?, ?
         FROM (SELECT merchant_id, id, ${preAmount} AS amount FROM sends WHERE id = ?)
         WHERE amount > 0 ${condition}`,
      )
      .bind(input.reference, input.note ?? null, input.now, ...preBinds, input.sendId, ...cond),
  ];
}

/** The total a refund reference paid back (both wallets), in micro-units. */
export function refundedTotal(db: D1Database, reference: string): D1PreparedStatement {
  return db
    .prepare(
      "SELECT COALESCE(SUM(amount_micros), 0) AS refunded FROM wallet_ledger WHERE reference IN (?, ?)",
    )
    .bind(reference, `${reference}:postpaid`);
}
