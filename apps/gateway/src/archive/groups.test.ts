import { describe, expect, it } from "vitest";
import { ARCHIVE_GROUP_DELIVERIES, ARCHIVE_GROUP_SENDS, groupsOf } from "./archive-sends";

const sends = (...deliveries: number[]) =>
  deliveries.map((n, i) => ({ id: `s${String(i).padStart(4, "0")}`, merchant_id: "m", deliveries: n }));
const sizes = (groups: { deliveries: number }[][]) => groups.map((g) => g.map((c) => c.deliveries));

describe("groupsOf", () => {
  it("takes up to the share's sends, in groups of ARCHIVE_GROUP_SENDS", () => {
    const groups = groupsOf(sends(...new Array(450).fill(1)), { sends: 400, deliveries: 10_000 });
    expect(groups.map((g) => g.length)).toEqual([ARCHIVE_GROUP_SENDS, 400 - ARCHIVE_GROUP_SENDS]);
  });

  it("stops at the share's deliveries, oldest first, but always takes the first send", () => {
    expect(sizes(groupsOf(sends(3, 3, 3, 1), { sends: 10, deliveries: 7 }))).toEqual([[3, 3]]);
    expect(sizes(groupsOf(sends(5000, 1), { sends: 10, deliveries: 100 }))).toEqual([[5000]]);
    expect(groupsOf(sends(1, 1), { sends: 0, deliveries: 100 })).toEqual([]);
  });

  it("closes a group before it passes ARCHIVE_GROUP_DELIVERIES; a larger send goes alone", () => {
    const half = ARCHIVE_GROUP_DELIVERIES / 2;
    expect(sizes(groupsOf(sends(half, half, 1, 4000, 2, 3), { sends: 10, deliveries: 100_000 }))).toEqual([
      [half, half],
      [1],
      [4000],
      [2, 3],
    ]);
    for (const group of groupsOf(sends(...new Array(300).fill(40)), { sends: 400, deliveries: 100_000 }))
      expect(group.reduce((n, c) => n + c.deliveries, 0)).toBeLessThanOrEqual(ARCHIVE_GROUP_DELIVERIES);
  });
});
