import { describe, expect, it } from "vitest";
import { ARCHIVE_PER_INVOCATION, ARCHIVE_SHARDS_PER_INVOCATION, archiveShareOf } from "./share";

const MINUTE = 60_000;
const start = Date.UTC(2026, 11, 1);

describe("archiveShareOf", () => {
  it("keeps every invocation within its budget, whatever the number of shards", () => {
    for (const count of [1, 2, 3, 4, 7, 10, 140, 401, 1000]) {
      for (let minute = 0; minute < 30; minute++) {
        const shares = Array.from({ length: count }, (_, i) =>
          archiveShareOf(i, count, start + minute * MINUTE),
        );
        const taking = shares.filter((s) => s !== null);
        expect(taking.length, `${count} shards`).toBe(Math.min(count, ARCHIVE_SHARDS_PER_INVOCATION));
        const sum = (field: "sends" | "deliveries") => taking.reduce((n, s) => n + s[field], 0);
        expect(sum("sends")).toBeLessThanOrEqual(ARCHIVE_PER_INVOCATION.sends);
        expect(sum("deliveries")).toBeLessThanOrEqual(ARCHIVE_PER_INVOCATION.deliveries);
        for (const share of taking)
          expect(share.sends).toBeGreaterThanOrEqual(ARCHIVE_PER_INVOCATION.sends / 2);
      }
    }
  });

  it("gives one shard the whole budget and two half each, every minute", () => {
    for (let minute = 0; minute < 5; minute++) {
      const at = start + minute * MINUTE;
      expect(archiveShareOf(0, 1, at)).toEqual(ARCHIVE_PER_INVOCATION);
      expect(archiveShareOf(0, 2, at)).toEqual({ sends: 200, deliveries: 5_000 });
      expect(archiveShareOf(1, 2, at)).toEqual({ sends: 200, deliveries: 5_000 });
    }
  });

  it("gives every shard the same number of turns", () => {
    for (const count of [3, 5, 10, 17]) {
      const turns = new Array<number>(count).fill(0);
      // Over `count` minutes every shard's turn comes round equally often.
      for (let minute = 0; minute < count; minute++)
        for (let i = 0; i < count; i++)
          if (archiveShareOf(i, count, start + minute * MINUTE)) turns[i] = (turns[i] ?? 0) + 1;
      expect(new Set(turns), `${count} shards: ${turns.join(",")}`).toEqual(
        new Set([ARCHIVE_SHARDS_PER_INVOCATION]),
      );
    }
  });
});
