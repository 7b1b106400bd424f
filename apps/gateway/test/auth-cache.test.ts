import {
  createExecutionContext,
  evictDurableObject,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { errorEnvelopeSchema } from "@lisoloo/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KEY_COPY_MAX_AGE_MS } from "../src/auth/key-cache";
import worker from "../src/index";
import type { KeyGuard } from "../src/key-guard/key-guard";
import { ADMIN, ADMIN_TOKEN, admin, BASE, newMerchant, rows, shardDb } from "./helpers";
import { wrapD1 } from "./wrap-bindings";

type Answer = { status: number; body: any; headers: Headers; statements: string[] };

/**
 * One isolate of the Worker: bindings of its own (its directory binding is its own object, so it
 * keeps its own directory and key caches, as another isolate does) over the real databases and
 * Durable Objects, recording every statement each request runs on any D1 database, its `waitUntil`
 * work included.
 */
function isolate() {
  let statements: string[] = [];
  const record = (db: D1Database) =>
    wrapD1(db, (sql) => {
      statements.push(sql);
    });
  const bindings: Cloudflare.Env = {
    ...env,
    DIRECTORY: record(env.DIRECTORY),
    DB_0: record(env.DB_0),
    DB_1: record(env.DB_1),
  };
  return async function request(
    apiKey: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    statements = [];
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: {
          "app-key": apiKey,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers, statements };
  };
}

type Isolate = ReturnType<typeof isolate>;

/** Statements that read or write what authentication is decided from. */
const authStatements = (statements: string[]) =>
  statements.filter((sql) => /\b(api_keys|merchants|directory_keys)\b/.test(sql));

const preview = { to: ["+243998857000"], message: "Hi" };

/** Two requests of the key in `on`: the second is decided from the isolate's copy, reading nothing. */
async function warm(on: Isolate, apiKey: string) {
  expect((await on(apiKey, "POST", "/preview", preview)).status).toBe(200);
  const second = await on(apiKey, "POST", "/preview", preview);
  expect(second.status).toBe(200);
  expect(second.statements).toEqual([]);
}

function expectError(answer: { status: number; body: unknown }, status: number, code: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(errorEnvelopeSchema.parse(answer.body)).toMatchObject({ status_code: status, error_code: code });
}

/** The Key Guard namespace, except that calls to `methods` fail as an unreachable guard's do. */
function guardsFailing(...methods: string[]): DurableObjectNamespace<KeyGuard> {
  const real = env.KEY_GUARD;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "get")
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          return new Proxy(stub, {
            get(s, p) {
              if (typeof p === "string" && methods.includes(p))
                return async () => {
                  throw new Error("Network connection lost.");
                };
              const value = Reflect.get(s, p);
              return typeof value === "function" ? value.bind(s) : value;
            },
          });
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** An operator request through the Worker with `bindings`. */
async function operator(bindings: Cloudflare.Env, method: string, path: string, body?: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ADMIN}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a key's steady traffic", () => {
  it("reads nothing from D1 to authenticate after the first request", async () => {
    const { apiKey, keyId } = await newMerchant();
    const on = isolate();
    const first = await on(apiKey, "GET", "/balance");
    expect(first.status).toBe(200);
    // The first request finds the key in the directory, reads it with its merchant, records its use.
    expect(authStatements(first.statements)).toEqual([
      expect.stringContaining("directory_keys"),
      expect.stringContaining("api_keys"),
      expect.stringMatching(/^update "api_keys" set "last_used_at"/),
    ]);
    const second = await on(apiKey, "GET", "/balance");
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    // Only the balance itself is read.
    expect(authStatements(second.statements)).toEqual([]);
    expect(second.statements.length).toBeGreaterThan(0);
    // A route that reads nothing else reads nothing at all.
    expect((await on(apiKey, "POST", "/preview", preview)).statements).toEqual([]);
    expect(await rows("SELECT status FROM api_keys WHERE id = ?", keyId)).toEqual([{ status: "ACTIVE" }]);
  });

  it("is still counted request by request in the key's guard, whichever isolate serves it", async () => {
    // One fixed moment, so every request falls in the same one-minute window.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000 + 90_000);
    const { apiKey } = await newMerchant();
    const a = isolate();
    const b = isolate();
    const remaining: (string | null)[] = [];
    for (const on of [a, b, a, b, a])
      remaining.push((await on(apiKey, "POST", "/preview", preview)).headers.get("ratelimit-remaining"));
    expect(remaining).toEqual(["119", "118", "117", "116", "115"]);
  });
});

