import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { errorByCode } from "@lisoloo/protocol";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppEnv, AuthContext, RateLimitBucket } from "../src/env";
import { ApiError } from "../src/errors/api-error";
import { errorResponse } from "../src/errors/envelope";
import { AuthVersion } from "../src/key-guard/auth-version";
import type { KeyGuard } from "../src/key-guard/key-guard";
import { countAhead, RateCounter, storedCountFor } from "../src/key-guard/rate-counter";
import { rateLimit } from "../src/middleware/rate-limit";
import { requestId } from "../src/middleware/request-id";

/** 10:00:30.200 UTC: 29.8 s left in the minute, so Retry-After is 30. */
const MID_MINUTE = Date.UTC(2026, 5, 1, 10, 0, 30, 200);

type Envelope = { error_code: string; retry_after: number | null; retryable: boolean; details: unknown };

function newAuth(rateLimits: AuthContext["rateLimits"] = {}): AuthContext {
  return {
    keyId: `key_${crypto.randomUUID()}`,
    merchantId: `mer_${crypto.randomUUID()}`,
    environment: "sandbox",
    rateLimits,
  };
}

/** A small app with the gateway's error envelope and one rate-limited route per bucket. */
function appFor(auth: AuthContext) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set("auth", auth);
    await next();
  });
  const buckets: RateLimitBucket[] = ["send", "status", "balance", "preview"];
  for (const bucket of buckets) {
    app.post(`/${bucket}`, rateLimit(bucket), (c) => c.json({ success: true, bucket }, 200));
  }
  app.post("/broke", rateLimit("balance"), () => {
    throw new ApiError("1202");
  });
  app.onError((err, c) => errorResponse(c, err instanceof ApiError ? err : new ApiError("1401")));
  return {
    call: (path: string) => app.request(path, { method: "POST" }, env),
    /** `n` requests in sequence; returns the last response. */
    async callTimes(path: string, n: number) {
      let res: Response | undefined;
      for (let i = 0; i < n; i += 1) res = await app.request(path, { method: "POST" }, env);
      if (res === undefined) throw new Error("n must be ≥ 1");
      return res;
    },
  };
}

function guardOf(keyId: string) {
  return env.KEY_GUARD.get(env.KEY_GUARD.idFromName(keyId));
}

