import { describe, expect, it } from "vitest";
import type { CarrierReceipt } from "../types";
import { IdShards, receiptGroups } from "./id-shards";

const receipt = (id: string): CarrierReceipt => ({
  carrierMessageId: id,
  status: "delivered",
  at: "2026-06-01T08:00:00Z",
});

describe("the shard of each part id a bind submitted", () => {
  it("groups receipts by the shard of their id, arrival order kept, unknown ids apart", () => {
    const shards = new IdShards();
    shards.remember("1", "DB_1");
    shards.remember("2", "DB_0");
    shards.remember("3", "DB_1");
    expect(receiptGroups([receipt("1"), receipt("9"), receipt("2"), receipt("3")], shards)).toEqual([
      { shard: "DB_1", receipts: [receipt("1"), receipt("3")] },
      { receipts: [receipt("9")] },
      { shard: "DB_0", receipts: [receipt("2")] },
    ]);
  });

  it("forgets the oldest ids past its limit, and a remembered id again is the newest", () => {
    const shards = new IdShards(2);
    shards.remember("a", "DB_0");
    shards.remember("b", "DB_1");
    shards.remember("a", "DB_0");
    shards.remember("c", "DB_1");
    expect([shards.of("a"), shards.of("b"), shards.of("c")]).toEqual(["DB_0", undefined, "DB_1"]);
  });

  it("has no shard for a receipt without a carrier id", () => {
    expect(new IdShards().of(undefined)).toBeUndefined();
  });
});