describe("an operator change is in force on the very next request, in every isolate", () => {
  it.each<[string, (keyId: string) => Promise<{ status: number }>, number, string]>([
    ["revoked", (keyId) => admin("POST", `/keys/${keyId}/revoke`), 401, "1001"],
    ["suspended", (keyId) => admin("POST", `/keys/${keyId}/suspend`), 403, "1004"],
    ["expired", (keyId) => admin("POST", `/keys/${keyId}/expire`), 403, "1002"],
    ["regenerated", (keyId) => admin("POST", `/keys/${keyId}/regenerate`, {}), 401, "1001"],
  ])("a key %s after both isolates kept a copy of it", async (_change, change, status, code) => {
    const { apiKey, keyId } = await newMerchant();
    const a = isolate();
    const b = isolate();
    await warm(a, apiKey);
    await warm(b, apiKey);
    const done = await change(keyId);
    expect(done.status).toBeLessThan(300);
    expectError(await a(apiKey, "POST", "/preview", preview), status, code);
    expectError(await b(apiKey, "GET", "/balance"), status, code);
    // As an isolate that never saw the key refuses it.
    expectError(await isolate()(apiKey, "GET", "/balance"), status, code);
  });

  it("an activated key is accepted at once, and a regenerated key's successor works everywhere", async () => {
    const { apiKey, keyId } = await newMerchant();
    const a = isolate();
    const b = isolate();
    await warm(a, apiKey);
    expect((await admin("POST", `/keys/${keyId}/suspend`)).status).toBe(200);
    expectError(await a(apiKey, "GET", "/balance"), 403, "1004");
    expectError(await b(apiKey, "GET", "/balance"), 403, "1004");
    expect((await admin("POST", `/keys/${keyId}/activate`)).status).toBe(200);
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);
    expect((await b(apiKey, "GET", "/balance")).status).toBe(200);
    await warm(a, apiKey);

    const regenerated = await admin("POST", `/keys/${keyId}/regenerate`, {});
    const successor = regenerated.body.data.api_key as string;
    expectError(await a(apiKey, "GET", "/balance"), 401, "1001");
    expect((await a(successor, "GET", "/balance")).status).toBe(200);
    expect((await b(successor, "GET", "/balance")).status).toBe(200);
  });

  it("a key regenerated with a grace period stops when the grace ends, with no operator call", async () => {
    const { apiKey, keyId } = await newMerchant();
    const a = isolate();
    await warm(a, apiKey);
    const start = Date.now();
    const graced = await admin("POST", `/keys/${keyId}/regenerate`, { grace_seconds: 30 });
    expect(graced.status).toBe(201);
    const [row] = await rows<{ revoke_at: number }>("SELECT revoke_at FROM api_keys WHERE id = ?", keyId);
    const revokeAt = row?.revoke_at as number;
    expect(revokeAt).toBeGreaterThanOrEqual(start + 30_000);
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(revokeAt - 1);
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);
    vi.setSystemTime(revokeAt);
    expectError(await a(apiKey, "GET", "/balance"), 401, "1001");
    expect((await a(graced.body.data.api_key as string, "GET", "/balance")).status).toBe(200);
  });

  it("a merchant's new rate limit decides the next request, raised or lowered", async () => {
    // One fixed moment, so every request falls in the same one-minute window.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000 + 90_000);
    const { apiKey, merchantId } = await newMerchant({ rate_limits: { balance: 2 } });
    const a = isolate();
    const b = isolate();
    expect((await a(apiKey, "GET", "/balance")).headers.get("ratelimit-remaining")).toBe("1");
    expect((await b(apiKey, "GET", "/balance")).headers.get("ratelimit-remaining")).toBe("0");
    expectError(await a(apiKey, "GET", "/balance"), 429, "1301");

    expect((await admin("PATCH", `/merchants/${merchantId}`, { rate_limits: { balance: 10 } })).status).toBe(
      200,
    );
    const raised = await a(apiKey, "GET", "/balance");
    expect(raised.status).toBe(200);
    expect(raised.headers.get("ratelimit-limit")).toBe("10");
    expect(raised.headers.get("ratelimit-remaining")).toBe("6");
    expect((await b(apiKey, "GET", "/balance")).headers.get("ratelimit-limit")).toBe("10");

    expect((await admin("PATCH", `/merchants/${merchantId}`, { rate_limits: { balance: 5 } })).status).toBe(
      200,
    );
    const lowered = await b(apiKey, "GET", "/balance");
    expectError(lowered, 429, "1301");
    expect(lowered.headers.get("ratelimit-limit")).toBe("5");
  });

  it("a merchant's new price, sender, currency, time zone and destinations decide the next request", async () => {
    const { apiKey, merchantId } = await newMerchant({
      unit_price: 0.02,
      currency: "USD",
      default_sender_id: "OldSender",
      time_zone: "Africa/Kinshasa",
      wallets: { LISOLOO_SMS: 100 },
    });
    // A second key of the same merchant: every key carries the merchant's fields.
    const other = (await admin("POST", `/merchants/${merchantId}/keys`)).body.data.api_key as string;
    const a = isolate();
    const b = isolate();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const scheduled = {
      to: ["+33612345678"],
      message: "Later",
      sending_type: "scheduled",
      scheduled_dates: [{ date: tomorrow, time: "10:00" }],
    };
    const before = await a(apiKey, "POST", "/preview", scheduled);
    expect(before.body.data).toMatchObject({ unit_price: 0.02, currency: "USD" });
    expect(before.body.data.scheduled_at).toBe(`${tomorrow}T10:00:00+01:00`);
    await warm(a, apiKey);
    await warm(b, other);

    const patched = await admin("PATCH", `/merchants/${merchantId}`, {
      unit_price: 0.05,
      currency: "CDF",
      default_sender_id: "NewSender",
      time_zone: "UTC",
      allowed_countries: ["CD"],
    });
    expect(patched.status).toBe(200);

    expectError(await a(apiKey, "POST", "/preview", scheduled), 403, "1305");
    const after = await a(apiKey, "POST", "/preview", { ...scheduled, to: ["+243998857000"] });
    expect(after.body.data).toMatchObject({ unit_price: 0.05, currency: "CDF" });
    expect(after.body.data.scheduled_at).toBe(`${tomorrow}T10:00:00+00:00`);

    const sent = await b(other, "POST", "/send", preview);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.data).toMatchObject({ unit_price: 0.05, currency: "CDF" });
    expect(
      await rows("SELECT sender_id, unit_price_micros FROM sends WHERE id = ?", sent.body.data.message_id),
    ).toEqual([{ sender_id: "NewSender", unit_price_micros: 50_000 }]);
  });

  it("a refusal beats whatever else is wrong with the request, as when every request read the key", async () => {
    const { apiKey, keyId } = await newMerchant();
    const a = isolate();
    await warm(a, apiKey);
    const oversized = JSON.stringify({ to: ["+243998857000"], message: "x".repeat(300 * 1024) });
    expectError(await a(apiKey, "POST", "/preview", oversized), 413, "1304");
    expectError(await a(apiKey, "POST", "/send", preview, { "idempotency-key": "" }), 400, "1110");
    expect((await admin("POST", `/keys/${keyId}/revoke`)).status).toBe(200);
    expectError(await a(apiKey, "POST", "/preview", oversized), 401, "1001");
    expectError(await a(apiKey, "POST", "/send", preview, { "idempotency-key": "" }), 401, "1001");
  });
});

