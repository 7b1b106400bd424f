import { micros, refundStatements } from "../billing/refund";
import type { ReceiptPlan } from "./receipt-plan";

/**
 * Writes a receipt plan in ONE D1 batch: each delivery's new state, its events, every receipt as it
 * arrived, and its refund. Every write is conditional on the delivery still having the revision the
 * plan read, so a delivery someone changed meanwhile is left alone (with its events, receipts and
 * refund) and reported as not landed, for the caller to re-read and plan again. Returns the ids of
 * the deliveries whose change landed.
 */
export async function writeReceiptPlan(db: D1Database, plan: ReceiptPlan, now: number): Promise<Set<number>> {
  const updates = JSON.stringify(plan.changes);
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE deliveries SET status = j.status, error_code = j.code, error_message = COALESCE(j.message, error_message),
           parts = j.parts, event_seq = j.seq,
           revision = j.rev, sent_at = COALESCE(sent_at, j.sent), delivered_at = COALESCE(delivered_at, j.delivered),
           failed_at = COALESCE(failed_at, j.failed), updated_at = ?2
         FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev, value ->> '$.status' AS status,
                      value ->> '$.code' AS code, value ->> '$.message' AS message, value ->> '$.parts' AS parts,
                      value ->> '$.seq' AS seq,
                      value ->> '$.sent' AS sent, value ->> '$.delivered' AS delivered, value ->> '$.failed' AS failed
               FROM json_each(?1)) AS j
         WHERE deliveries.id = j.id AND deliveries.revision IS j.old`,
      )
      .bind(updates, now),
    db
      .prepare(
        `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, status, created_at)
         SELECT j.value ->> '$.id', s.id, d.id, s.key_id, j.value ->> '$.type', j.value ->> '$.seq', j.value ->> '$.payload',
                j.value ->> '$.occurredAt', 'pending', ?2
         FROM json_each(?1) j JOIN deliveries d ON d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision'
         JOIN sends s ON s.id = d.send_id`,
      )
      .bind(JSON.stringify(plan.events), now),
    db
      .prepare(
        `INSERT INTO receipts (delivery_id, status, outcome, error_code, raw, received_at)
         SELECT j.value ->> '$.deliveryId', j.value ->> '$.status', j.value ->> '$.outcome', j.value ->> '$.errorCode', j.value ->> '$.raw', ?2
         FROM json_each(?1) j
         WHERE j.value ->> '$.revision' IS NULL
            OR EXISTS (SELECT 1 FROM deliveries d WHERE d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision')`,
      )
      // A delivery that changes in this batch logs its receipts only if the change lands (else they are retried).
      .bind(JSON.stringify(plan.log), now),
  ];
  for (const refund of plan.refunds) {
    statements.push(
      // The ledger reference is unique per delivery: a refund is paid once, whatever retries.
      ...refundStatements(db, {
        sendId: refund.sendId,
        amount: micros(refund.amountMicros),
        reference: `refund:delivery:${refund.deliveryId}`,
        now,
        note: "failed (1501) or never handed to a carrier",
        onlyIf: {
          sql: "EXISTS (SELECT 1 FROM deliveries WHERE id = ? AND revision = ?)",
          binds: [refund.deliveryId, refund.revision],
        },
      }),
      db
        .prepare("UPDATE deliveries SET refunded_micros = ? WHERE id = ? AND revision = ?")
        .bind(refund.amountMicros, refund.deliveryId, refund.revision),
    );
  }
  statements.push(
    db
      .prepare(
        "SELECT id FROM deliveries WHERE id IN (SELECT value ->> '$.id' FROM json_each(?1)) AND revision IN (SELECT value ->> '$.rev' FROM json_each(?1))",
      )
      .bind(updates),
  );
  const out = await db.batch(statements);
  return new Set(((out[out.length - 1]?.results ?? []) as { id: number }[]).map((r) => r.id));
}
