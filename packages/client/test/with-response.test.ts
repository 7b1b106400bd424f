import { afterEach, describe, expect, it } from "vitest";
import {
  createLisolooClient,
  LisolooApiError,
  type LisolooClient,
  type LisolooResponseInfo,
} from "../src/index.js";
import { apiError, type FakeApi, ok, type Reply, startFakeApi } from "./fake-api.js";
import {
  balanceData,
  cancelData,
  healthData,
  newMessageId,
  pauseData,
  previewData,
  recipientDelivery,
  resumeData,
  sendData,
  statusData,
} from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const limited = (limit: number, remaining: number, reset: number) => ({
  "RateLimit-Limit": String(limit),
  "RateLimit-Remaining": String(remaining),
  "RateLimit-Reset": String(reset),
});

const withHeaders = (reply: Reply, headers: Record<string, string>): Reply =>
  reply === "drop" ? reply : { ...reply, headers: { ...reply.headers, ...headers } };

const sendBody = { to: ["+243998857000"], message: "Hi" };

type Case = [
  string,
  (c: LisolooClient, id: string) => Promise<{ data: unknown; response: LisolooResponseInfo }>,
  (id: string) => unknown,
];

const cases: Case[] = [
  ["send", (c) => c.withResponse.send(sendBody), (id) => ok(sendData(id), 201)],
  ["preview", (c) => c.withResponse.preview(sendBody), () => ok(previewData())],
  ["status", (c, id) => c.withResponse.status(id), (id) => ok(statusData(id))],
  [
    "recipients",
    (c, id) => c.withResponse.recipients(id, { limit: 1 }),
    (id) => ok({ message_id: id, items: [recipientDelivery()], next_cursor: null }),
  ],
  ["balance", (c) => c.withResponse.balance(), () => ok(balanceData())],
  ["cancel", (c, id) => c.withResponse.cancel(id), (id) => ok(cancelData(id))],
  ["pause", (c, id) => c.withResponse.pause(id), (id) => ok(pauseData(id))],
  ["resume", (c, id) => c.withResponse.resume(id), (id) => ok(resumeData(id))],
  ["health", (c) => c.withResponse.health(), () => ({ status: 200, body: healthData() })],
  ["waitForFinal", (c, id) => c.withResponse.waitForFinal(id), (id) => ok(statusData(id, "delivered"))],
];

describe("withResponse", () => {
  it.each(cases)("%s resolves to the same data and what the response said", async (name, call, reply) => {
    const id = newMessageId();
    const answer = reply(id) as Reply;
    const requestId = `req_${newMessageId()}`;
    api = await startFakeApi(() =>
      withHeaders(answer, { "x-request-id": requestId, ...limited(120, 117, 42) }),
    );
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, retry: false });
    const { data, response } = await call(client, id);
    const body = (answer as { body: { data?: unknown } }).body;
    expect(data).toEqual(name === "health" ? body : body.data);
    expect(response).toEqual({
      status: name === "send" ? 201 : 200,
      requestId,
      idempotentReplayed: false,
      rateLimit: { limit: 120, remaining: 117, reset: 42 },
      headers: expect.any(Headers),
    });
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  it("says when a send's answer was replayed for its Idempotency-Key", async () => {
    const data = sendData();
    api = await startFakeApi((_r, i) =>
      withHeaders(ok(data, 201), i === 0 ? {} : { "Idempotent-Replayed": "true" }),
    );
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const first = await client.withResponse.send(sendBody, { idempotencyKey: "order-42" });
    const again = await client.withResponse.send(sendBody, { idempotencyKey: "order-42" });
    expect([first.response.idempotentReplayed, again.response.idempotentReplayed]).toEqual([false, true]);
    expect(again.data).toEqual(first.data);
  });

  it.each([
    ["no RateLimit headers", {}],
    ["only two of them", { "RateLimit-Limit": "60", "RateLimit-Remaining": "3" }],
    ["one that is not a number", { ...limited(60, 3, 9), "RateLimit-Reset": "soon" }],
  ])("has rateLimit null with %s, and requestId null without X-Request-Id", async (_name, headers) => {
    api = await startFakeApi(() => withHeaders(ok(balanceData()), headers));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const { response } = await client.withResponse.balance();
    expect(response.rateLimit).toBeNull();
    expect(response.requestId).toBeNull();
  });

  it("leaves the plain methods returning data alone", async () => {
    api = await startFakeApi(() => withHeaders(ok(balanceData()), limited(30, 29, 60)));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    await expect(client.balance()).resolves.toEqual(balanceData());
  });

  it("returns the response of the last status read from waitForFinal", async () => {
    const id = newMessageId();
    api = await startFakeApi((_r, i) =>
      withHeaders(ok(statusData(id, i < 2 ? "sent" : "delivered")), { "x-request-id": `req_${i}` }),
    );
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const { data, response } = await client.withResponse.waitForFinal(id, { intervalMs: 5 });
    expect(data.status).toBe("delivered");
    expect(response.requestId).toBe("req_2");
  });
});

describe("LisolooApiError", () => {
  it("carries the RateLimit headers of a 429", async () => {
    api = await startFakeApi(() => withHeaders(apiError("1301", { retryAfter: 12 }), limited(60, 0, 12)));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, retry: false });
    const error = await client.send(sendBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooApiError);
    expect(error).toMatchObject({
      error_code: "1301",
      retry_after: 12,
      rateLimit: { limit: 60, remaining: 0, reset: 12 },
    });
  });

  it("has rateLimit null when the response had none", async () => {
    api = await startFakeApi(() => apiError("1201"));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const error = await client.status(newMessageId()).catch((e: unknown) => e);
    expect(error).toMatchObject({ error_code: "1201", rateLimit: null });
  });
});
