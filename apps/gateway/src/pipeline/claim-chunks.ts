import { routingTable } from "../carriers/registry";
import { routeFor } from "../carriers/routing";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import {
  ROUTED_COLUMNS,
  type RoutedEvent,
  routedEvents,
  routeToSend,
  writtenEventsStatement,
} from "../webhooks/outbox/route";
import { DELIVERY_COLUMNS, DELIVERY_JOINS, type DeliveryRow, newRevision } from "./delivery-row";
import { deliveryEventData } from "./event-payloads";
import type { DispatchMessage } from "./messages";

export type SendFacts = {
  sender_id: string;
  message: string;
  encoding: "GSM-7" | "UCS-2";
  validity_period: number;
  state: string;
};

/** One dispatch chunk to hand over, and the token its deliveries are claimed under. */
export type ChunkJob = { msg: DispatchMessage; token: string };

/**
 * What one chunk's claim holds: the send's facts (null when the send no longer exists), every delivery
 * of the chunk the token holds and nobody has started to submit, and which of them a redelivery of the
 * same message claimed before (`resumed`: a carrier may hold some of their parts already).
 */
export type ClaimedChunk = { job: ChunkJob; send: SendFacts | null; rows: DeliveryRow[]; resumed: number[] };

/**
 * Claims the still-pending deliveries of several chunks of one shard, each under its own token
 * (`pending → processing`, each delivery exactly once: the claim is a conditional update), writing
 * and routing their `sms.processing` events in the same batch. What a redelivery of the same message
 * (same token) claimed before a carrier refused the batch or answered `transient` is returned too.
 * `token` is the queue message's id, or the one a sweep or an earlier hand-over claimed the deliveries
 * under. Deliveries past their validity are left to the expiry. Two round trips however many chunks:
 * the read (every send and every chunk's deliveries in one batch), and the claim with its events.
 * What it returns is as read; the mark before each submit re-checks every delivery, so one that
 * changed meanwhile is skipped.
 */
// `+status` in these statements keeps SQLite on the (send, dispatch, recipient) index: through the
// status index it would walk every pending delivery in the database for each chunk, and the
// pipeline would slow down as its backlog grows.
export async function claimChunks(
  env: ShardEnv,
  jobs: ChunkJob[],
  now: number,
): Promise<{ chunks: ClaimedChunk[]; routed: RoutedEvent[] }> {
  const db = env.DB;
  const sendIds = [...new Set(jobs.map((j) => j.msg.sendId))];
  const reads = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT id, sender_id, message, encoding, validity_period, state FROM sends
         WHERE id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(sendIds)),
    ...jobs.map(({ msg, token }) =>
      db
        .prepare(
          `SELECT ${DELIVERY_COLUMNS} ${DELIVERY_JOINS}
           WHERE d.send_id = ?1 AND d.dispatch_seq = ?2 AND d.recipient_idx >= ?3 AND d.recipient_idx < ?4 AND d.expires_at > ?6
             AND (+d.status = 'pending'
               OR (+d.status = 'processing' AND d.claim = ?5 AND d.carrier_message_id IS NULL AND d.submitting_at IS NULL))`,
        )
        .bind(msg.sendId, msg.seq, msg.from, msg.to, token, now),
    ),
  ]);
  const sends = new Map(
    ((reads[0]?.results ?? []) as (SendFacts & { id: string })[]).map(({ id, ...facts }) => [id, facts]),
  );
  const table = await routingTable(env);
  const at = isoSeconds(now);
  const read = jobs.map((job, i) => {
    const send = sends.get(job.msg.sendId) ?? null;
    const candidates = send === null ? [] : ((reads[i + 1]?.results ?? []) as DeliveryRow[]);
    const claims = candidates
      .filter((r) => r.status === "pending")
      .map((r) => {
        const carrier = routeFor(r.phone, table);
        const event = {
          id: crypto.randomUUID(),
          seq: r.event_seq + 1,
          payload: JSON.stringify(
            deliveryEventData("sms.processing", r, { status: "processing" }, carrier, at),
          ),
        };
        return { id: r.id, old: r.revision, rev: newRevision(), carrier, claim: job.token, event };
      });
    return { job, send, candidates, claims };
  });
  // The claim returns what it changed, so what each token now holds is known without reading it
  // again: those claimed now, and those a redelivery of the same message claimed before.
  const claims = read.flatMap((r) => r.claims);
  let landed = new Set<number>();
  let routed: RoutedEvent[] = [];
  if (claims.length > 0) {
    const json = JSON.stringify(claims);
    const [update, , route] = await db.batch([
      db
        .prepare(
          `UPDATE deliveries SET status = 'processing', claim = j.claim, carrier = j.carrier, revision = j.rev,
             event_seq = event_seq + 1, processing_at = ?2, updated_at = ?2
           FROM (SELECT value ->> '$.id' AS id, value ->> '$.old' AS old, value ->> '$.rev' AS rev,
                        value ->> '$.carrier' AS carrier, value ->> '$.claim' AS claim
                 FROM json_each(?1)) AS j
           WHERE deliveries.id = j.id AND +deliveries.status = 'pending' AND deliveries.revision IS j.old
           RETURNING id`,
        )
        .bind(json, now),
      db
        .prepare(
          `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, created_at, ${ROUTED_COLUMNS})
           SELECT j.value ->> '$.event.id', s.id, d.id, s.key_id, 'sms.processing', j.value ->> '$.event.seq',
                  j.value ->> '$.event.payload', ?2, ?2, ${routeToSend.values}
           FROM json_each(?1) j JOIN deliveries d ON d.id = j.value ->> '$.id' AND d.revision = j.value ->> '$.rev'
           JOIN sends s ON s.id = d.send_id ${routeToSend.join}
           WHERE ${routeToSend.where}`,
        )
        .bind(json, now),
      writtenEventsStatement(
        db,
        claims.map((c) => c.event.id),
      ),
    ]);
    landed = new Set(((update?.results ?? []) as { id: number }[]).map((r) => r.id));
    routed = routedEvents(route);
  }
  const chunks = read.map(({ job, send, candidates, claims: own }) => {
    const claimOf = new Map(own.map((c) => [c.id, c]));
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
    return { job, send, rows, resumed };
  });
  return { chunks, routed };
}

/** One chunk's claim (`claimChunks` for a single chunk). */
export async function claimChunk(
  env: ShardEnv,
  msg: DispatchMessage,
  token: string,
  now: number,
): Promise<{ send: SendFacts | null; rows: DeliveryRow[]; routed: RoutedEvent[]; resumed: number[] }> {
  const { chunks, routed } = await claimChunks(env, [{ msg, token }], now);
  const [chunk] = chunks;
  return { send: chunk?.send ?? null, rows: chunk?.rows ?? [], resumed: chunk?.resumed ?? [], routed };
}
