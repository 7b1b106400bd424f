import { describe, expect, it } from "vitest";
import { leastLoaded } from "./directory";
import type { ShardName } from "./shard-env";

describe("where a new merchant goes", () => {
  const two: ShardName[] = ["DB_0", "DB_1"];
  it.each<[string, ShardName[], Map<string, number>, ShardName]>([
    ["the first shard when none has merchants", two, new Map(), "DB_0"],
    [
      "the shard with fewer merchants",
      two,
      new Map([
        ["DB_0", 3],
        ["DB_1", 2],
      ]),
      "DB_1",
    ],
    [
      "the first of equals",
      two,
      new Map([
        ["DB_0", 2],
        ["DB_1", 2],
      ]),
      "DB_0",
    ],
    [
      "a shard added later, until it catches up",
      [...two, "DB_2"],
      new Map([
        ["DB_0", 40],
        ["DB_1", 41],
      ]),
      "DB_2",
    ],
  ])("%s", (_name, names, merchants, expected) => {
    expect(leastLoaded(names, merchants)).toBe(expected);
  });
});
