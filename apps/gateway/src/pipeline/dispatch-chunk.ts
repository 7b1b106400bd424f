import { splitSegments } from "@lisoloo/protocol";
import type { Carrier, Submission, SubmitResult } from "../carriers/carrier";
import { carrierFor } from "../carriers/registry";
import type { CarrierReceipt } from "../carriers/types";
import type { ShardEnv } from "../env";
import { log } from "../observability/logger";
import { handOverEvents } from "../webhooks/outbox/notify";
import { applyReceiptsAndNotify } from "./apply-receipts";
import { type ChunkJob, type ClaimedChunk, claimChunks, type SendFacts } from "./claim-chunks";
import { type DeliveryRow, newRevision } from "./delivery-row";
import { enqueue } from "./enqueue";
import type { QueueMessage } from "./messages";

/** A claimed delivery with its claim's token: marks and unmarks hold a delivery to its own chunk's token. */
type Held = { id: number; claim: string };

/**
 * Marks claimed deliveries as being handed to a carrier, in one conditional write, and returns the
 * ids it marked: only those may be submitted. A sweep that re-claimed them under another token, an
 * expiry or a dead letter that closed them, or a mark already standing (a submit that may be in
 * flight) all make the write skip a delivery, so no claim is ever submitted twice.
 */
async function markSubmitting(db: D1Database, held: Held[], now: number): Promise<Set<number>> {
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET submitting_at = ?2, revision = ?3, updated_at = ?2
       FROM (SELECT value ->> '$.id' AS id, value ->> '$.claim' AS claim FROM json_each(?1)) AS j
       WHERE deliveries.id = j.id AND +deliveries.status = 'processing' AND deliveries.claim = j.claim
         AND deliveries.carrier_message_id IS NULL AND deliveries.submitting_at IS NULL AND deliveries.expires_at > ?2
       RETURNING id`,
    )
    .bind(JSON.stringify(held), now, newRevision())
    .all<{ id: number }>();
  return new Set(results.map((r) => r.id));
}

/**
 * A carrier refused the whole batch (a transient failure it threw for), or did not take these
 * deliveries this time (`transient`): the marks go, and the next hand-over under the same token
 * submits them again (the parts a carrier did take are in `carrier_message_parts`).
 */
async function clearSubmitting(db: D1Database, held: Held[], now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE deliveries SET submitting_at = NULL, revision = ?3, updated_at = ?2
       FROM (SELECT value ->> '$.id' AS id, value ->> '$.claim' AS claim FROM json_each(?1)) AS j
       WHERE deliveries.id = j.id AND +deliveries.status = 'processing' AND deliveries.claim = j.claim
         AND deliveries.carrier_message_id IS NULL`,
    )
    .bind(JSON.stringify(held), now, newRevision())
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

/** A claimed delivery, the chunk that claimed it and what its submission needs of its send. */
type Claimed = { row: DeliveryRow; chunk: ClaimedChunk; send: SendFacts; segments: string[] };

/**
 * Hands chunks of released dispatches of one shard to their carriers: claim them all, then per
 * routed connector mark, submit what the mark returned (one call for every chunk's deliveries),
 * and record the carrier's message ids and refusals before the next connector. Connector refusals
 * (and numbers no connector serves) end `failed` (1501) through the receipt path, which refunds them.
 * Deliveries a connector answers `transient` for have their marks cleared and go out again in a new
 * message per chunk under the same claim, with back-off, until their validity ends (then the expiry
 * fails them 1501, refunded, since no carrier took them); the others stay recorded. A connector that
 * throws has its marks cleared and the error goes to the queue, whose retry of these messages submits
 * them again (each keeps its token, so what another connector already took is not submitted twice).
 */