function rateHeaders(res: Response) {
  return {
    limit: res.headers.get("ratelimit-limit"),
    remaining: res.headers.get("ratelimit-remaining"),
    reset: res.headers.get("ratelimit-reset"),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(MID_MINUTE);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("KeyGuard.hit", () => {
  it("counts 200 concurrent hits exactly: 60 allowed, 120 refused, then 1302 once and 1004", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    const results = await Promise.all(Array.from({ length: 200 }, () => guard.hit("send", 60, MID_MINUTE)));

    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(60);
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    const limited = results.filter((r) => !r.allowed && r.suspendedUntil === undefined);
    expect(limited).toHaveLength(120);
    for (const r of limited) expect(r).toMatchObject({ remaining: 0, resetSeconds: 30 });
    expect(results.filter((r) => r.suspendedNow)).toHaveLength(1);
    expect(results.filter((r) => r.suspendedUntil !== undefined && !r.suspendedNow)).toHaveLength(19);
  });

  it("opens a fresh window on the next minute and keeps only the current window's rows", async () => {
    const keyId = `key_${crypto.randomUUID()}`;
    const guard = guardOf(keyId);
    for (let i = 0; i < 3; i += 1) await guard.hit("balance", 3, MID_MINUTE);
    await guard.hit("status", 3, MID_MINUTE);
    expect((await guard.hit("balance", 3, MID_MINUTE)).allowed).toBe(false);

    const next = await guard.hit("balance", 3, MID_MINUTE + 30_000);
    expect(next).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 60 });
    const windows = await runInDurableObject(guard, (_instance: KeyGuard, state) =>
      state.storage.sql.exec<{ bucket: string }>("SELECT bucket FROM rate_hits").toArray(),
    );
    expect(windows).toEqual([{ bucket: "balance" }]);
  });

  it("keeps a suspension across eviction and lifts it after 15 minutes", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    const results = [];
    for (let i = 0; i < 7; i += 1) results.push(await guard.hit("balance", 2, MID_MINUTE));
    expect(results.at(-1)).toMatchObject({ allowed: false, suspendedNow: true });
    const until = MID_MINUTE + 15 * 60_000;

    await evictDurableObject(guard);
    expect(await guard.hit("send", 60, MID_MINUTE + 60_000)).toMatchObject({
      allowed: false,
      suspendedUntil: until,
      resetSeconds: 14 * 60,
    });
    expect((await guard.hit("status", 120, until - 1)).allowed).toBe(false);
    expect(await guard.hit("status", 120, until)).toMatchObject({ allowed: true, remaining: 119 });
  });

  it("reads the suspension, the auth version and the window's count once per instance, then writes counts ahead", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    await guard.bumpAuthVersion();
    await evictDurableObject(guard);
    const statements = await runInDurableObject(guard, (_instance: KeyGuard, state) => {
      const seen: string[] = [];
      const sql = new Proxy(state.storage.sql, {
        get(target, name) {
          if (name !== "exec") return Reflect.get(target, name);
          return (query: string, ...bindings: unknown[]) => {
            seen.push(query.trim().split(/\s+/).slice(0, 3).join(" "));
            return target.exec(query, ...bindings);
          };
        },
      });
      const counter = new RateCounter(sql);
      const version = new AuthVersion(sql);
      for (let i = 0; i < 5; i += 1) {
        expect(counter.hit("send", 60, MID_MINUTE + i).allowed).toBe(true);
        expect(version.current()).toBe(1);
      }
      return seen;
    });
    // Five counts, one read of each kept value; the first count writes six ahead (a tenth of 60) and
    // runs the old window's purge.
    expect(statements.filter((s) => s.startsWith("INSERT INTO rate_hits"))).toHaveLength(1);
    expect(statements.filter((s) => s.startsWith("SELECT"))).toEqual([
      "SELECT until_ms FROM",
      "SELECT count FROM",
      "SELECT version FROM",
    ]);
  });

  it("stores each count ahead of the exact one, never across the limit or the suspension threshold", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    const trace = await runInDurableObject(guard, (_instance: KeyGuard, state) => {
      const sql = state.storage.sql;
      const counter = new RateCounter(sql);
      const steps: { count: number; stored: number; allowed: boolean; suspendedNow?: boolean }[] = [];
      for (let count = 1; count <= 181; count += 1) {
        const hit = counter.hit("send", 60, MID_MINUTE);
        const stored = sql.exec<{ count: number }>("SELECT count FROM rate_hits").one().count;
        steps.push({ count, stored, allowed: hit.allowed, suspendedNow: hit.suspendedNow });
      }
      return steps;
    });
    expect(countAhead(60)).toBe(6);
    for (const { count, stored } of trace) {
      expect(stored).toBeGreaterThanOrEqual(count);
      expect(stored - count).toBeLessThan(countAhead(60));
      expect(stored).toBeLessThanOrEqual(count <= 60 ? 60 : Math.max(count, 180));
    }
    // Stored 10 times up to the limit, 20 times up to three times it, then once more for the 1302.
    expect(new Set(trace.map((t) => t.stored)).size).toBe(31);
    expect(trace.filter((t) => t.allowed)).toHaveLength(60);
    expect(trace.findIndex((t) => t.suspendedNow)).toBe(180);
    // The contract's default limits, and a key allowed thousands: at most 64 requests per write.
    expect([30, 60, 120, 1_000, 1_000_000].map(countAhead)).toEqual([3, 6, 12, 64, 64]);
    expect(storedCountFor(1, 5)).toBe(1);
  });

  it("after a restart mid-window, resumes from the stored count: early refusals at most, never one too many", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    for (let i = 0; i < 7; i += 1) await guard.hit("send", 60, MID_MINUTE);
    await evictDurableObject(guard);
    // Storage said 12 (7 and five ahead): the next request is counted as the 13th.
    expect(await guard.hit("send", 60, MID_MINUTE)).toMatchObject({ allowed: true, remaining: 47 });
    let allowed = 8;
    while ((await guard.hit("send", 60, MID_MINUTE)).allowed) allowed += 1;
    expect(allowed).toBe(55);

    const spent = guardOf(`key_${crypto.randomUUID()}`);
    for (let i = 0; i < 60; i += 1) expect((await spent.hit("send", 60, MID_MINUTE)).allowed).toBe(true);
    await evictDurableObject(spent);
    // Stored exactly at the limit: the restarted guard refuses the 61st, and counts other buckets afresh.
    expect(await spent.hit("send", 60, MID_MINUTE)).toMatchObject({ allowed: false, remaining: 0 });
    expect(await spent.hit("status", 120, MID_MINUTE)).toMatchObject({ allowed: true, remaining: 119 });
  });

  it("keeps what it knows true: a suspension it started, lifted, or run out; a bumped version", async () => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    for (let i = 0; i < 7; i += 1) await guard.hit("balance", 2, MID_MINUTE);
    const until = MID_MINUTE + 15 * 60_000;
    expect(await guard.hit("send", 60, MID_MINUTE + 1)).toMatchObject({
      allowed: false,
      suspendedUntil: until,
    });
    expect(await guard.lift()).toBe(true);
    expect(await guard.hit("send", 60, MID_MINUTE + 2)).toMatchObject({ allowed: true });
    for (let i = 0; i < 7; i += 1) await guard.hit("balance", 2, MID_MINUTE + 3);
    expect(await guard.hit("send", 60, until + 3)).toMatchObject({ allowed: true, remaining: 59 });
    const stored = await runInDurableObject(guard, (_instance: KeyGuard, state) =>
      state.storage.sql.exec("SELECT until_ms FROM suspension").toArray(),
    );
    expect(stored).toEqual([]);
    expect(await guard.authVersion()).toBe(0);
    expect(await guard.bumpAuthVersion()).toBe(1);
    expect(await guard.admit("send", 60, until + 4, null, 0)).toEqual({ stale: true, authVersion: 1 });
    await evictDurableObject(guard);
    expect(await guard.authVersion()).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects a limit of %s", async (limit) => {
    const guard = guardOf(`key_${crypto.randomUUID()}`);
    let error: unknown = null;
    try {
      await guard.hit("send", limit, MID_MINUTE);
    } catch (err) {
      error = err;
    }
    expect(String(error)).toMatch(/positive integer/);
  });
});

