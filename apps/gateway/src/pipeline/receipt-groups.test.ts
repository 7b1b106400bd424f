import { describe, expect, it } from "vitest";
import type { ReceiptsMessage } from "./messages";
import { MERGED_RECEIPTS, receiptGroups } from "./receipt-groups";

const message = (n: number, over: Partial<ReceiptsMessage> = {}, receipts = 1) => ({
  n,
  body: {
    type: "receipts",
    carrier: "sandbox",
    shard: "DB_0",
    receipts: Array.from({ length: receipts }, (_, i) => ({
      deliveryId: n * 1000 + i,
      status: "sent",
      at: "2026-12-01T10:00:00Z",
    })),
    ...over,
  } as ReceiptsMessage,
});

const numbers = (groups: { n: number }[][]) => groups.map((g) => g.map((m) => m.n));

describe("receiptGroups", () => {
  it("merges neighbours with the same shard, carrier and source, in order", () => {
    expect(numbers(receiptGroups([message(1), message(2), message(3)]))).toEqual([[1, 2, 3]]);
  });

  it("never merges across a different shard, carrier or source, so arrival order is kept", () => {
    const groups = receiptGroups([
      message(1),
      message(2, { shard: "DB_1" }),
      message(3),
      message(4, { carrier: "smsc-a" }),
      message(5, { carrier: "smsc-a", source: "bind-1" }),
      message(6, { carrier: "smsc-a", source: "bind-1" }),
      message(7, { shard: undefined }),
    ]);
    expect(numbers(groups)).toEqual([[1], [2], [3], [4], [5, 6], [7]]);
  });

  it("starts a new group before one would pass the receipts a merged application takes", () => {
    const half = MERGED_RECEIPTS / 2;
    const groups = receiptGroups([
      message(1, {}, half),
      message(2, {}, half),
      message(3, {}, 1),
      message(4, {}, MERGED_RECEIPTS + 5),
      message(5, {}, 1),
    ]);
    expect(numbers(groups)).toEqual([[1, 2], [3], [4], [5]]);
  });

  it("gives nothing for nothing", () => {
    expect(receiptGroups([])).toEqual([]);
  });
});