export async function processDispatchChunks(
  env: ShardEnv,
  ctx: ExecutionContext,
  jobs: ChunkJob[],
): Promise<void> {
  const { chunks, routed } = await claimChunks(env, jobs, Date.now());
  if (routed.length > 0) ctx.waitUntil(handOverEvents(env, routed));
  const claimed: Claimed[] = [];
  const segmentsOf = new Map<string, string[]>();
  for (const chunk of chunks) {
    const { send } = chunk;
    if (send === null) continue;
    let segments = segmentsOf.get(chunk.job.msg.sendId);
    if (segments === undefined) {
      segments = splitSegments(send.message);
      segmentsOf.set(chunk.job.msg.sendId, segments);
    }
    for (const row of chunk.rows) claimed.push({ row, chunk, send, segments });
  }
  if (claimed.length === 0) return;
  const taken = await acceptedPartsOf(
    env.DB,
    chunks.flatMap((c) => c.resumed),
  );
  const byCarrier = new Map<string, Claimed[]>();
  for (const c of claimed) {
    const slug = c.row.carrier ?? "";
    const list = byCarrier.get(slug);
    if (list) list.push(c);
    else byCarrier.set(slug, [c]);
  }
  const held = (list: Claimed[]): Held[] => list.map((c) => ({ id: c.row.id, claim: c.chunk.job.token }));

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
  const connectors: [string, Carrier, Claimed[]][] = [];
  const unroutable: CarrierReceipt[] = [];
  for (const [slug, group] of byCarrier) {
    const carrier = await carrierFor(env, slug);
    if (carrier) connectors.push([slug, carrier, group]);
    else unroutable.push(...group.map((c) => failed(c.row.id)));
  }
  if (unroutable.length > 0) await applyReceiptsAndNotify(env, ctx, null, unroutable);
  // The chunks some of whose deliveries a connector answered `transient` for.
  const transient = new Set<ClaimedChunk>();
  for (const [slug, carrier, group] of connectors) {
    const marked = await markSubmitting(env.DB, held(group), Date.now());
    const going = group.filter((c) => marked.has(c.row.id));
    const batch: Submission[] = going.map(({ row, send, segments }) => ({
      deliveryId: row.id,
      phone: row.phone,
      senderId: send.sender_id,
      segments,
      encoding: send.encoding,
      // What is left of it: a later hand-over must not give the carrier more time than the delivery has.
      validitySeconds: Math.max(
        1,
        Math.floor((row.due_at + send.validity_period * 1000 - Date.now()) / 1000),
      ),
      acceptedParts: taken.get(row.id) ?? [],
    }));
    if (batch.length === 0) continue;
    let results: SubmitResult[];
    try {
      results = await carrier.submit(batch, sink, env);
    } catch (error) {
      await clearSubmitting(env.DB, held(going), Date.now()).catch((cause: unknown) =>
        // Left marked, they are not submitted again: the unknown-outcome sweep closes them (1501).
        log.error("dispatch.unmark_failed", {
          message_ids: [...new Set(going.map((c) => c.chunk.job.msg.sendId))],
          carrier: slug,
          error: cause,
        }),
      );
      throw error;
    }
    await recordAccepted(
      env.DB,
      results.flatMap((r) => (r.kind === "accepted" ? [{ id: r.deliveryId, ref: r.carrierMessageId }] : [])),
    );
    const refused = results.flatMap((r) => (r.kind === "failed" ? [failed(r.deliveryId, r.reason)] : []));
    if (refused.length > 0) await applyReceiptsAndNotify(env, ctx, null, refused);
    const later = new Set(results.flatMap((r) => (r.kind === "transient" ? [r.deliveryId] : [])));
    if (later.size === 0) continue;
    const again = going.filter((c) => later.has(c.row.id));
    for (const c of again) transient.add(c.chunk);
    log.warn("dispatch.transient", {
      message_ids: [...new Set(again.map((c) => c.chunk.job.msg.sendId))],
      carrier: slug,
      deliveries: later.size,
      attempts: [...new Set(again.map((c) => c.chunk.job.msg.attempt ?? 1))],
      reason: results.find((r) => r.kind === "transient")?.reason,
    });
    await clearSubmitting(env.DB, held(again), Date.now());
  }
  // Only what is still claimed under each chunk's token, unmarked and without a carrier id goes out
  // again, each chunk with its own back-off.
  for (const chunk of transient) {
    const { msg, token } = chunk.job;
    const attempt = (msg.attempt ?? 1) + 1;
    const again: QueueMessage = { ...msg, claim: token, attempt };
    await enqueue(env, [again], transientRetryDelaySeconds(attempt));
  }
}