describe("rateLimit middleware", () => {
  it.each([
    ["send", 60],
    ["status", 120],
    ["balance", 30],
    ["preview", 120],
  ] as const)("allows %s %i times a minute, then answers 429 1301", async (bucket, limit) => {
    const app = appFor(newAuth());
    const first = await app.call(`/${bucket}`);
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toEqual({ limit: String(limit), remaining: String(limit - 1), reset: "30" });

    const last = await app.callTimes(`/${bucket}`, limit - 1);
    expect(last.status).toBe(200);
    expect(rateHeaders(last).remaining).toBe("0");

    const refused = await app.call(`/${bucket}`);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as Envelope;
    expect(body).toMatchObject({ error_code: "1301", retryable: true, retry_after: 30 });
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(rateHeaders(refused)).toEqual({ limit: String(limit), remaining: "0", reset: "30" });
  });

  it("is exact under 150 concurrent requests, and every refusal says when to retry", async () => {
    const app = appFor(newAuth());
    const responses = await Promise.all(Array.from({ length: 150 }, () => app.call("/send")));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(60);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(90);
    for (const res of refused) {
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = (await res.json()) as Envelope;
      expect(body.error_code).toBe("1301");
      expect(body.retry_after).toBe(retryAfter);
    }
    for (const res of responses) expect(res.headers.get("ratelimit-limit")).toBe("60");
  });

  it("counts each key and each bucket on its own; cancel-like routes share a bucket with send", async () => {
    const auth = newAuth();
    const app = appFor(auth);
    expect((await app.callTimes("/balance", 31)).status).toBe(429);
    expect((await app.call("/status")).status).toBe(200);
    expect((await app.call("/send")).status).toBe(200);
    expect((await appFor(newAuth()).call("/balance")).status).toBe(200);
    // A second route on the balance bucket sees the same, exhausted count.
    expect((await app.call("/broke")).status).toBe(429);
  });

  it.each([
    [{ balance: 5 }, "balance", 5],
    [{ send: 2, balance: 5 }, "send", 2],
    [{ status: 1000 }, "status", 1000],
    [{ balance: 0 }, "balance", 30],
    [{ balance: -3 }, "balance", 30],
    [{ balance: 2.5 }, "balance", 30],
  ] as const)("applies the merchant override %o to %s (limit %i)", async (overrides, bucket, limit) => {
    const app = appFor(newAuth(overrides));
    const first = await app.call(`/${bucket}`);
    expect(first.headers.get("ratelimit-limit")).toBe(String(limit));
    if (limit <= 30) {
      expect((await app.callTimes(`/${bucket}`, limit - 1)).status).toBe(200);
      expect((await app.call(`/${bucket}`)).status).toBe(429);
    }
  });

  it("puts the RateLimit headers on the route's own error responses", async () => {
    const app = appFor(newAuth());
    const res = await app.call("/broke");
    expect(res.status).toBe(402);
    expect(((await res.json()) as Envelope).error_code).toBe("1202");
    expect(rateHeaders(res)).toEqual({ limit: "30", remaining: "29", reset: "30" });
  });

  it("suspends the key on request 3×limit+1 (1302), answers 1004 on every bucket, lifts it after 15 min", async () => {
    const app = appFor(newAuth());
    const last429 = await app.callTimes("/balance", 90);
    expect(last429.status).toBe(429);

    const tripped = await app.call("/balance");
    expect(tripped.status).toBe(403);
    const trippedBody = (await tripped.json()) as Envelope;
    expect(trippedBody).toMatchObject({ error_code: "1302", retryable: false, retry_after: null });
    expect(trippedBody.error_code).toBe(errorByCode("1302").code);
    expect(tripped.headers.get("ratelimit-remaining")).toBe("0");

    for (const bucket of ["send", "status", "balance", "preview"]) {
      const res = await app.call(`/${bucket}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as Envelope).error_code).toBe("1004");
      expect(res.headers.get("ratelimit-reset")).toBe(String(15 * 60));
    }

    vi.setSystemTime(MID_MINUTE + 15 * 60_000 - 1);
    expect((await app.call("/status")).status).toBe(403);
    vi.setSystemTime(MID_MINUTE + 15 * 60_000);
    const lifted = await app.call("/status");
    expect(lifted.status).toBe(200);
    expect(lifted.headers.get("ratelimit-remaining")).toBe("119");
  });

  it("does not suspend a key that stays at 3×limit", async () => {
    const app = appFor(newAuth());
    expect((await app.callTimes("/balance", 90)).status).toBe(429);
    vi.setSystemTime(MID_MINUTE + 60_000);
    expect((await app.call("/balance")).status).toBe(200);
  });
});
