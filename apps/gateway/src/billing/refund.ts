/**
 * Statements that refund part of a send to the wallets it was paid from (CONTRACT §5): postpaid
 * first, up to what the send took from it and has not had back, then prepaid, likewise — the rule of
 * the protocol's `splitRefund`, evaluated in SQL against the ledger at commit time so concurrent
 * refunds of one send can never return more to a wallet than it gave.
 *
 * `reference` is unique in the ledger: the same refund can never be paid twice. `onlyIf` is an SQL
 * condition (with its own bindings) that must hold for the refund to happen, so a refund can ride in
 * the same batch as the state change that justifies it.
 */
export function refundStatements(
  db: D1Database,
  input: {
    sendId: string;
    amountMicros: number;
    reference: string;
    now: number;
    note?: string;
    onlyIf?: { sql: string; binds: unknown[] };
  },
): D1PreparedStatement[] {
  if (input.amountMicros <= 0) return [];
  const condition = input.onlyIf ? `AND ${input.onlyIf.sql}` : "";
  const extra = input.onlyIf?.binds ?? [];
  const left = (wallet: string) =>
    `(SELECT COALESCE(-SUM(CASE WHEN reason = 'send_debit' THEN amount_micros END), 0)
           - COALESCE(SUM(CASE WHEN reason = 'refund' THEN amount_micros END), 0)
      FROM wallet_ledger WHERE send_id = ?1 AND wallet_type = '${wallet}')`;
  const postpaidRef = `${input.reference}:postpaid`;
  return [
    db
      .prepare(
        `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, reference, note, created_at)
         SELECT merchant_id, 'LISOLOO_POST_PAID', MIN(?2, ${left("LISOLOO_POST_PAID")}), 'refund', ?1, ?3, ?5, ?4
         FROM sends WHERE id = ?1 AND MIN(?2, ${left("LISOLOO_POST_PAID")}) > 0 ${condition}`,
      )
      .bind(input.sendId, input.amountMicros, postpaidRef, input.now, input.note ?? null, ...extra),
    db
      .prepare(
        `INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, send_id, reference, note, created_at)
         SELECT merchant_id, 'LISOLOO_SMS', amount, 'refund', ?1, ?3, ?6, ?5
         FROM sends, (SELECT MIN(?2 - COALESCE((SELECT amount_micros FROM wallet_ledger WHERE reference = ?4), 0),
                                 ${left("LISOLOO_SMS")}) AS amount)
         WHERE id = ?1 AND amount > 0 ${condition}`,
      )
      .bind(
        input.sendId,
        input.amountMicros,
        input.reference,
        postpaidRef,
        input.now,
        input.note ?? null,
        ...extra,
      ),
  ];
}
