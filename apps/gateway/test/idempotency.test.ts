import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { AppEnv, AuthContext } from "../src/env";
import { ApiError } from "../src/errors/api-error";
import { errorResponse } from "../src/errors/envelope";
import type { KeyGuard } from "../src/key-guard/key-guard";
import { IDEMPOTENCY_LOCK_STALE_MS, IDEMPOTENCY_TTL_MS } from "../src/key-guard/limits";
import { fingerprintRequest, idempotency } from "../src/middleware/idempotency";
import { rateLimit } from "../src/middleware/rate-limit";
import { requestId } from "../src/middleware/request-id";

type Envelope = { error_code: string; retryable: boolean; retry_after: number | null; details: unknown };
type Sent = { success: true; data: { run: number; echo: unknown } };

/** The three ways a route can be made idempotent. */
const MOUNTS: [string, MiddlewareHandler<AppEnv>[]][] = [
  ["idempotency()", [idempotency()]],
  ["rateLimit() then idempotency()", [rateLimit("send"), idempotency()]],
  ["rateLimit({ idempotency: true })", [rateLimit("send", { idempotency: true })]],
];

function newAuth(): AuthContext {
  return {
    keyId: `key_${crypto.randomUUID()}`,
    merchantId: "mer_test",
    environment: "sandbox",
    rateLimits: {},
  };
}

/**
 * A small app with the gateway's error envelope and an idempotent `/send` whose handler counts its
 * runs, echoes the JSON body it could still read, and can be held open or made to fail.
 */
function appFor(guards: MiddlewareHandler<AppEnv>[], auth: AuthContext = newAuth()) {
  const state = { runs: 0, gate: Promise.resolve(), fail: null as null | (() => never) };
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set("auth", auth);
    await next();
  });
  for (const path of ["/send", "/preview"]) {
    app.use(path, ...guards);
    app.post(path, async (c) => {
      state.runs += 1;
      const run = state.runs;
      const echo: unknown = await c.req.json();
      await state.gate;
      if (state.fail) state.fail();
      return c.json({ success: true, data: { run, echo } }, 201);
    });
  }
  app.onError((err, c) => errorResponse(c, err instanceof ApiError ? err : new ApiError("1401")));
  const send = async (body: unknown, key: string | null, path = "/send") =>
    app.request(
      path,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...(key === null ? {} : { "idempotency-key": key }) },
        body: JSON.stringify(body),
      },
      env,
    );
  return { state, send };
}

function newKey(): string {
  return `idem-${crypto.randomUUID()}`;
}

