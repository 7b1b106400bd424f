import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../config/config";
import type { WorkerEnv } from "../env";
import { shardEnv } from "./shard-env";

const base = env as unknown as WorkerEnv;

describe("a shard's view of the bindings", () => {
  it("is made once per env and shard, so what is cached per env object stays a hit", () => {
    const view = shardEnv(base, "DB_0");
    expect(shardEnv(base, "DB_0")).toBe(view);
    expect(view.DB).toBe((base as unknown as Record<string, unknown>).DB_0);
    expect(view.SHARD).toBe("DB_0");
    // The configuration is checked once for the view, not once per request that asks for it.
    expect(checkConfig(view)).toBe(checkConfig(shardEnv(base, "DB_0")));
  });

  it("is one per shard, and another env gets views of its own", () => {
    expect(shardEnv(base, "DB_1")).not.toBe(shardEnv(base, "DB_0"));
    expect(shardEnv(base, "DB_1").SHARD).toBe("DB_1");
    const other = { ...base } as WorkerEnv;
    expect(shardEnv(other, "DB_0")).not.toBe(shardEnv(base, "DB_0"));
    expect(shardEnv(other, "DB_0").DB).toBe(shardEnv(base, "DB_0").DB);
  });

  it("cannot be changed by one request under another's feet", () => {
    const view = shardEnv(base, "DB_0") as unknown as Record<string, unknown>;
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => {
      view.DB = null;
    }).toThrow(TypeError);
  });

  it("refuses a shard this deployment does not have", () => {
    expect(() => shardEnv(base, "DB_9")).toThrow(/unknown shard/);
    expect(() => shardEnv(base, "DIRECTORY")).toThrow(/unknown shard/);
  });
});