describe("a change written past the operator API", () => {
  it("is in force once the isolate's copy is a minute old", async () => {
    const { apiKey, keyId, merchantId } = await newMerchant();
    const a = isolate();
    await warm(a, apiKey);
    // The copy was read before this moment.
    const warmed = Date.now();
    await (await shardDb(merchantId))
      .prepare("UPDATE api_keys SET status = 'SUSPENDED' WHERE id = ?")
      .bind(keyId)
      .run();
    // No bump: the copy stands until it is a minute old, then the row is read again.
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(warmed + KEY_COPY_MAX_AGE_MS);
    expectError(await a(apiKey, "GET", "/balance"), 403, "1004");
  });
});

describe("an operator change whose guard cannot be told", () => {
  const cannotBump = () => ({ ...env, KEY_GUARD: guardsFailing("bumpAuthVersion") });

  it("fails the key change with 503 1402; repeating it once the guard answers puts it in force", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { apiKey, keyId } = await newMerchant();
    const a = isolate();
    await warm(a, apiKey);
    const failed = await operator(cannotBump(), "POST", `/keys/${keyId}/suspend`);
    expectError(failed, 503, "1402");
    expect(failed.body.retryable).toBe(true);
    // The row changed, the copies did not hear of it: why the operator must not be told it worked.
    expect(await rows("SELECT status FROM api_keys WHERE id = ?", keyId)).toEqual([{ status: "SUSPENDED" }]);
    expect((await a(apiKey, "GET", "/balance")).status).toBe(200);

    expect((await operator(env, "POST", `/keys/${keyId}/suspend`)).status).toBe(200);
    expectError(await a(apiKey, "GET", "/balance"), 403, "1004");
  });

  it("fails a merchant change with 503 1402, and a regeneration, whose successor can still be found", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { apiKey, keyId, merchantId } = await newMerchant();
    expectError(
      await operator(cannotBump(), "PATCH", `/merchants/${merchantId}`, { unit_price: 0.07 }),
      503,
      "1402",
    );
    expectError(await operator(cannotBump(), "POST", `/keys/${keyId}/regenerate`, {}), 503, "1402");
    const keys = await admin("GET", `/merchants/${merchantId}/keys`);
    const successor = keys.body.data.find((k: { key_id: string }) => k.key_id !== keyId);
    expect(successor).toMatchObject({ status: "ACTIVE" });
    expect((await admin("POST", `/keys/${successor.key_id}/regenerate`, {})).status).toBe(201);
    expectError(await isolate()(apiKey, "GET", "/balance"), 401, "1001");
  });
});