describe.each(MOUNTS)("%s", (_name, guards) => {
  it("runs 20 parallel duplicates once: 409 1303 while the first runs, replays afterwards", async () => {
    const app = appFor(guards);
    let release = () => {};
    app.state.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const key = newKey();
    const body = { to: ["+243998857000"], message: "hello" };

    let settled = 0;
    const first = Array.from({ length: 20 }, () =>
      app.send(body, key).then((res) => {
        settled += 1;
        return res;
      }),
    );
    await vi.waitFor(() => expect(settled).toBe(19), { timeout: 5000 });
    release();
    const responses = await Promise.all(first);

    const busy = responses.filter((r) => r.status === 409);
    expect(busy).toHaveLength(19);
    for (const res of busy) {
      expect((await res.json()) as Envelope).toMatchObject({
        error_code: "1303",
        retryable: true,
        retry_after: 1,
      });
      expect(res.headers.get("retry-after")).toBe("1");
    }
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(created[0]?.headers.get("idempotent-replayed")).toBeNull();
    const original = await created[0]?.text();

    const replays = await Promise.all(Array.from({ length: 20 }, () => app.send(body, key)));
    for (const res of replays) {
      expect(res.status).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.text()).toBe(original);
    }
    expect(app.state.runs).toBe(1);
    expect((JSON.parse(original ?? "") as Sent).data.echo).toEqual(body);
  });

  it("runs sequential duplicates once and answers each with the identical body", async () => {
    const app = appFor(guards);
    const key = newKey();
    const responses: Response[] = [];
    for (let i = 0; i < 5; i += 1) responses.push(await app.send({ message: "same" }, key));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(responses.map((r) => r.headers.get("idempotent-replayed"))).toEqual([
      null,
      "true",
      "true",
      "true",
      "true",
    ]);
    expect(app.state.runs).toBe(1);
  });

  it.each([
    ["another body", { message: "other" }, "/send"],
    ["another path", { message: "first" }, "/preview"],
  ])("answers 422 1108 when the key comes back with %s", async (_case, body, path) => {
    const app = appFor(guards);
    const key = newKey();
    expect((await app.send({ message: "first" }, key)).status).toBe(201);
    const res = await app.send(body, key, path);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Envelope).error_code).toBe("1108");
    expect(app.state.runs).toBe(1);
  });

  it("scopes keys per API key and runs requests without the header every time", async () => {
    const auth = newAuth();
    const app = appFor(guards, auth);
    const other = appFor(guards);
    const key = newKey();
    await app.send({ message: "x" }, key);
    const elsewhere = await other.send({ message: "x" }, key);
    expect(elsewhere.headers.get("idempotent-replayed")).toBeNull();
    expect(other.state.runs).toBe(1);

    await app.send({ message: "x" }, null);
    await app.send({ message: "x" }, null);
    expect(app.state.runs).toBe(3);
  });

  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["a DEL character", "key\x7f"],
    ["a tab", "a\tb"],
  ])("refuses an Idempotency-Key that is %s with 400 1110 naming the header", async (_case, key) => {
    const app = appFor(guards);
    const res = await app.send({ message: "x" }, key);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Envelope;
    expect(body.error_code).toBe("1110");
    expect(body.details).toEqual([expect.objectContaining({ field: "Idempotency-Key" })]);
    expect(app.state.runs).toBe(0);
  });

  it.each([
    ["255 characters", "k".repeat(255)],
    ["spaces and punctuation", "order 42 / retry #1 ~!"],
  ])("accepts a key of %s", async (_case, key) => {
    const app = appFor(guards);
    expect((await app.send({ message: "x" }, key)).status).toBe(201);
    expect((await app.send({ message: "x" }, key)).headers.get("idempotent-replayed")).toBe("true");
  });

  it.each([
    [
      "an unexpected exception (500 1401)",
      500,
      () => {
        throw new Error("boom");
      },
    ],
    [
      "a dependency outage (503 1402)",
      503,
      () => {
        throw new ApiError("1402");
      },
    ],
  ])("does not store %s: the retry runs afresh", async (_case, status, fail) => {
    const app = appFor(guards);
    app.state.fail = fail;
    const key = newKey();
    expect((await app.send({ message: "x" }, key)).status).toBe(status);
    app.state.fail = null;
    const retry = await app.send({ message: "x" }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(app.state.runs).toBe(2);
  });

  it("stores a 4xx answer and replays it", async () => {
    const app = appFor(guards);
    app.state.fail = () => {
      throw new ApiError("1202");
    };
    const key = newKey();
    const first = await app.send({ message: "x" }, key);
    expect(first.status).toBe(402);
    app.state.fail = null;
    const again = await app.send({ message: "x" }, key);
    expect(again.status).toBe(402);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    expect(app.state.runs).toBe(1);
  });
});

describe("rate limit and idempotency together", () => {
  it.each(MOUNTS.slice(1))(
    "%s: replays and refusals carry the RateLimit headers and count",
    async (_n, guards) => {
      const app = appFor(guards);
      const key = newKey();
      const first = await app.send({ message: "x" }, key);
      const replay = await app.send({ message: "x" }, key);
      const mismatch = await app.send({ message: "y" }, key);
      const invalid = await app.send({ message: "x" }, "");
      expect([first, replay, mismatch, invalid].map((r) => r.status)).toEqual([201, 201, 422, 400]);
      expect([first, replay, mismatch, invalid].map((r) => r.headers.get("ratelimit-remaining"))).toEqual([
        "59",
        "58",
        "57",
        "56",
      ]);
    },
  );
});

