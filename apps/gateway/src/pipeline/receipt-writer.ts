import { refundStatement } from "../billing/refund";
import {
  ROUTED_COLUMNS,
  type RoutedEvent,
  routedEvents,
  routeToSend,
  writtenEventsStatement,
} from "../webhooks/outbox/route";
import type { ReceiptPlan } from "./receipt-plan";

/**
 * Writes a receipt plan in ONE D1 batch of at most five statements, however many deliveries it
 * covers: each delivery's new state (with what it refunds), its events (routed as written), every
 * receipt as it arrived, and the refunds, each set-based over the plan as JSON. Every write is
 * conditional on the delivery still having the revision the plan read, so a delivery someone changed
 * meanwhile is left alone (with its events, receipts and refund) and reported as not landed, for the
 * caller to re-read and plan again. Returns the ids of the deliveries whose change landed, and the
 * events written that are owed a delivery (`RoutedEvent`), for the dispatchers.
 */
export async function writeReceiptPlan(
  db: D1Database,
  plan: ReceiptPlan,
  now: number,
): Promise<{ landed: Set<number>; routed: RoutedEvent[] }> {
  const refundOf = new Map(plan.refunds.map((r) => [r.deliveryId, r.amountMicros]));
  const updates = JSON.stringify(plan.changes.map((c) => ({ ...c, refund: refundOf.get(c.id) ?? null })));
  const statements: D1PreparedStatement[] = [];
  let routedAt: number | null = null;
  if (plan.changes.length > 0)
    statements.push(
      db
        .prepare(
          `UPDATE deliveries SET status = j.status, error_code = j.code, error_message = COALESCE(j.message, error_message),
             parts = j.parts, event_seq = j.seq, refunded_micros = COALESCE(j.refund, refunded_micros),
             revision = j.rev, sent_at = COALESCE(sent_at, j.sent), delivered_at = COALESCE(delivered_at, j.delivered),
             failed_at = COALESCE(failed_at, j.failed), updated_at = ?2
           FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev, value ->> '$.status' AS status,
                        value ->> '$.code' AS code, value ->> '$.message' AS message, value ->> '$.parts' AS parts,
                        value ->> '$.seq' AS seq, value ->> '$.refund' AS refund,
                        value ->> '$.sent' AS sent, value ->> '$.delivered' AS delivered, value ->> '$.failed' AS failed
                 FROM json_each(?1)) AS j
           WHERE deliveries.id = j.id AND deliveries.revision IS j.old
           RETURNING id`,
        )
        .bind(updates, now),
    );
  if (plan.events.length > 0)
    statements.push(
      db
        .prepare(
          `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, created_at, ${ROUTED_COLUMNS})
           SELECT j.value ->> '$.id', s.id, d.id, s.key_id, j.value ->> '$.type', j.value ->> '$.seq', j.value ->> '$.payload',
                  j.value ->> '$.occurredAt', ?2, ${routeToSend.values}
           FROM json_each(?1) j JOIN deliveries d ON d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision'
           JOIN sends s ON s.id = d.send_id ${routeToSend.join}
           WHERE ${routeToSend.where}`,
        )
        .bind(JSON.stringify(plan.events), now),
      writtenEventsStatement(
        db,
        plan.events.map((e) => e.id),
      ),
    );
  if (plan.events.length > 0) routedAt = statements.length - 1;
  if (plan.log.length > 0)
    statements.push(
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
    );
  if (plan.refunds.length > 0)
    statements.push(
      // Only the deliveries whose change landed; the ledger reference is unique per delivery, so a
      // refund is paid once, whatever retries.
      refundStatement(
        db,
        {
          sql: `SELECT j.value ->> '$.sendId' AS send_id, 'refund:delivery:' || (j.value ->> '$.deliveryId') AS reference,
                       j.value ->> '$.amountMicros' AS amount, j.key AS seq
                FROM json_each(?) j
                WHERE EXISTS (SELECT 1 FROM deliveries d
                              WHERE d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision')`,
          binds: [JSON.stringify(plan.refunds)],
        },
        { now, note: "failed (1501) or never handed to a carrier" },
      ),
    );
  if (statements.length === 0) return { landed: new Set(), routed: [] };
  const out = await db.batch(statements);
  // The update returns the deliveries whose revision still matched: the changes that landed.
  const landed = new Set(
    plan.changes.length === 0 ? [] : ((out[0]?.results ?? []) as { id: number }[]).map((r) => r.id),
  );
  return { landed, routed: routedAt === null ? [] : routedEvents(out[routedAt]) };
}
