import { splitSegments } from "@lisoloo/protocol";
import type { Submission } from "../carriers/carrier";
import { carrierFor, routingTable } from "../carriers/registry";
import { routeFor } from "../carriers/routing";
import type { Bindings } from "../env";
import { isoSeconds } from "../iso-seconds";
import { notifyWebhooks } from "../webhooks/notify";
import { applyReceipts } from "./apply-receipts";
import { DELIVERY_COLUMNS, DELIVERY_JOINS, type DeliveryRow, newRevision } from "./delivery-row";
import { enqueue } from "./enqueue";
import { deliveryEventData } from "./event-payloads";
import type { CarrierReceipt, DispatchMessage } from "./messages";

type SendFacts = {
  sender_id: string;
  message: string;
  encoding: "GSM-7" | "UCS-2";
  validity_period: number;
  state: string;
};

/**
 * Claims the still-pending deliveries of one chunk for this queue message (`pending → processing`,
 * each delivery exactly once: the claim is a conditional update, and a redelivered message finds
 * only what it claimed itself and has not submitted yet), writing their `sms.processing` events in
 * the same batch. Returns the deliveries to submit.
 */
// `+status` in these statements keeps SQLite on the (send, dispatch, recipient) index: through the
// status index it would walk every pending delivery in the database for each chunk, and the
// pipeline would slow down as its backlog grows.
async function claim(
  env: Bindings,
  msg: DispatchMessage,
  token: string,
  now: number,
): Promise<{ rows: DeliveryRow[]; eventIds: string[] }> {
  const db = env.DB;
  const { results: candidates } = await db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
       WHERE d.send_id = ?1 AND d.dispatch_seq = ?2 AND d.recipient_idx >= ?3 AND d.recipient_idx < ?4
         AND (+d.status = 'pending' OR (+d.status = 'processing' AND d.claim = ?5 AND d.carrier_message_id IS NULL))`,
    )
    .bind(msg.sendId, msg.seq, msg.from, msg.to, token)
    .all<DeliveryRow>();
  const fresh = candidates.filter((r) => r.status === "pending");
  const table = routingTable(env);
  const at = isoSeconds(now);
  const claims = fresh.map((r) => {
    const carrier = routeFor(r.phone, table);
    const revision = newRevision();
    const event = {
      id: crypto.randomUUID(),
      seq: r.event_seq + 1,
      payload: JSON.stringify(deliveryEventData("sms.processing", r, { status: "processing" }, carrier, at)),
    };
    return { id: r.id, old: r.revision, rev: revision, carrier, event };
  });
  if (claims.length > 0) {
    const json = JSON.stringify(claims);
    await db.batch([
      db
        .prepare(
          `UPDATE deliveries SET status = 'processing', claim = ?2, carrier = j.carrier, revision = j.rev,
             event_seq = event_seq + 1, processing_at = ?3, updated_at = ?3
           FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev, value ->> '$.carrier' AS carrier
                 FROM json_each(?1)) AS j
           WHERE deliveries.id = j.id AND +deliveries.status = 'pending' AND deliveries.revision IS j.old`,
        )
        .bind(json, token, now),
      db
        .prepare(
          `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, status, created_at)
           SELECT j.value ->> '$.event.id', s.id, d.id, s.key_id, 'sms.processing', j.value ->> '$.event.seq',
                  j.value ->> '$.event.payload', ?2, 'pending', ?2
           FROM json_each(?1) j JOIN deliveries d ON d.id = j.value ->> '$.id' AND d.revision = j.value ->> '$.rev'
           JOIN sends s ON s.id = d.send_id`,
        )
        .bind(json, now),
    ]);
  }
  const { results: rows } = await db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
       WHERE d.send_id = ?1 AND d.dispatch_seq = ?2 AND d.recipient_idx >= ?3 AND d.recipient_idx < ?4
         AND +d.status = 'processing' AND d.claim = ?5 AND d.carrier_message_id IS NULL`,
    )
    .bind(msg.sendId, msg.seq, msg.from, msg.to, token)
    .all<DeliveryRow>();
  const claimedNow = new Set(rows.map((r) => r.id));
  return { rows, eventIds: claims.filter((c) => claimedNow.has(c.id)).map((c) => c.event.id) };
}

/**
 * Hands one chunk of a released dispatch to its carriers: claim, submit per routed connector,
 * record the carriers' message ids. Connector refusals (and numbers no connector serves) end
 * `failed` (1501) through the receipt path, which refunds them. A thrown error leaves the claimed
 * deliveries to this message's redelivery.
 */
export async function processDispatchChunk(
  env: Bindings,
  ctx: ExecutionContext,
  msg: DispatchMessage,
  token: string,
): Promise<void> {
  const now = Date.now();
  const send = await env.DB.prepare(
    "SELECT sender_id, message, encoding, validity_period, state FROM sends WHERE id = ?",
  )
    .bind(msg.sendId)
    .first<SendFacts>();
  if (!send) return;
  const { rows, eventIds } = await claim(env, msg, token, now);
  if (eventIds.length > 0) ctx.waitUntil(notifyWebhooks(env, eventIds));
  if (rows.length === 0) return;

  const segments = splitSegments(send.message);
  const byCarrier = new Map<string, DeliveryRow[]>();
  for (const r of rows) byCarrier.set(r.carrier ?? "", [...(byCarrier.get(r.carrier ?? "") ?? []), r]);

  const failures: CarrierReceipt[] = [];
  const accepted: { id: number; ref: string }[] = [];
  const sink = (carrier: string, receipts: CarrierReceipt[], delaySeconds?: number) =>
    enqueue(env, [{ type: "receipts", carrier, receipts }], delaySeconds);
  for (const [slug, group] of byCarrier) {
    const carrier = carrierFor(env, slug);
    if (!carrier) {
      for (const r of group)
        failures.push({
          deliveryId: r.id,
          status: "failed",
          errorCode: "1501",
          at: new Date().toISOString(),
        });
      continue;
    }
    const batch: Submission[] = group.map((r) => ({
      deliveryId: r.id,
      phone: r.phone,
      senderId: send.sender_id,
      segments,
      encoding: send.encoding,
      validitySeconds: send.validity_period,
    }));
    const results = await carrier.submit(batch, sink);
    for (const res of results) {
      if (res.kind === "accepted") accepted.push({ id: res.deliveryId, ref: res.carrierMessageId });
      else
        failures.push({
          deliveryId: res.deliveryId,
          status: "failed",
          errorCode: "1501",
          at: new Date().toISOString(),
        });
    }
  }
  if (accepted.length > 0) {
    await env.DB.prepare(
      `UPDATE deliveries SET carrier_message_id = j.ref, updated_at = ?2
       FROM (SELECT value ->> '$.id' AS id, value ->> '$.ref' AS ref FROM json_each(?1)) AS j
       WHERE deliveries.id = j.id`,
    )
      .bind(JSON.stringify(accepted), Date.now())
      .run();
  }
  if (failures.length > 0) {
    const applied = await applyReceipts(env, null, failures);
    if (applied.eventIds.length > 0) ctx.waitUntil(notifyWebhooks(env, applied.eventIds));
  }
}
