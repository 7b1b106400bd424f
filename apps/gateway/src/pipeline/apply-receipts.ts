import type { CarrierReceipt } from "../carriers/types";
import type { ShardEnv } from "../env";
import { handOverEvents } from "../webhooks/outbox/notify";
import type { RoutedEvent } from "../webhooks/outbox/route";
import type { CloseRule } from "./closings";
import { DELIVERY_COLUMNS, DELIVERY_JOINS, type DeliveryRow, newRevision } from "./delivery-row";
import { type CarrierPart, planReceipts } from "./receipt-plan";
import { writeReceiptPlan } from "./receipt-writer";

export type ApplyResult = {
  applied: number;
  ignored: number;
  /** The receipts given that matched no delivery, the very objects passed in. */
  unmatched: CarrierReceipt[];
  /** The events written that are owed a delivery, with their destination. */
  routed: RoutedEvent[];
};

/** A receipt as given, or a close decided from the delivery as read (see `CloseRule`). */
type Input = { receipt: CarrierReceipt } | { deliveryId: number; close: CloseRule };

const tokens = { revision: newRevision, eventId: () => crypto.randomUUID() };

type Loaded = { rows: Map<number, DeliveryRow>; parts: Map<string, CarrierPart> };

async function loadDeliveries(db: D1Database, carrier: string | null, inputs: Input[]): Promise<Loaded> {
  const ids = inputs.flatMap((i) =>
    "close" in i ? [i.deliveryId] : i.receipt.deliveryId === undefined ? [] : [i.receipt.deliveryId],
  );
  const refs = inputs.flatMap((i) =>
    "close" in i || i.receipt.carrierMessageId === undefined ? [] : [i.receipt.carrierMessageId],
  );
  // Separate index lookups joined by UNION rather than one OR, which SQLite would answer by scanning
  // every delivery: by id, by the delivery's own carrier id, and by the carrier id of one of its parts.
  const byId = `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS} WHERE d.id IN (SELECT value FROM json_each(?1))`;
  const byRef = `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
     WHERE d.carrier = ?2 AND d.carrier_message_id IN (SELECT value FROM json_each(?3))`;
  const byPart = `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
     WHERE d.id IN (SELECT delivery_id FROM carrier_message_parts
                    WHERE carrier = ?2 AND carrier_message_id IN (SELECT value FROM json_each(?3)))`;
  if (refs.length === 0 || carrier === null) {
    const { results } = await db.prepare(byId).bind(JSON.stringify(ids)).all<DeliveryRow>();
    return { rows: new Map(results.map((r) => [r.id, r])), parts: new Map() };
  }
  const refList = JSON.stringify(refs);
  const [deliveries, parts] = await db.batch<Record<string, unknown>>([
    db.prepare(`${byId} UNION ${byRef} UNION ${byPart}`).bind(JSON.stringify(ids), carrier, refList),
    db
      .prepare(
        `SELECT carrier_message_id, delivery_id, part_index, part_total FROM carrier_message_parts
         WHERE carrier = ?1 AND carrier_message_id IN (SELECT value FROM json_each(?2))`,
      )
      .bind(carrier, refList),
  ]);
  type PartRow = { carrier_message_id: string; delivery_id: number; part_index: number; part_total: number };
  return {
    rows: new Map(((deliveries?.results ?? []) as DeliveryRow[]).map((r) => [r.id, r])),
    parts: new Map(
      ((parts?.results ?? []) as PartRow[]).map((p) => [
        p.carrier_message_id,
        { deliveryId: p.delivery_id, index: p.part_index, total: p.part_total },
      ]),
    ),
  };
}

/**
 * Reads the deliveries, plans (`planReceipts`, pure) and writes the plan (`writeReceiptPlan`, one
 * batch). A delivery someone else changed between the read and the write is read again and its
 * receipts planned again, so concurrent writers never lose or reorder a receipt, and a close is
 * decided on what the delivery has become.
 */
