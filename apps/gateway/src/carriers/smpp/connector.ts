import { type SubmitSm, submitSmPdus } from "@lisoloo/smpp";
import type { ShardEnv, WorkerEnv } from "../../env";
import { log } from "../../observability/logger";
import type { Carrier, ReceiptSink, Submission, SubmitResult } from "../carrier";
import type { CarrierConfig } from "../settings";
import { bindName, bindOf } from "./stub";
import type { PartOutcome, PartRequest } from "./types";

/**
 * How long a bind may take over one chunk's parts: beyond the 60 s response timeout, so a part that
 * is written gets its answer (or its timeout and one resubmission) within the call.
 */
export const SUBMIT_DEADLINE_MS = 90_000;

type SmppConfig = Extract<CarrierConfig, { kind: "smpp" }>;

/** The parts of these deliveries (?1, JSON ids) a carrier took, by their index. */
export const TAKEN_PARTS_SQL = `SELECT carrier_message_id, delivery_id, part_index FROM carrier_message_parts
  WHERE delivery_id IN (SELECT value FROM json_each(?1))`;

/** Each of these deliveries' (?1, JSON ids) first part's id (SQLite's bare column of min()). */
export const FIRST_PARTS_SQL = `SELECT delivery_id, min(part_index), carrier_message_id FROM carrier_message_parts
  WHERE delivery_id IN (SELECT value FROM json_each(?1)) GROUP BY delivery_id`;

/** The `submit_sm`s of one submission that are still to be taken (parts taken earlier are left out). */
export function partsOf(s: Submission, shard: string): PartRequest[] {
  const pdus: SubmitSm[] = submitSmPdus({
    source: s.senderId,
    destination: s.phone,
    text: s.segments.join(""),
    encoding: s.encoding,
    validitySeconds: s.validitySeconds,
    // Stable across attempts, so a part sent again joins the others on the handset.
    reference: s.deliveryId % 256,
  });
  const taken = new Set(s.acceptedParts);
  return pdus
    .map((pdu, i) => ({ shard, deliveryId: s.deliveryId, index: i + 1, total: pdus.length, pdu }))
    .filter((part) => !taken.has(part.index));
}

/**
 * The SMPP connector of one carrier (CONTRACT §12): each delivery's segments as `submit_sm`s
 * (`submitSmPdus`: sender and destination TON/NPI, UDH, data_coding, registered_delivery 1, what is
 * left of its validity), spread over the carrier's binds by delivery id (stable, so a delivery's
 * parts share a bind and a retry goes where its first attempt went), the binds called at once. Per
 * delivery: `accepted` once every part has an id, `failed` when the SMSC refused a part for good
 * (its status in the reason), else `transient`.
 */
export class SmppCarrier implements Carrier {
  readonly slug: string;

  constructor(
    private readonly env: WorkerEnv,
    private readonly config: SmppConfig,
  ) {
    this.slug = config.slug;
  }

  async submit(batch: Submission[], _receipts: ReceiptSink, shard: ShardEnv): Promise<SubmitResult[]> {
    const results = new Map<number, SubmitResult>();
    const byBind = new Map<number, PartRequest[]>();
    for (const s of batch) {
      let parts: PartRequest[];
      try {
        parts = partsOf(s, shard.SHARD);
      } catch (error) {
        results.set(s.deliveryId, { deliveryId: s.deliveryId, kind: "failed", reason: String(error) });
        continue;
      }
      // Every part was taken in an earlier attempt (the bind stored their ids then): nothing to send.
      if (parts.length === 0) {
        results.set(s.deliveryId, { deliveryId: s.deliveryId, kind: "accepted", carrierMessageId: "" });
        continue;
      }
      const n = s.deliveryId % this.config.settings.binds;
      byBind.set(n, [...(byBind.get(n) ?? []), ...parts]);
    }
    const answers = await Promise.all(
      [...byBind].map(async ([n, parts]) => {
        try {
          return {
            parts,
            outcomes: await bindOf(this.env, this.slug, n).submit(
              parts,
              SUBMIT_DEADLINE_MS,
              bindName(this.slug, n),
            ),
          };
        } catch (error) {
          // The bind was reset mid-call (a deploy, an eviction): what it took is in D1.
          log.error("smpp.bind_call_failed", { carrier: this.slug, bind: n, parts: parts.length, error });
          const reason = `Bind #${n} unavailable: ${error instanceof Error ? error.message : String(error)}`;
          return { parts, outcomes: await this.takenInD1(shard.DB, parts, reason) };
        }
      }),
    );
    const perDelivery = new Map<number, PartOutcome[]>();
    const firstId = new Map<number, { index: number; id: string }>();
    for (const { parts, outcomes } of answers) {
      parts.forEach((part, i) => {
        const outcome = outcomes[i] ?? { kind: "transient", reason: "No answer for this part" };
        perDelivery.set(part.deliveryId, [...(perDelivery.get(part.deliveryId) ?? []), outcome]);
        const first = firstId.get(part.deliveryId);
        if (outcome.kind === "accepted" && (first === undefined || part.index < first.index))
          firstId.set(part.deliveryId, { index: part.index, id: outcome.carrierMessageId });
      });
    }
    for (const [deliveryId, outcomes] of perDelivery) {
      const permanent = outcomes.find((o) => o.kind === "permanent");
      const transient = outcomes.find((o) => o.kind === "transient");
      if (permanent) results.set(deliveryId, { deliveryId, kind: "failed", reason: permanent.reason });
      else if (transient)
        results.set(deliveryId, { deliveryId, kind: "transient", reason: transient.reason });
      else
        results.set(deliveryId, {
          deliveryId,
          kind: "accepted",
          carrierMessageId: firstId.get(deliveryId)?.id ?? "",
        });
    }
    const earlier = [...results.values()].filter((r) => r.kind === "accepted" && r.carrierMessageId === "");
    if (earlier.length > 0) {
      const { results: firsts } = await shard.DB.prepare(FIRST_PARTS_SQL)
        .bind(JSON.stringify(earlier.map((r) => r.deliveryId)))
        .all<{ delivery_id: number; carrier_message_id: string }>();
      for (const r of firsts)
        results.set(r.delivery_id, {
          deliveryId: r.delivery_id,
          kind: "accepted",
          carrierMessageId: r.carrier_message_id,
        });
    }
    return batch.flatMap((s) => results.get(s.deliveryId) ?? []);
  }

  /** After a failed call, which of its parts the bind took anyway (their ids reached D1). */
  private async takenInD1(db: D1Database, parts: PartRequest[], reason: string): Promise<PartOutcome[]> {
    const ids = [...new Set(parts.map((p) => p.deliveryId))];
    const { results } = await db
      .prepare(TAKEN_PARTS_SQL)
      .bind(JSON.stringify(ids))
      .all<{ carrier_message_id: string; delivery_id: number; part_index: number }>();
    const taken = new Map(results.map((r) => [`${r.delivery_id}:${r.part_index}`, r.carrier_message_id]));
    return parts.map((p) => {
      const id = taken.get(`${p.deliveryId}:${p.index}`);
      return id === undefined ? { kind: "transient", reason } : { kind: "accepted", carrierMessageId: id };
    });
  }
}

/** The `smpp` entry of `connectors.ts`. */
export function smppConnector(env: WorkerEnv, config: SmppConfig): Carrier {
  return new SmppCarrier(env, config);
}
