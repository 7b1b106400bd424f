import { splitSegments } from "@lisoloo/protocol";
import type { Carrier, Submission, SubmitResult } from "../carriers/carrier";
import { carrierFor, routingTable } from "../carriers/registry";
import { routeFor } from "../carriers/routing";
import type { CarrierReceipt } from "../carriers/types";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { handOverEvents } from "../webhooks/outbox/notify";
import { type RoutedEvent, routedEvents, routeEventsStatements } from "../webhooks/outbox/route";
import { applyReceiptsAndNotify } from "./apply-receipts";
import { DELIVERY_COLUMNS, DELIVERY_JOINS, type DeliveryRow, newRevision } from "./delivery-row";
import { enqueue } from "./enqueue";
import { deliveryEventData } from "./event-payloads";
import type { DispatchMessage } from "./messages";

type SendFacts = {
  sender_id: string;
  message: string;
  encoding: "GSM-7" | "UCS-2";
  validity_period: number;
  state: string;
};

/**
 * Claims the still-pending deliveries of one chunk under `token` (`pending → processing`, each
 * delivery exactly once: the claim is a conditional update), writing and routing their
 * `sms.processing` events in the same batch, and returns the send's facts and every delivery of the
 * chunk the token holds and nobody has started to submit: what it just claimed, and what a
 * redelivery of the same message (same token) claimed before a carrier refused the batch or answered
 * `transient` for them (`resumed`: a carrier may hold some of their parts already). `token` is the
 * queue message's id, or the one a sweep or an earlier hand-over claimed the deliveries under.
 * Deliveries past their validity are left to the expiry. Two round trips: the read (the send and the
 * chunk's deliveries in one batch), and the claim with its events. What it returns is as read; the
 * mark before each submit re-checks every delivery, so one that changed meanwhile is skipped.
 * `send` is null when the send no longer exists.
 */
// `+status` in these statements keeps SQLite on the (send, dispatch, recipient) index: through the
// status index it would walk every pending delivery in the database for each chunk, and the
// pipeline would slow down as its backlog grows.
export async function claimChunk(
  env: ShardEnv,
  msg: DispatchMessage,
  token: string,
  now: number,
): Promise<{ send: SendFacts | null; rows: DeliveryRow[]; routed: RoutedEvent[]; resumed: number[] }> {
  const db = env.DB;
  const [sendRead, candidateRead] = await db.batch<Record<string, unknown>>([
    db
      .prepare("SELECT sender_id, message, encoding, validity_period, state FROM sends WHERE id = ?1")
      .bind(msg.sendId),
    db
      .prepare(
        `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
         WHERE d.send_id = ?1 AND d.dispatch_seq = ?2 AND d.recipient_idx >= ?3 AND d.recipient_idx < ?4 AND d.expires_at > ?6
           AND (+d.status = 'pending'
             OR (+d.status = 'processing' AND d.claim = ?5 AND d.carrier_message_id IS NULL AND d.submitting_at IS NULL))`,
      )
      .bind(msg.sendId, msg.seq, msg.from, msg.to, token, now),
  ]);
  const send = ((sendRead?.results ?? []) as SendFacts[])[0] ?? null;
  const candidates = (candidateRead?.results ?? []) as DeliveryRow[];
  if (send === null) return { send, rows: [], routed: [], resumed: [] };
  const fresh = candidates.filter((r) => r.status === "pending");
  const table = await routingTable(env);
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
  // The claim returns what it changed, so what the token now holds is known without reading it
  // again: those claimed now, and those a redelivery of the same message claimed before.
  let landed = new Set<number>();
  let routed: RoutedEvent[] = [];
  if (claims.length > 0) {
    const json = JSON.stringify(claims);
    const [update, , , route] = await db.batch([
      db
        .prepare(
          `UPDATE deliveries SET status = 'processing', claim = ?2, carrier = j.carrier, revision = j.rev,
             event_seq = event_seq + 1, processing_at = ?3, updated_at = ?3
           FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev, value ->> '$.carrier' AS carrier
                 FROM json_each(?1)) AS j
           WHERE deliveries.id = j.id AND +deliveries.status = 'pending' AND deliveries.revision IS j.old
           RETURNING id`,
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
      ...routeEventsStatements(
        db,
        claims.map((c) => c.event.id),
      ),
    ]);
    landed = new Set(((update?.results ?? []) as { id: number }[]).map((r) => r.id));
    routed = routedEvents(route);
  }
  const claimOf = new Map(claims.map((c) => [c.id, c]));
  const rows: DeliveryRow[] = [];
  const resumed: number[] = [];
  for (const r of candidates) {
    const claim = claimOf.get(r.id);
    if (r.status === "processing") {
      rows.push(r);
      resumed.push(r.id);
    } else if (claim && landed.has(r.id))
      rows.push({
        ...r,
        status: "processing",
        carrier: claim.carrier,
        revision: claim.rev,
        event_seq: claim.event.seq,
      });
  }
  return { send, rows, routed, resumed };
}

/**
 * Marks claimed deliveries as being handed to a carrier, in one conditional write, and returns the
 * ids it marked: only those may be submitted. A sweep that re-claimed them under another token, an
 * expiry or a dead letter that closed them, or a mark already standing (a submit that may be in
 * flight) all make the write skip a delivery, so no claim is ever submitted twice.
 */
async function markSubmitting(
  db: D1Database,
  ids: number[],
  token: string,
  now: number,
): Promise<Set<number>> {
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET submitting_at = ?3, revision = ?4, updated_at = ?3
       WHERE id IN (SELECT value FROM json_each(?1)) AND +status = 'processing' AND claim = ?2
         AND carrier_message_id IS NULL AND submitting_at IS NULL AND expires_at > ?3
       RETURNING id`,
    )
    .bind(JSON.stringify(ids), token, now, newRevision())
    .all<{ id: number }>();
  return new Set(results.map((r) => r.id));
}

/**
 * A carrier refused the whole batch (a transient failure it threw for), or did not take these
 * deliveries this time (`transient`): the marks go, and the next hand-over under the same token
 * submits them again (the parts a carrier did take are in `carrier_message_parts`).
 */
async function clearSubmitting(db: D1Database, ids: number[], token: string, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE deliveries SET submitting_at = NULL, revision = ?4, updated_at = ?3
       WHERE id IN (SELECT value FROM json_each(?1)) AND +status = 'processing' AND claim = ?2
         AND carrier_message_id IS NULL`,
    )
    .bind(JSON.stringify(ids), token, now, newRevision())
    .run();
}

