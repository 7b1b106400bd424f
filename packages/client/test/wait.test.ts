import type { MessageStatus } from "@lisoloo/protocol";
import { messageStatuses } from "@lisoloo/protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  createLisolooClient,
  isFinalStatus,
  LisolooApiError,
  LisolooWaitTimeoutError,
} from "../src/index.js";
import { apiError, type FakeApi, ok, startFakeApi } from "./fake-api.js";
import { newMessageId, statusData } from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("isFinalStatus", () => {
  const final: MessageStatus[] = [
    "delivered",
    "partially_delivered",
    "delivery_unknown",
    "undelivered",
    "rejected",
    "expired",
    "failed",
    "cancelled",
  ];
  it.each(messageStatuses.map((s) => [s, final.includes(s)] as const))("%s → %s", (status, expected) => {
    expect(isFinalStatus(status)).toBe(expected);
  });
});

describe("waitForFinal", () => {
  it("polls until the status is final and returns it", async () => {
    const id = newMessageId();
    const walk: MessageStatus[] = ["pending", "processing", "sent", "delivered"];
    api = await startFakeApi((_r, i) => ok(statusData(id, walk[Math.min(i, walk.length - 1)])));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    await expect(client.waitForFinal(id, { intervalMs: 20 })).resolves.toEqual(statusData(id, "delivered"));
    expect(api.requests).toHaveLength(4);
    const gaps = api.requests.slice(1).map((r, i) => r.at - (api?.requests[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15);
  });

  it("gives up after timeoutMs with the last status it read", async () => {
    const id = newMessageId();
    api = await startFakeApi(() => ok(statusData(id, "paused")));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const started = performance.now();
    const error = await client.waitForFinal(id, { intervalMs: 50, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooWaitTimeoutError);
    expect(error).toMatchObject({ message_id: id, last: statusData(id, "paused") });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(api.requests.length).toBeGreaterThanOrEqual(4);
  });

  it("passes an API error through", async () => {
    const id = newMessageId();
    api = await startFakeApi(() => apiError("1201"));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const error = await client.waitForFinal(id, { intervalMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooApiError);
    expect(error).toMatchObject({ error_code: "1201", status: 404 });
  });
});
