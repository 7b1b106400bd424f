import { describe, expect, it } from "vitest";
import { dispatchGroups } from "./dispatch-groups";
import { DISPATCH_CHUNK, type DispatchMessage } from "./messages";

const message = (n: number, recipients: number, shard = "DB_0") => ({
  n,
  body: { type: "dispatch", shard, sendId: `msg_${n}`, seq: 0, from: 0, to: recipients } as DispatchMessage,
});

const numbers = (groups: { n: number }[][]) => groups.map((g) => g.map((m) => m.n));

describe("dispatchGroups", () => {
  it("hands one-recipient sends of one shard over together", () => {
    expect(numbers(dispatchGroups([message(1, 1), message(2, 1), message(3, 1)]))).toEqual([[1, 2, 3]]);
  });

  it("never puts two shards in one group", () => {
    const groups = dispatchGroups([
      message(1, 1),
      message(2, 1, "DB_1"),
      message(3, 1),
      message(4, 1, "DB_1"),
    ]);
    expect(numbers(groups)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it("keeps a full chunk alone and never lets a group pass one chunk's recipients", () => {
    const groups = dispatchGroups([
      message(1, DISPATCH_CHUNK),
      message(2, 60),
      message(3, 40),
      message(4, 1),
      message(5, DISPATCH_CHUNK),
    ]);
    expect(numbers(groups)).toEqual([[1], [2, 3], [4], [5]]);
    for (const group of dispatchGroups([message(1, 99), message(2, 2), message(3, 1)])) {
      expect(group.reduce((sum, m) => sum + m.body.to - m.body.from, 0)).toBeLessThanOrEqual(DISPATCH_CHUNK);
    }
  });

  it("keeps every message exactly once", () => {
    const items = Array.from({ length: 40 }, (_, i) => message(i, 1 + ((i * 37) % 100), `DB_${i % 3}`));
    const groups = dispatchGroups(items);
    expect(
      groups
        .flat()
        .map((m) => m.n)
        .sort((a, b) => a - b),
    ).toEqual(items.map((m) => m.n));
  });
});