async function settle(env: ShardEnv, carrier: string | null, inputs: Input[], now: number) {
  const result: ApplyResult = { applied: 0, ignored: 0, unmatched: [], routed: [] };
  let pending = inputs;
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    const { rows, parts } = await loadDeliveries(env.DB, carrier, pending);
    // Keyed by a fresh copy of each receipt, so the plan's receipts lead back to their inputs.
    const origin = new Map<CarrierReceipt, Input>();
    for (const input of pending) {
      if (!("close" in input)) origin.set({ ...input.receipt }, input);
      else {
        const row = rows.get(input.deliveryId);
        const receipt = row ? input.close(row) : null;
        if (receipt) origin.set({ ...receipt, deliveryId: input.deliveryId }, input);
      }
    }
    const plan = planReceipts({ rows, parts, carrier, receipts: [...origin.keys()], now, tokens });
    if (attempt === 0)
      for (const copy of plan.unmatched) {
        const input = origin.get(copy);
        result.unmatched.push(input !== undefined && !("close" in input) ? input.receipt : copy);
      }
    if (plan.changes.length === 0 && plan.log.length === 0) break;

    const { landed, routed } = await writeReceiptPlan(env.DB, plan, now);
    const changed = new Set(plan.changes.map((c) => c.id));
    // Only events of changes that landed were inserted, so only those were routed.
    result.routed.push(...routed);
    for (const l of plan.log) {
      if (!changed.has(l.deliveryId)) result.ignored++;
      else if (landed.has(l.deliveryId))
        l.outcome === "applied" || l.outcome === "merged" ? result.applied++ : result.ignored++;
    }
    // Deliveries someone else changed meanwhile: read them again and plan their inputs again.
    pending = plan.changes
      .filter((c) => !landed.has(c.id))
      .flatMap((c) => (plan.receiptsOf.get(c.id) ?? []).map((r) => origin.get(r) as Input));
  }
  return result;
}

/**
 * Applies carrier receipts (or the gateway's own, with `carrier` null) through the protocol's
 * lifecycle and writes, in ONE D1 batch, each delivery's new state, the events its transitions emit,
 * every receipt as it arrived, and the refund the protocol's billing rule gives a delivery that ends.
 */
export function applyReceipts(
  env: ShardEnv,
  carrier: string | null,
  receipts: CarrierReceipt[],
  now = Date.now(),
): Promise<ApplyResult> {
  return settle(
    env,
    carrier,
    receipts.map((receipt) => ({ receipt })),
    now,
  );
}

/** Applies receipts and hands the events they produced to the webhook dispatcher. */
export async function applyReceiptsAndNotify(
  env: ShardEnv,
  ctx: ExecutionContext,
  carrier: string | null,
  receipts: CarrierReceipt[],
): Promise<ApplyResult> {
  const result = await applyReceipts(env, carrier, receipts);
  if (result.routed.length > 0) ctx.waitUntil(handOverEvents(env, result.routed));
  return result;
}

/**
 * Deliveries one settle closes: its statements carry their changes and events as JSON, and this
 * keeps each well under D1's limits (an event payload is a few hundred bytes).
 */
export const CLOSE_PAGE = 200;

/**
 * Closes deliveries the gateway gives up on (validity end, dead letters, unknown submits) through
 * the same receipt path, so each emits `sms.failed` and is refunded or not by the billing rule; the
 * rule decides each close from the delivery as it is when written. `CLOSE_PAGE` at a time. Notifies
 * the dispatcher.
 */
export async function closeDeliveries(
  env: ShardEnv,
  ctx: ExecutionContext,
  ids: number[],
  close: CloseRule,
  now = Date.now(),
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: 0, ignored: 0, unmatched: [], routed: [] };
  for (let i = 0; i < ids.length; i += CLOSE_PAGE) {
    const page = await settle(
      env,
      null,
      ids.slice(i, i + CLOSE_PAGE).map((deliveryId) => ({ deliveryId, close })),
      now,
    );
    result.applied += page.applied;
    result.ignored += page.ignored;
    result.unmatched.push(...page.unmatched);
    result.routed.push(...page.routed);
    if (page.routed.length > 0) ctx.waitUntil(handOverEvents(env, page.routed));
  }
  return result;
}
