import {
  applyReceipt,
  type DeliveryEventType,
  type DeliveryState,
  errorCodeForStatus,
} from "@lisoloo/protocol";
import { micros, refundStatements } from "../billing/refund";
import type { Bindings } from "../env";
import { isoSeconds } from "../iso-seconds";
import { notifyWebhooks } from "../webhooks/notify";
import { DELIVERY_COLUMNS, DELIVERY_JOINS, type DeliveryRow, newRevision, stateOf } from "./delivery-row";
import { deliveryEventData } from "./event-payloads";
import type { CarrierReceipt } from "./messages";

/** Timestamp column a status sets when a delivery first reaches it. */
function timestampColumn(status: string): "sent_at" | "delivered_at" | "failed_at" | null {
  if (status === "sent") return "sent_at";
  if (status === "delivered") return "delivered_at";
  if (
    status === "processing" ||
    status === "accepted" ||
    status === "enroute" ||
    status === "pending" ||
    status === "cancelled"
  )
    return null;
  return "failed_at";
}

type Change = {
  row: DeliveryRow;
  next: DeliveryState;
  revision: string;
  seq: number;
  stamps: { sent_at: number | null; delivered_at: number | null; failed_at: number | null };
  refund: boolean;
};
type EventRow = {
  id: string;
  deliveryId: number;
  type: DeliveryEventType;
  seq: number;
  payload: string;
  occurredAt: number;
  revision: string;
};
type LogRow = { deliveryId: number; status: string; outcome: string; errorCode: string | null; raw: string };

export type ApplyResult = {
  applied: number;
  ignored: number;
  unmatched: CarrierReceipt[];
  eventIds: string[];
};

async function loadDeliveries(
  db: D1Database,
  carrier: string | null,
  receipts: CarrierReceipt[],
): Promise<Map<number, DeliveryRow>> {
  const ids = receipts.flatMap((r) => (r.deliveryId === undefined ? [] : [r.deliveryId]));
  const refs = receipts.flatMap((r) => (r.carrierMessageId === undefined ? [] : [r.carrierMessageId]));
  // Two index lookups rather than one OR, which SQLite would answer by scanning every delivery.
  const byId = `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS} WHERE d.id IN (SELECT value FROM json_each(?1))`;
  const byRef = `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
     WHERE d.carrier = ?2 AND d.carrier_message_id IN (SELECT value FROM json_each(?3))`;
  const sql = refs.length === 0 ? byId : ids.length === 0 ? byRef : `${byId} UNION ${byRef}`;
  const binds =
    refs.length === 0 ? [JSON.stringify(ids)] : [JSON.stringify(ids), carrier, JSON.stringify(refs)];
  const { results } = await db
    .prepare(sql)
    .bind(...binds)
    .all<DeliveryRow>();
  return new Map(results.map((r) => [r.id, r]));
}

/**
 * Applies carrier receipts through the protocol's lifecycle (forward only, duplicates and late ones
 * recorded but not applied, multipart merged) and writes, in ONE D1 batch, each delivery's new state,
 * the events its transitions emit (with strictly increasing per-delivery sequence numbers), every
 * receipt as it arrived, and the refund of a delivery that failed through the gateway's fault (1501).
 * Writes are conditional on the delivery not having changed since it was read; a delivery that did
 * change is re-read and re-applied, so concurrent consumers never lose or reorder a receipt.
 */