/**
 * Stores the carrier's message ids the moment it returns them: from then on, the delivery is billed.
 * An id a connector already wrote itself (an SMPP bind writes each part's as it arrives) is kept.
 */
async function recordAccepted(db: D1Database, accepted: { id: number; ref: string }[]): Promise<void> {
  if (accepted.length === 0) return;
  await db
    .prepare(
      `UPDATE deliveries SET carrier_message_id = COALESCE(deliveries.carrier_message_id, j.ref), updated_at = ?2
       FROM (SELECT value ->> '$.id' AS id, value ->> '$.ref' AS ref FROM json_each(?1)) AS j
       WHERE deliveries.id = j.id`,
    )
    .bind(JSON.stringify(accepted), Date.now())
    .run();
}

/**
 * The parts a carrier already took of deliveries handed over before (their earlier attempt ended
 * `transient`), per delivery: they are never submitted again.
 */
async function acceptedPartsOf(db: D1Database, ids: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (ids.length === 0) return out;
  const { results } = await db
    .prepare(
      `SELECT DISTINCT delivery_id, part_index FROM carrier_message_parts
       WHERE delivery_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids))
    .all<{ delivery_id: number; part_index: number }>();
  for (const r of results) out.set(r.delivery_id, [...(out.get(r.delivery_id) ?? []), r.part_index]);
  return out;
}

/**
 * How long a chunk whose carrier answered `transient` waits before its next hand-over: 4, 8, 16,
 * 32 s, then every minute until the deliveries' validity ends. Below the two minutes after which
 * the unsubmitted sweep would claim them again itself.
 */
export function transientRetryDelaySeconds(attempt: number): number {
  return Math.min(60, 2 ** Math.max(2, attempt));
}

/**
 * Hands one chunk of a released dispatch to its carriers: claim, then per routed connector mark,
 * submit what the mark returned, and record the carrier's message ids and refusals before the next
 * connector. Connector refusals (and numbers no connector serves) end `failed` (1501) through the
 * receipt path, which refunds them. Deliveries a connector answers `transient` for have their marks
 * cleared and go out again in a new message under the same claim, with back-off, until their
 * validity ends (then the expiry fails them 1501, refunded, since no carrier took them); the others
 * stay recorded. A connector that throws has its marks cleared and the error goes to the queue,
 * whose retry of this message submits them again.
 */
export async function processDispatchChunk(
  env: ShardEnv,
  ctx: ExecutionContext,
  msg: DispatchMessage,
  token: string,
): Promise<void> {
  const { send, rows, routed, resumed } = await claimChunk(env, msg, token, Date.now());
  if (routed.length > 0) ctx.waitUntil(handOverEvents(env, routed));
  if (send === null || rows.length === 0) return;
  const taken = await acceptedPartsOf(env.DB, resumed);

  const segments = splitSegments(send.message);
  const byCarrier = new Map<string, DeliveryRow[]>();
  for (const r of rows) byCarrier.set(r.carrier ?? "", [...(byCarrier.get(r.carrier ?? "") ?? []), r]);

  const sink = (carrier: string, receipts: CarrierReceipt[], delaySeconds?: number) =>
    enqueue(env, [{ type: "receipts", carrier, receipts, shard: env.SHARD }], delaySeconds);
  const failed = (deliveryId: number, reason?: string): CarrierReceipt => ({
    deliveryId,
    status: "failed",
    errorCode: "1501",
    ...(reason === undefined ? {} : { reason: reason.slice(0, 200) }),
    at: new Date().toISOString(),
  });
  // Deliveries no connector can take (no carrier, disabled, no connector for its kind) fail 1501
  // together, in one pass of the receipt path, before any connector is called.
  const connectors: [string, Carrier, DeliveryRow[]][] = [];
  const unroutable: CarrierReceipt[] = [];
  for (const [slug, group] of byCarrier) {
    const carrier = await carrierFor(env, slug);
    if (carrier) connectors.push([slug, carrier, group]);
    else unroutable.push(...group.map((r) => failed(r.id)));
  }
  if (unroutable.length > 0) await applyReceiptsAndNotify(env, ctx, null, unroutable);
  let transient = 0;
  for (const [slug, carrier, group] of connectors) {
    const marked = await markSubmitting(
      env.DB,
      group.map((r) => r.id),
      token,
      Date.now(),
    );
    const batch: Submission[] = group
      .filter((r) => marked.has(r.id))
      .map((r) => ({
        deliveryId: r.id,
        phone: r.phone,
        senderId: send.sender_id,
        segments,
        encoding: send.encoding,
        // What is left of it: a later hand-over must not give the carrier more time than the delivery has.
        validitySeconds: Math.max(
          1,
          Math.floor((r.due_at + send.validity_period * 1000 - Date.now()) / 1000),
        ),
        acceptedParts: taken.get(r.id) ?? [],
      }));
    if (batch.length === 0) continue;
    let results: SubmitResult[];
    try {
      results = await carrier.submit(batch, sink, env);
    } catch (error) {
      const ids = batch.map((b) => b.deliveryId);
      await clearSubmitting(env.DB, ids, token, Date.now()).catch((cause: unknown) =>
        // Left marked, they are not submitted again: the unknown-outcome sweep closes them (1501).
        log.error("dispatch.unmark_failed", { message_id: msg.sendId, carrier: slug, error: cause }),
      );
      throw error;
    }
    await recordAccepted(
      env.DB,
      results.flatMap((r) => (r.kind === "accepted" ? [{ id: r.deliveryId, ref: r.carrierMessageId }] : [])),
    );
    const refused = results.flatMap((r) => (r.kind === "failed" ? [failed(r.deliveryId, r.reason)] : []));
    if (refused.length > 0) await applyReceiptsAndNotify(env, ctx, null, refused);
    const later = results.filter((r) => r.kind === "transient");
    if (later.length > 0) {
      transient += later.length;
      log.warn("dispatch.transient", {
        message_id: msg.sendId,
        carrier: slug,
        deliveries: later.length,
        attempt: msg.attempt ?? 1,
        reason: later[0]?.reason,
      });
      await clearSubmitting(
        env.DB,
        later.map((r) => r.deliveryId),
        token,
        Date.now(),
      );
    }
  }
  if (transient > 0) {
    // Only what is still claimed under this token, unmarked and without a carrier id goes out again.
    const attempt = (msg.attempt ?? 1) + 1;
    await enqueue(env, [{ ...msg, claim: token, attempt }], transientRetryDelaySeconds(attempt));
  }
}
