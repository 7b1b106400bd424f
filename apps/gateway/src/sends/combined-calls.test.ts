import { describe, expect, it } from "vitest";
import { CallCombiner, LostCallError } from "./combined-calls";

/** A combiner whose calls are recorded and finished by the test, one at a time. */
function controlled(limit: { maxWeight: number; weight?: (item: string) => number; lostAfterMs?: number }) {
  const calls: {
    items: string[];
    finish: (results?: PromiseSettledResult<string>[]) => void;
    fail: (e: Error) => void;
  }[] = [];
  const combiner = new CallCombiner<string, string>(
    (items) =>
      new Promise((resolve, reject) => {
        calls.push({
          items,
          finish: (results) =>
            resolve(results ?? items.map((item) => ({ status: "fulfilled", value: `done ${item}` }))),
          fail: reject,
        });
      }),
    limit,
  );
  const kept: Promise<unknown>[] = [];
  const submit = (item: string) => combiner.submit(item, (p) => kept.push(p));
  return { calls, submit, kept };
}

/** Lets every pending continuation run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("calls combined across requests", () => {
  it("a lone item is called at once, alone", async () => {
    const { calls, submit } = controlled({ maxWeight: 10 });
    const a = submit("a");
    await settle();
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
    calls[0]?.finish();
    await expect(a).resolves.toBe("done a");
  });

  it("items that come while a call is in flight go together in the next one", async () => {
    const { calls, submit } = controlled({ maxWeight: 10 });
    const answers = ["a", "b", "c", "d"].map(submit);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
    calls[0]?.finish();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([["a"], ["b", "c", "d"]]);
    calls[1]?.finish();
    expect(await Promise.all(answers)).toEqual(["done a", "done b", "done c", "done d"]);
  });

  it("a group weighs at most the limit, oldest first; a heavier item goes alone", async () => {
    const { calls, submit } = controlled({ maxWeight: 5, weight: (item) => item.length });
    const answers = ["a", "bb", "ccc", "dd", "eeeeeeee", "f"].map(submit);
    for (let i = 0; i < 5; i++) {
      await settle();
      calls[i]?.finish();
    }
    await Promise.all(answers);
    expect(calls.map((c) => c.items)).toEqual([["a"], ["bb", "ccc"], ["dd"], ["eeeeeeee"], ["f"]]);
  });

  it("each item gets its own share: one item's failure is its own", async () => {
    const { calls, submit } = controlled({ maxWeight: 10 });
    const first = submit("a");
    const [b, c] = [submit("b"), submit("c")];
    await settle();
    calls[0]?.finish();
    await settle();
    calls[1]?.finish([
      { status: "rejected", reason: new Error("b refused") },
      { status: "fulfilled", value: "done c" },
    ]);
    await expect(first).resolves.toBe("done a");
    await expect(b).rejects.toThrow("b refused");
    await expect(c).resolves.toBe("done c");
  });

  it("a failed call fails every item it carried, and the next call goes on", async () => {
    const { calls, submit } = controlled({ maxWeight: 10 });
    const a = submit("a");
    const [b, c] = [submit("b"), submit("c")];
    await settle();
    calls[0]?.finish();
    await settle();
    calls[1]?.fail(new Error("unreachable"));
    await expect(b).rejects.toThrow("unreachable");
    await expect(c).rejects.toThrow("unreachable");
    const d = submit("d");
    await settle();
    expect(calls.map((call) => call.items)).toEqual([["a"], ["b", "c"], ["d"]]);
    calls[2]?.finish();
    expect([await a, await d]).toEqual(["done a", "done d"]);
  });

  it("a call that answers for fewer items than it carried fails the ones left out", async () => {
    const { calls, submit } = controlled({ maxWeight: 10 });
    const a = submit("a");
    await settle();
    calls[0]?.finish([]);
    await expect(a).rejects.toThrow(/no result/);
  });

  it("keeps the request that makes a call alive until the call is over", async () => {
    const { calls, kept, submit } = controlled({ maxWeight: 10 });
    const answers = [submit("a"), submit("b"), submit("c")];
    await settle();
    // One call so far, held by the request that made it.
    expect(kept).toHaveLength(1);
    let over = 0;
    void kept[0]?.then(() => over++);
    await settle();
    expect(over).toBe(0);
    calls[0]?.finish();
    await settle();
    expect(over).toBe(1);
    expect(kept).toHaveLength(2);
    // A failed call's hold ends too, without an unhandled rejection.
    void kept[1]?.then(() => over++);
    calls[1]?.fail(new Error("refused"));
    await Promise.allSettled(answers);
    await settle();
    expect(over).toBe(2);
  });

  it("gives up on a call that never ends: its items fail, and the items waiting go in the next call", async () => {
    // A call whose request died with it never ends; without this, every later item would wait behind it.
    const { calls, submit } = controlled({ maxWeight: 10, lostAfterMs: 20 });
    const a = submit("a");
    const [b, c] = [submit("b"), submit("c")];
    await expect(a).rejects.toBeInstanceOf(LostCallError);
    while (calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls.map((call) => call.items)).toEqual([["a"], ["b", "c"]]);
    calls[1]?.finish();
    expect([await b, await c]).toEqual(["done b", "done c"]);
  });
});
