import type { CarrierReceipt } from "../types";

/**
 * Part ids a bind remembers the shard of: enough for the receipts of several minutes of a busy bind.
 * An id forgotten (or submitted on another bind of the carrier, or before the Durable Object was
 * evicted) is still found, by asking the shards in turn (pipeline/consumer.ts).
 */
const REMEMBERED_IDS = 50_000;

/**
 * Which shard each part id a bind submitted belongs to, so that its receipts go to that shard
 * directly instead of being looked up in every shard. Bounded: the oldest ids are forgotten first.
 *
 * @example const shards = new IdShards(); shards.remember("2684354561", "DB_1"); shards.of("2684354561") // "DB_1"
 */
export class IdShards {
  private readonly byId = new Map<string, string>();

  constructor(private readonly limit = REMEMBERED_IDS) {}

  remember(id: string, shard: string): void {
    this.byId.delete(id);
    if (this.byId.size >= this.limit) this.byId.delete(this.byId.keys().next().value as string);
    this.byId.set(id, shard);
  }

  of(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }
}

/** The receipts one queue message carries, with the shard that holds their deliveries when known. */
export type ReceiptGroup = { shard?: string; receipts: CarrierReceipt[] };

/**
 * Splits receipts (in arrival order) by the shard of their part id: a group per shard known, and one
 * without a shard for the ids nobody remembers. Order within each group is arrival order.
 *
 * @example receiptGroups([{ carrierMessageId: "1", … }, { carrierMessageId: "9", … }], shards)
 * // [{ shard: "DB_1", receipts: [receipt 1] }, { receipts: [receipt 9] }]
 */
export function receiptGroups(receipts: CarrierReceipt[], shards: IdShards): ReceiptGroup[] {
  const groups = new Map<string | undefined, CarrierReceipt[]>();
  for (const receipt of receipts) {
    const shard = shards.of(receipt.carrierMessageId);
    groups.set(shard, [...(groups.get(shard) ?? []), receipt]);
  }
  return [...groups].map(([shard, list]) =>
    shard === undefined ? { receipts: list } : { shard, receipts: list },
  );
}