export async function applyReceipts(
  env: Bindings,
  carrier: string | null,
  receipts: CarrierReceipt[],
  now = Date.now(),
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: 0, ignored: 0, unmatched: [], eventIds: [] };
  let pending = receipts;
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    const rows = await loadDeliveries(env.DB, carrier, pending);
    const byRef = new Map<string, DeliveryRow>();
    for (const row of rows.values()) if (row.carrier_message_id) byRef.set(row.carrier_message_id, row);

    const changes = new Map<number, Change>();
    const events: EventRow[] = [];
    const log: LogRow[] = [];
    const receiptsOf = new Map<number, CarrierReceipt[]>();
    for (const receipt of pending) {
      const row =
        receipt.deliveryId !== undefined
          ? rows.get(receipt.deliveryId)
          : receipt.carrierMessageId !== undefined
            ? byRef.get(receipt.carrierMessageId)
            : undefined;
      if (!row) {
        if (attempt === 0) result.unmatched.push(receipt);
        continue;
      }
      receiptsOf.set(row.id, [...(receiptsOf.get(row.id) ?? []), receipt]);
      const change = changes.get(row.id);
      const current = change ? change.next : stateOf(row);
      const applied = applyReceipt(current, {
        status: receipt.status,
        part: receipt.part ?? null,
        error_code: receipt.errorCode ?? null,
        at: receipt.at,
      });
      log.push({
        deliveryId: row.id,
        status: receipt.status,
        outcome: applied.outcome,
        errorCode: receipt.errorCode ?? null,
        raw: JSON.stringify(receipt),
      });
      if (applied.outcome !== "applied" && applied.outcome !== "merged") continue;
      const c: Change = change ?? {
        row,
        next: current,
        revision: newRevision(),
        seq: row.event_seq,
        stamps: { sent_at: null, delivered_at: null, failed_at: null },
        refund: false,
      };
      c.next = applied.next;
      const column = timestampColumn(applied.next.status);
      const at = Date.parse(receipt.at) || now;
      if (column && c.stamps[column] === null) c.stamps[column] = at;
      if (
        applied.next.status === "failed" &&
        (applied.next.error_code ?? errorCodeForStatus("failed")) === "1501"
      )
        c.refund = true;
      if (applied.event_type) {
        c.seq += 1;
        events.push({
          id: crypto.randomUUID(),
          deliveryId: row.id,
          type: applied.event_type,
          seq: c.seq,
          payload: JSON.stringify(
            deliveryEventData(applied.event_type, row, applied.next, row.carrier ?? carrier, isoSeconds(at)),
          ),
          occurredAt: at,
          revision: c.revision,
        });
      }
      changes.set(row.id, c);
    }
    if (changes.size === 0 && log.length === 0) break;

    const db = env.DB;
    const updates = [...changes.values()].map((c) => ({
      id: c.row.id,
      old: c.row.revision,
      rev: c.revision,
      status: c.next.status,
      code: c.next.error_code ?? errorCodeForStatus(c.next.status),
      parts: c.next.parts ? JSON.stringify(c.next.parts) : null,
      seq: c.seq,
      sent: c.stamps.sent_at,
      delivered: c.stamps.delivered_at,
      failed: c.stamps.failed_at,
    }));
    const statements: D1PreparedStatement[] = [
      db
        .prepare(
          `UPDATE deliveries SET status = j.status, error_code = j.code, parts = j.parts, event_seq = j.seq,
             revision = j.rev, sent_at = COALESCE(sent_at, j.sent), delivered_at = COALESCE(delivered_at, j.delivered),
             failed_at = COALESCE(failed_at, j.failed), updated_at = ?2
           FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev, value ->> '$.status' AS status,
                        value ->> '$.code' AS code, value ->> '$.parts' AS parts, value ->> '$.seq' AS seq,
                        value ->> '$.sent' AS sent, value ->> '$.delivered' AS delivered, value ->> '$.failed' AS failed
                 FROM json_each(?1)) AS j
           WHERE deliveries.id = j.id AND deliveries.revision IS j.old`,
        )
        .bind(JSON.stringify(updates), now),
      db
        .prepare(
          `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, status, created_at)
           SELECT j.value ->> '$.id', s.id, d.id, s.key_id, j.value ->> '$.type', j.value ->> '$.seq', j.value ->> '$.payload',
                  j.value ->> '$.occurredAt', 'pending', ?2
           FROM json_each(?1) j JOIN deliveries d ON d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision'
           JOIN sends s ON s.id = d.send_id`,
        )
        .bind(JSON.stringify(events), now),
      db
        .prepare(
          `INSERT INTO receipts (delivery_id, status, outcome, error_code, raw, received_at)
           SELECT j.value ->> '$.deliveryId', j.value ->> '$.status', j.value ->> '$.outcome', j.value ->> '$.errorCode', j.value ->> '$.raw', ?2
           FROM json_each(?1) j
           WHERE j.value ->> '$.revision' IS NULL
              OR EXISTS (SELECT 1 FROM deliveries d WHERE d.id = j.value ->> '$.deliveryId' AND d.revision = j.value ->> '$.revision')`,
        )
        // A delivery that changes in this batch logs its receipts only if the change lands (else they are retried).
        .bind(
          JSON.stringify(log.map((l) => ({ ...l, revision: changes.get(l.deliveryId)?.revision ?? null }))),
          now,
        ),
    ];
    for (const c of changes.values()) {
      if (!c.refund) continue;
      const amount = c.row.segments * c.row.unit_price_micros;
      statements.push(
        ...refundStatements(db, {
          sendId: c.row.send_id,
          amount: micros(amount),
          reference: `refund:delivery:${c.row.id}`,
          now,
          note: "failed before carrier hand-off (1501)",
          onlyIf: {
            sql: "EXISTS (SELECT 1 FROM deliveries WHERE id = ? AND revision = ?)",
            binds: [c.row.id, c.revision],
          },
        }),
        db
          .prepare("UPDATE deliveries SET refunded_micros = ? WHERE id = ? AND revision = ?")
          .bind(amount, c.row.id, c.revision),
      );
    }
    statements.push(
      db
        .prepare(
          "SELECT id FROM deliveries WHERE id IN (SELECT value ->> '$.id' FROM json_each(?1)) AND revision IN (SELECT value ->> '$.rev' FROM json_each(?1))",
        )
        .bind(JSON.stringify(updates)),
    );
    const out = await db.batch(statements);
    const landed = new Set(((out[out.length - 1]?.results ?? []) as { id: number }[]).map((r) => r.id));
    for (const e of events) if (landed.has(e.deliveryId)) result.eventIds.push(e.id);
    for (const l of log) {
      if (!changes.has(l.deliveryId)) result.ignored++;
      else if (landed.has(l.deliveryId))
        l.outcome === "applied" || l.outcome === "merged" ? result.applied++ : result.ignored++;
    }
    // Deliveries someone else changed meanwhile: re-read and re-apply their receipts.
    pending = [...changes.values()]
      .filter((c) => !landed.has(c.row.id))
      .flatMap((c) => receiptsOf.get(c.row.id) ?? []);
  }
  return result;
}

/** Applies receipts and hands the events they produced to the webhook dispatcher. */
export async function applyReceiptsAndNotify(
  env: Bindings,
  ctx: ExecutionContext,
  carrier: string | null,
  receipts: CarrierReceipt[],
): Promise<ApplyResult> {
  const result = await applyReceipts(env, carrier, receipts);
  if (result.eventIds.length > 0) ctx.waitUntil(notifyWebhooks(env, result.eventIds));
  return result;
}
