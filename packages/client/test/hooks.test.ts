import { afterEach, describe, expect, it } from "vitest";
import {
  createLisolooClient,
  LisolooApiError,
  type LisolooClientOptions,
  LisolooNetworkError,
  type LisolooRequestEvent,
  type LisolooResponseEvent,
} from "../src/index.js";
import { apiError, type FakeApi, ok, type Reply, startFakeApi, startScriptedApi } from "./fake-api.js";
import { balanceData, newMessageId, sendData } from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const PREFIX = "/api/v1/lisoloo/sms-api";
const sendBody = { to: ["+243998857000"], message: "Hi" };

/** A client whose hooks record every event, against a server answering `replies` in order. */
async function observed(replies: Reply[], options: Partial<LisolooClientOptions> = {}) {
  api = await startScriptedApi(replies);
  const apiKey = `sk_test_${newMessageId()}`;
  const events: (["request", LisolooRequestEvent] | ["response", LisolooResponseEvent])[] = [];
  const client = createLisolooClient({
    apiKey,
    baseUrl: api.url,
    retry: { attempts: 3, baseDelayMs: 1 },
    onRequest: (event) => events.push(["request", event]),
    onResponse: (event) => events.push(["response", event]),
    ...options,
  });
  return { client, api, apiKey, events };
}

describe("onRequest and onResponse", () => {
  it("see every attempt of a retried send, in order, with its outcome", async () => {
    const failure = apiError("1402");
    const data = sendData();
    const { client, api, events } = await observed([
      failure,
      "drop",
      { ...ok(data, 201), headers: { "x-request-id": "req_ok" } },
    ]);
    await client.send(sendBody);
    const url = `${api.url}${PREFIX}/send`;
    const key = api.requests[0]?.headers["idempotency-key"];
    const request = (attempt: number) => ({ method: "POST", url, attempt, idempotencyKey: key });
    const response = (attempt: number, outcome: Partial<LisolooResponseEvent>) => ({
      ...request(attempt),
      durationMs: expect.any(Number),
      rateLimit: null,
      idempotentReplayed: false,
      ...outcome,
    });
    expect(events).toEqual([
      ["request", request(1)],
      [
        "response",
        response(1, {
          status: 503,
          requestId: failure.headers["x-request-id"],
          error: expect.any(LisolooApiError),
          retryInMs: expect.any(Number),
        }),
      ],
      ["request", request(2)],
      [
        "response",
        response(2, {
          status: null,
          requestId: null,
          error: expect.any(LisolooNetworkError),
          retryInMs: expect.any(Number),
        }),
      ],
      ["request", request(3)],
      ["response", response(3, { status: 201, requestId: "req_ok", error: null, retryInMs: null })],
    ]);
    for (const [, event] of events) {
      if ("durationMs" in event) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("say when the last attempt failed: retryInMs is null and the error is the one thrown", async () => {
    const { client, events } = await observed([apiError("1104")]);
    const thrown = await client.send(sendBody).catch((e: unknown) => e);
    expect(events.map(([kind]) => kind)).toEqual(["request", "response"]);
    expect(events[1]?.[1]).toMatchObject({ status: 400, error: thrown, retryInMs: null });
  });

  it("never see the API key", async () => {
    const { client, apiKey, events } = await observed([apiError("1401"), ok(balanceData())]);
    await client.balance();
    await client.health().catch(() => {});
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(events)).not.toContain(apiKey);
    for (const [, event] of events) expect(Object.keys(event)).not.toContain("headers");
  });

  it("cannot break a call, by throwing or by rejecting", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    for (const hook of [
      () => {
        throw new Error("logger down");
      },
      async () => {
        throw new Error("metrics down");
      },
    ]) {
      const client = createLisolooClient({
        apiKey: "sk_test_x",
        baseUrl: api.url,
        onRequest: hook,
        onResponse: hook,
      });
      await expect(client.balance()).resolves.toEqual(balanceData());
    }
  });
});
