import { afterEach, describe, expect, it } from "vitest";
import {
  createLisolooClient,
  type LisolooClient,
  type LisolooClientOptions,
  LisolooNetworkError,
  LisolooTimeoutError,
} from "../src/index.js";
import { apiError, type FakeApi, ok, type Reply, startScriptedApi } from "./fake-api.js";
import {
  balanceData,
  cancelData,
  newMessageId,
  pauseData,
  resumeData,
  sendData,
  statusData,
} from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A client against a server that answers `replies` in order, then keeps answering the last one. */
async function scripted(replies: Reply[], options: Partial<LisolooClientOptions> = {}) {
  api = await startScriptedApi(replies);
  const client = createLisolooClient({
    apiKey: `sk_test_${newMessageId()}`,
    baseUrl: api.url,
    retry: { baseDelayMs: 5 },
    ...options,
  });
  return { client, api };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

const sendBody = { to: ["+243998857000"], message: "Hi" };

describe("retries", () => {
  it("waits out retry_after on a 429 before trying again", async () => {
    const { client, api } = await scripted([apiError("1301", { retryAfter: 1 }), ok(balanceData())]);
    await expect(client.balance()).resolves.toEqual(balanceData());
    expect(api.requests).toHaveLength(2);
    const [first, second] = api.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("throws a 429 at once when retry_after is longer than maxDelayMs", async () => {
    const { client, api } = await scripted([apiError("1301", { retryAfter: 45 }), ok(balanceData())], {
      retry: { maxDelayMs: 10_000 },
    });
    const started = performance.now();
    expect(await failure(client.balance())).toMatchObject({ error_code: "1301", retry_after: 45 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(api.requests).toHaveLength(1);
  });

  it("does not retry a 400", async () => {
    const { client, api } = await scripted([apiError("1104"), ok(sendData(), 201)]);
    expect(await failure(client.send(sendBody))).toMatchObject({ status: 400, error_code: "1104" });
    expect(api.requests).toHaveLength(1);
  });

  it("retries a send through 1402, a dropped connection and 1303 under one Idempotency-Key and body", async () => {
    const data = sendData();
    const { client, api } = await scripted([apiError("1402"), "drop", apiError("1303"), ok(data, 201)], {
      retry: { attempts: 4, baseDelayMs: 5 },
    });
    await expect(client.send(sendBody)).resolves.toEqual(data);
    expect(api.requests).toHaveLength(4);
    const keys = new Set(api.requests.map((r) => r.headers["idempotency-key"]));
    const bodies = new Set(api.requests.map((r) => r.body));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect([...bodies]).toEqual([JSON.stringify(sendBody)]);
  });

  it("keeps the caller's Idempotency-Key on every retry", async () => {
    const data = sendData();
    const { client, api } = await scripted([apiError("1401"), ok(data, 201)]);
    const key = `invoice-${newMessageId()}`;
    await expect(client.send(sendBody, { idempotencyKey: key })).resolves.toEqual(data);
    expect(api.requests.map((r) => r.headers["idempotency-key"])).toEqual([key, key]);
  });

  it("gives up after `attempts` tries and throws the last error", async () => {
    const { client, api } = await scripted([apiError("1401")], { retry: { attempts: 3, baseDelayMs: 5 } });
    expect(await failure(client.status(newMessageId()))).toMatchObject({
      error_code: "1401",
      retryable: true,
    });
    expect(api.requests).toHaveLength(3);
  });

  it("tries once with retry: false", async () => {
    const { client, api } = await scripted([apiError("1402"), ok(balanceData())], { retry: false });
    expect(await failure(client.balance())).toMatchObject({ error_code: "1402" });
    expect(api.requests).toHaveLength(1);
  });

  it("retries reads after a dropped connection or a proxy's 502 page", async () => {
    const id = newMessageId();
    const { client, api } = await scripted([
      "drop",
      { status: 502, raw: "<h1>Bad gateway</h1>" },
      ok(statusData(id)),
    ]);
    await expect(client.status(id)).resolves.toEqual(statusData(id));
    expect(api.requests).toHaveLength(3);
  });

  it("throws LisolooNetworkError when the connection keeps dropping", async () => {
    const { client, api } = await scripted(["drop"]);
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(LisolooNetworkError);
    expect((error as Error).cause).toBeDefined();
    expect(api.requests).toHaveLength(3);
  });

  const stateChanges: [
    string,
    (c: LisolooClient, id: string) => Promise<unknown>,
    (id: string) => unknown,
  ][] = [
    ["cancel", (c, id) => c.cancel(id), cancelData],
    ["pause", (c, id) => c.pause(id), pauseData],
    ["resume", (c, id) => c.resume(id), resumeData],
  ];

  it.each(stateChanges)(
    "%s is retried after a 1301 only, never after a failure that may have run it",
    async (_name, call, data) => {
      const id = newMessageId();
      for (const first of [apiError("1402"), apiError("1401"), "drop"] as Reply[]) {
        const { client, api } = await scripted([first, ok(data(id))]);
        await expect(call(client, id)).rejects.toThrow();
        expect(api.requests).toHaveLength(1);
        await api.close();
      }
      const { client, api } = await scripted([apiError("1301", { retryAfter: 0 }), ok(data(id))]);
      await expect(call(client, id)).resolves.toEqual(data(id));
      expect(api.requests).toHaveLength(2);
    },
  );
});

describe("timeouts", () => {
  it("abandons an attempt after timeoutMs", async () => {
    const { client, api } = await scripted([{ ...ok(balanceData()), delayMs: 2_000 }], {
      timeoutMs: 100,
      retry: false,
    });
    const started = performance.now();
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(LisolooTimeoutError);
    expect(error).toBeInstanceOf(LisolooNetworkError);
    expect(error).toMatchObject({ timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(api.requests).toHaveLength(1);
  });

  it("times out a body that stalls after the headers", async () => {
    const { client } = await scripted([{ ...ok(balanceData()), stallBodyMs: 2_000 }], {
      timeoutMs: 150,
      retry: false,
    });
    expect(await failure(client.balance())).toBeInstanceOf(LisolooTimeoutError);
  });

  it("retries a timed-out send with the same Idempotency-Key", async () => {
    const data = sendData();
    const { client, api } = await scripted([{ ...ok(data, 201), delayMs: 1_000 }, ok(data, 201)], {
      timeoutMs: 150,
    });
    await expect(client.send(sendBody)).resolves.toEqual(data);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[0]?.headers["idempotency-key"]).toBe(api.requests[1]?.headers["idempotency-key"]);
  });
});

describe("abort", () => {
  it("stops waiting between retries when the caller aborts", async () => {
    const { client, api } = await scripted([apiError("1301", { retryAfter: 30 }), ok(balanceData())]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user left")), 100);
    const started = performance.now();
    await expect(client.balance({ signal: controller.signal })).rejects.toThrow("user left");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(api.requests).toHaveLength(1);
  });

  it("cancels a request in flight", async () => {
    const { client } = await scripted([{ ...ok(balanceData()), delayMs: 2_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(client.balance({ signal: controller.signal })).rejects.toThrow("stop");
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { client, api } = await scripted([ok(balanceData())]);
    await expect(client.balance({ signal: AbortSignal.abort(new Error("gone")) })).rejects.toThrow("gone");
    expect(api.requests).toHaveLength(0);
  });
});
