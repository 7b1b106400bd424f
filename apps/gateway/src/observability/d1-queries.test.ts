import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WorkerEnv } from "../env";
import { shardEnv } from "../shards/shard-env";
import { countD1Queries, flushD1Queries, withD1QueryLog } from "./d1-queries";

/** The `d1.queries` lines written while `run` runs, parsed. */
async function linesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  flushD1Queries("before");
  lines.length = 0;
  await run();
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === "d1.queries");
}

/** An execution context that keeps what it is asked to wait for. */
function context() {
  const waiting: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void waiting.push(p),
    passThroughOnException: () => undefined,
    props: {},
  } as unknown as ExecutionContext;
  const settled = async () => {
    while (waiting.length > 0) await Promise.allSettled(waiting.splice(0));
  };
  return { ctx, settled };
}

const counting = { ...env, LOG_D1_QUERIES: "true" } as WorkerEnv;

afterEach(() => vi.restoreAllMocks());

describe("the D1 query count", () => {
  it("is off unless LOG_D1_QUERIES is true: the env and its bindings are the real ones", () => {
    expect(countD1Queries(env)).toBe(env);
    expect(shardEnv(env, "DB_0").DB).toBe(env.DB_0);
  });

  it("counts a statement alone and each statement of a batch as one query, per binding", async () => {
    const on = countD1Queries(counting);
    const shard = shardEnv(on, "DB_0").DB;
    const records = await linesOf(async () => {
      await on.DIRECTORY.prepare("SELECT count(*) AS n FROM directory_keys").first();
      await shard.batch([shard.prepare("SELECT 1"), shard.prepare("SELECT ?1").bind(2)]);
      await shard.prepare("SELECT 3").all();
      flushD1Queries("test");
    });
    expect(records).toEqual([
      expect.objectContaining({
        source: "test",
        calls: 3,
        queries: 4,
        calls_without_meta: 1,
        by_binding: { DIRECTORY: 1, DB_0: 3 },
      }),
    ]);
  });

  it("writes one line per invocation, once its waitUntil work is done, with that invocation's own queries", async () => {
    const handlers = withD1QueryLog({
      fetch: async (_request, e, ctx) => {
        const db = shardEnv(e, "DB_0").DB;
        await db.prepare("SELECT 1").all();
        ctx.waitUntil(db.batch([db.prepare("SELECT 2"), db.prepare("SELECT 3")]));
        return new Response("ok");
      },
      queue: async () => undefined,
      scheduled: async () => undefined,
    });
    const { ctx, settled } = context();
    const records = await linesOf(async () => {
      await handlers.fetch(new Request("http://gateway.test/"), counting, ctx);
      await settled();
    });
    expect(records).toEqual([
      expect.objectContaining({ source: "fetch", invocation_queries: 3, queries: 3 }),
    ]);
  });

  it("gives the same env and the same bindings every time, so caches keyed by them still hit", () => {
    const on = countD1Queries(counting);
    expect(on).not.toBe(counting);
    expect(countD1Queries(counting)).toBe(on);
    expect(countD1Queries(on)).toBe(on);
    expect(on.DIRECTORY).toBe(countD1Queries(counting).DIRECTORY);
    expect(shardEnv(on, "DB_0").DB).toBe(shardEnv(on, "DB_0").DB);
    expect(shardEnv(on, "DB_0").DB).not.toBe(env.DB_0);
  });

  it("writes nothing when nothing ran", async () => {
    expect(await linesOf(async () => flushD1Queries("test"))).toEqual([]);
  });
});