describe("KeyGuard auth version", () => {
  function guardOf() {
    return env.KEY_GUARD.get(env.KEY_GUARD.idFromName(`key_${crypto.randomUUID()}`));
  }

  it("starts at 0, moves on with each bump and survives eviction", async () => {
    const guard = guardOf();
    expect(await guard.authVersion()).toBe(0);
    expect(await guard.bumpAuthVersion()).toBe(1);
    expect(await guard.bumpAuthVersion()).toBe(2);
    await evictDurableObject(guard);
    expect(await guard.authVersion()).toBe(2);
    expect(await guard.hit("status", 5, Date.now())).toMatchObject({ allowed: true, authVersion: 2 });
  });

  it("counts and locks nothing for a caller behind the key's version", async () => {
    const guard = guardOf();
    await guard.bumpAuthVersion();
    const now = Date.now();
    const request = { key: "k", fingerprint: "fp" };
    expect(await guard.admit("send", 60, now, request, 0)).toEqual({ stale: true, authVersion: 1 });
    const counted = await runInDurableObject(guard, (_i: KeyGuard, state) => ({
      hits: state.storage.sql.exec("SELECT * FROM rate_hits").toArray(),
      locks: state.storage.sql.exec("SELECT * FROM idempotency").toArray(),
    }));
    expect(counted).toEqual({ hits: [], locks: [] });
    expect(await guard.admit("send", 60, now, request, 1)).toMatchObject({
      rate: { allowed: true, remaining: 59 },
      idempotency: { state: "new" },
      authVersion: 1,
    });
  });
});

describe("a key's guard out of reach", () => {
  it("refuses a refused key as ever, and answers 503 1402 for an accepted one", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { apiKey, keyId } = await newMerchant();
    const revoked = await newMerchant();
    expect((await admin("POST", `/keys/${revoked.keyId}/revoke`)).status).toBe(200);
    // One isolate, first while no guard answers, then once they do.
    const directory = wrapD1(env.DIRECTORY, () => {});
    const down = { ...env, DIRECTORY: directory, KEY_GUARD: guardsFailing("authVersion", "admit") };
    const up = { ...env, DIRECTORY: directory };
    const balance = async (bindings: Cloudflare.Env, key: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${BASE}/balance`, { headers: { "app-key": key } }),
        bindings,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return { status: res.status, body: await res.json() };
    };
    expectError(await balance(down, revoked.apiKey), 401, "1001");
    expectError(await balance(down, apiKey), 503, "1402");
    // The rows read without the guard's version are judged again by the first admission they reach.
    expect((await balance(up, apiKey)).status).toBe(200);
    expect((await admin("POST", `/keys/${keyId}/suspend`)).status).toBe(200);
    expectError(await balance(up, apiKey), 403, "1004");
  });
});