describe("KeyGuard idempotency records", () => {
  function guardOf() {
    return env.KEY_GUARD.get(env.KEY_GUARD.idFromName(`key_${crypto.randomUUID()}`));
  }
  const response = { status: 201, body: '{"ok":true}', headers: { "content-type": "application/json" } };

  it("replays for 24 h and forgets the key afterwards", async () => {
    const guard = guardOf();
    const t0 = Date.now();
    const begun = await guard.beginIdempotent("k1", "fp", t0);
    if (begun.state !== "new") throw new Error(`expected a new lock, got ${begun.state}`);
    expect(await guard.completeIdempotent("k1", begun.lockId, response)).toBe(true);
    expect(await guard.beginIdempotent("k1", "fp", t0 + IDEMPOTENCY_TTL_MS - 1)).toEqual({
      state: "replay",
      ...response,
    });
    expect(await guard.beginIdempotent("k1", "other", t0 + IDEMPOTENCY_TTL_MS - 1)).toEqual({
      state: "mismatch",
    });
    expect((await guard.beginIdempotent("k1", "other", t0 + IDEMPOTENCY_TTL_MS)).state).toBe("new");
  });

  it("purges expired records from an alarm set 24 h ahead", async () => {
    const guard = guardOf();
    const t0 = Date.now();
    for (const key of ["a", "b"]) {
      const begun = await guard.beginIdempotent(key, "fp", t0);
      if (begun.state === "new") await guard.completeIdempotent(key, begun.lockId, response);
    }
    const alarm = await runInDurableObject(guard, (_i: KeyGuard, state) => state.storage.getAlarm());
    expect(alarm).toBe(t0 + IDEMPOTENCY_TTL_MS);

    await runInDurableObject(guard, (_i: KeyGuard, state) => {
      state.storage.sql.exec("UPDATE idempotency SET expires_at = ? WHERE key = 'a'", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(guard)).toBe(true);
    const left = await runInDurableObject(guard, (_i: KeyGuard, state) =>
      state.storage.sql.exec<{ key: string }>("SELECT key FROM idempotency").toArray(),
    );
    expect(left).toEqual([{ key: "b" }]);
    expect(await runInDurableObject(guard, (_i: KeyGuard, state) => state.storage.getAlarm())).toBe(
      t0 + IDEMPOTENCY_TTL_MS,
    );
  });

  it("hands a stale lock to the next request and ignores the late completion of the old one", async () => {
    const guard = guardOf();
    const t0 = Date.now();
    const stale = await guard.beginIdempotent("k", "fp", t0);
    expect(await guard.beginIdempotent("k", "fp", t0 + IDEMPOTENCY_LOCK_STALE_MS - 1)).toEqual({
      state: "in_progress",
    });
    const fresh = await guard.beginIdempotent("k", "fp", t0 + IDEMPOTENCY_LOCK_STALE_MS);
    if (stale.state !== "new" || fresh.state !== "new") throw new Error("expected two locks");
    expect(fresh.lockId).not.toBe(stale.lockId);

    expect(await guard.completeIdempotent("k", stale.lockId, { ...response, body: "late" })).toBe(false);
    expect(await guard.abandonIdempotent("k", stale.lockId)).toBe(false);
    expect(await guard.completeIdempotent("k", fresh.lockId, response)).toBe(true);
    expect(await guard.beginIdempotent("k", "fp", t0 + IDEMPOTENCY_LOCK_STALE_MS + 1)).toMatchObject({
      state: "replay",
      body: response.body,
    });
  });
});

describe("fingerprintRequest", () => {
  const path = "/api/v1/lisoloo/sms-api/send";
  const print = (body: string, method = "POST", target = path) =>
    fingerprintRequest(method, target, new TextEncoder().encode(body));

  it("is the same for the same JSON value, whatever its key order, whitespace or escapes", async () => {
    const a = await print('{"to":["+243998857000"],"message":"é","validity_period":60}');
    expect(await print('{ "validity_period" : 6e1,\n "message": "\\u00e9", "to": ["+243998857000"] }')).toBe(
      a,
    );
    expect(await print('\ufeff{"message":"é","to":["+243998857000"],"validity_period":60}')).toBe(a);
  });

  it("differs for another value, another array order, another method or path", async () => {
    const a = await print('{"to":["1","2"]}');
    const others = await Promise.all([
      print('{"to":["2","1"]}'),
      print('{"to":["1","2"],"x":null}'),
      print('{"to":["1","2"]}', "PUT"),
      print('{"to":["1","2"]}', "POST", `${path}?x=1`),
      print('{"to":["1","2"]}', "POST", "/api/v1/lisoloo/sms-api/preview"),
    ]);
    expect(new Set([a, ...others]).size).toBe(6);
  });

  it("compares bytes when the body is not JSON, and never confuses them with a JSON body", async () => {
    expect(await print("{nope")).toBe(await print("{nope"));
    expect(await print("{nope")).not.toBe(await print("{ nope"));
    // The canonical text of {"a":1} as raw bytes must not pass for the JSON body itself.
    expect(await print('json\n{"a":1}')).not.toBe(await print('{"a":1}'));
    expect(await fingerprintRequest("POST", path, new Uint8Array([0x7b, 0xff, 0x7d]))).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });
});
