import type { ReceiptsMessage } from "./messages";

/** Receipts one merged application takes at most: its statements stay far below D1's value size. */
export const MERGED_RECEIPTS = 1_000;

/**
 * Receipt messages that follow one another in a batch with the same shard, carrier and source, as
 * one group: applied together, they cost one read and one write instead of one each (a sandbox or
 * SMPP `sent` and its `delivered` usually arrive in the same batch). Only neighbours merge, so
 * receipts are still applied in arrival order.
 */
export function receiptGroups<T extends { body: ReceiptsMessage }>(items: T[]): T[][] {
  const groups: T[][] = [];
  let size = 0;
  for (const item of items) {
    const last = groups.at(-1);
    const head = last?.[0]?.body;
    const same =
      head !== undefined &&
      head.shard === item.body.shard &&
      head.carrier === item.body.carrier &&
      head.source === item.body.source &&
      size + item.body.receipts.length <= MERGED_RECEIPTS;
    if (last !== undefined && same) {
      last.push(item);
      size += item.body.receipts.length;
    } else {
      groups.push([item]);
      size = item.body.receipts.length;
    }
  }
  return groups;
}
