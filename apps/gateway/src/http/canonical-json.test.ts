import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, MAX_CANONICAL_DEPTH } from "./canonical-json";

const canonicalOf = (text: string) => canonicalJson(JSON.parse(text));

describe("canonicalJson", () => {
  it.each([
    ['{"b":1,"a":2}', '{ "a": 2, "b": 1 }'],
    ['{"to":["+243998857000"],"message":"Hi"}', '{\n  "message": "Hi",\n  "to": [ "+243998857000" ]\n}'],
    ['{"a":{"y":1,"x":[{"q":1,"p":2}]}}', '{"a":{"x":[{"p":2,"q":1}],"y":1}}'],
    ['{"m":"A"}', '{"m":"\\u0041"}'],
    ['{"n":100}', '{"n":1e2}'],
    ['{"n":1}', '{"n":1.0}'],
    ['{"m":"x","m":"y"}', '{"m":"y"}'],
  ])("spells %s and %s alike", (a, b) => {
    expect(canonicalOf(a)).toBe(canonicalOf(b));
  });

  it.each([
    ['{"to":["a","b"]}', '{"to":["b","a"]}'],
    ['{"n":1}', '{"n":"1"}'],
    ['{"n":1e400}', '{"n":null}'],
    ['{"n":-1e400}', '{"n":1e400}'],
    ['{"m":"\\ud800"}', '{"m":"\\ufffd"}'],
    ['{"a":{}}', '{"a":[]}'],
    ['{"a":null}', "{}"],
  ])("tells %s from %s", (a, b) => {
    expect(canonicalOf(a)).not.toBe(canonicalOf(b));
  });

  it("keeps a __proto__ key as a key, and leaves Object's prototype alone", () => {
    const text = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}';
    expect(canonicalOf(text)).toBe('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("gives up (null) past its depth instead of overflowing the stack", () => {
    const at = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(canonicalOf(at(MAX_CANONICAL_DEPTH))).toBe(at(MAX_CANONICAL_DEPTH));
    expect(canonicalOf(at(MAX_CANONICAL_DEPTH + 1))).toBeNull();
    expect(canonicalOf(at(100_000))).toBeNull();
  });

  it("is a fixed point, and equal for any key order or whitespace of the same value", () => {
    const shuffled = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((v) => shuffled(v, seed));
      if (value === null || typeof value !== "object") return value;
      const entries = Object.entries(value);
      const order = entries.map((_, i) => (i * 7 + seed) % Math.max(entries.length, 1));
      return Object.fromEntries(
        entries
          .map((entry, i) => [order[i], entry] as const)
          .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0))
          .map(([, [k, v]]) => [k, shuffled(v, seed)]),
      );
    };
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.nat(),
        fc.constantFrom(0, 2, "\t"),
        (value, seed, space) => {
          const canonical = canonicalJson(value);
          expect(canonical).not.toBeNull();
          expect(canonicalJson(JSON.parse(canonical as string))).toBe(canonical);
          const respelt = JSON.stringify(shuffled(value, seed), null, space);
          expect(canonicalJson(JSON.parse(respelt))).toBe(canonical);
        },
      ),
      { seed: 4242, numRuns: 500 },
    );
  });
});
