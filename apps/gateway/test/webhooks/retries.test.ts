import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../../src/webhooks/dispatcher/dispatcher";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { admin } from "../helpers";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  lanePlaces,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receivedAt, receiverEndpoint, type ScriptedResponse, scriptReceiver } from "./receiver";

/** A key whose webhook answers `responses`, one pending event for it, and its dispatcher on a test clock. */
async function pendingDelivery(responses: ScriptedResponse[], timeoutMs?: number) {
  const endpoint = receiverEndpoint();
  await scriptReceiver(endpoint.path, responses);
  const merchant = await merchantWithWebhook(endpoint.url);
  const clock = new TestClock();
  const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock, timeoutMs);
  const { eventId } = await insertEvent({ keyId: merchant.keyId });
  await notifyWebhooks(merchant.shard, [eventId]);
  return { endpoint, merchant, clock, stub, eventId };
}

describe("retries", () => {
  it("retries 5xx after 30 s, 2 min and 10 min (±10 %) and delivers on the 4th attempt", async () => {
    const { endpoint, clock, stub, eventId } = await pendingDelivery([
      { status: 500 },
      { status: 502 },
      { status: 503 },
      { status: 200 },
    ]);
    const delays: number[] = [];
    for (const expected of [30_000, 120_000, 600_000]) {
      expect(await runAlarm(stub)).toBe(true);
      const row = await eventRow(eventId);
      expect(row.status).toBe("pending");
      const delay = (row.next_attempt_at as number) - clock.now;
      expect(delay).toBeGreaterThanOrEqual(expected * 0.9);
      expect(delay).toBeLessThanOrEqual(expected * 1.1);
      expect((await stub.queued())[0]?.nextAttemptAt).toBe(row.next_attempt_at);
      delays.push(delay);
      // A moment early, nothing happens.
      const before = (await receivedAt(endpoint.path)).length;
      clock.advanceTo((row.next_attempt_at as number) - 1000);
      expect(await runAlarm(stub)).toBe(true);
      expect(await receivedAt(endpoint.path)).toHaveLength(before);
      clock.advanceTo(row.next_attempt_at as number);
    }
    expect(await runAlarm(stub)).toBe(true);

    const received = await receivedAt(endpoint.path);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId, eventId, eventId]);
    expect(await eventRow(eventId)).toMatchObject({
      status: "delivered",
      attempts: 4,
      next_attempt_at: null,
    });
    const attempts = await attemptRows(eventId);
    expect(attempts.map((a) => [a.attempt, a.response_status, a.verdict])).toEqual([
      [1, 500, "retry"],
      [2, 502, "retry"],
      [3, 503, "retry"],
      [4, 200, "delivered"],
    ]);
    const gaps = attempts
      .slice(1)
      .map((a, i) => a.started_at - (attempts[i] as { started_at: number }).started_at);
    expect(gaps).toEqual(delays);
    expect(await stub.queued()).toEqual([]);
    expect(await runAlarm(stub)).toBe(false);
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    const { clock, stub, eventId } = await pendingDelivery([
      { status: 429, headers: { "retry-after": "300" } },
      { status: 204 },
    ]);
    await runAlarm(stub);
    const row = await eventRow(eventId);
    expect((row.next_attempt_at as number) - clock.now).toBe(300_000);
    clock.advanceTo(row.next_attempt_at as number);
    await runAlarm(stub);
    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("does not follow a redirect and retries it", async () => {
    const elsewhere = receiverEndpoint();
    const { endpoint, clock, stub, eventId } = await pendingDelivery([
      { status: 302, headers: { location: elsewhere.url } },
      { status: 200 },
    ]);
    await runAlarm(stub);
    expect(await receivedAt(elsewhere.path)).toEqual([]);
    const [first] = await attemptRows(eventId);
    expect(first).toMatchObject({ response_status: 302, verdict: "retry" });
    clock.advanceTo((await eventRow(eventId)).next_attempt_at as number);
    await runAlarm(stub);
    expect(await receivedAt(endpoint.path)).toHaveLength(2);
    expect((await eventRow(eventId)).status).toBe("delivered");
  });
});

describe("giving up", () => {
  it.each([400, 401, 404, 422])("a %i is not retried: the event is dead at once", async (status) => {
    const { endpoint, clock, stub, eventId } = await pendingDelivery([{ status, body: "bad request" }]);
    await runAlarm(stub);
    const row = await eventRow(eventId);
    expect(row).toMatchObject({ status: "dead", attempts: 1, next_attempt_at: null });
    expect(row.reason).toContain(String(status));
    expect(await attemptRows(eventId)).toMatchObject([
      { response_status: status, response_body: "bad request", verdict: "dead" },
    ]);
    clock.advanceTo(clock.now + 2 * 3600_000);
    expect(await runAlarm(stub)).toBe(false);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
  });

  it("a 410 disables the key's webhook: later events are dead without a request", async () => {
    const { endpoint, merchant, stub, eventId } = await pendingDelivery([{ status: 410 }]);
    await runAlarm(stub);
    expect(await eventRow(eventId)).toMatchObject({ status: "dead", attempts: 1 });
    expect(await attemptRows(eventId)).toMatchObject([{ response_status: 410, verdict: "disabled" }]);
    const key = await admin("GET", `/keys/${merchant.keyId}`);
    expect(key.body.data.webhook.disabled_at).not.toBeNull();

    const later = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [later.eventId]);
    await runAlarm(stub);
    const row = await eventRow(later.eventId);
    expect(row.status).toBe("dead");
    expect(row.reason).toMatch(/disabled/);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
  });

  it("a 410 stops the requests still waiting in a burst: none starts once the answer is known", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 410 }]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, new TestClock());
    const ids = [];
    for (let i = 0; i < lanePlaces * 2; i++)
      ids.push((await insertEvent({ keyId: merchant.keyId, sequence: i })).eventId);
    await notifyWebhooks(merchant.shard, ids);

    await runAlarm(stub);

    // Only requests already in flight when the first 410 came back were sent.
    expect((await receivedAt(endpoint.path)).length).toBeLessThanOrEqual(lanePlaces);
    for (const id of ids) expect((await eventRow(id)).status).toBe("dead");
    expect(await stub.queued()).toEqual([]);
  });

  it("a receiver that never answers gets 5 attempts, then an operator replay delivers the same event", async () => {
    const { endpoint, clock, stub, eventId } = await pendingDelivery([{ status: 200, delayMs: 3000 }], 150);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await runAlarm(stub)).toBe(true);
      const row = await eventRow(eventId);
      expect(row.attempts).toBe(attempt);
      if (row.next_attempt_at !== null) clock.advanceTo(row.next_attempt_at);
    }
    const dead = await eventRow(eventId);
    expect(dead).toMatchObject({ status: "dead", attempts: 5, next_attempt_at: null });
    expect(dead.reason).toMatch(/5 attempts.*timeout/);
    const attempts = await attemptRows(eventId);
    expect(attempts.map((a) => [a.attempt, a.response_status, a.error])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [n, null, "Timed out"]),
    );
    expect(await runAlarm(stub)).toBe(false);

    await scriptReceiver(endpoint.path, [{ status: 200 }]);
    const replay = await admin("POST", `/webhooks/${eventId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.data).toMatchObject({ event_id: eventId, status: "pending", attempt_count: 0 });
    expect(await runAlarm(stub)).toBe(true);

    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 1 });
    const received = await receivedAt(endpoint.path);
    expect(received).toHaveLength(6);
    expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([eventId]));
  });
});

describe("concurrency", () => {
  it(`keeps at most ${lanePlaces} requests in flight to one destination's lane`, async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 200, delayMs: 400 }]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, new TestClock());
    const ids = [];
    for (let i = 0; i < lanePlaces + 4; i++)
      ids.push((await insertEvent({ keyId: merchant.keyId, sequence: i })).eventId);
    await notifyWebhooks(merchant.shard, ids);

    await runAlarm(stub);

    const arrivals = (await receivedAt(endpoint.path)).map((r) => r.receivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(lanePlaces + 4);
    const first = arrivals[0] as number;
    // A full set starts together; the other four only as answers (400 ms each) free their places.
    expect(arrivals.filter((t) => t - first < 300)).toHaveLength(lanePlaces);
    expect(arrivals.filter((t) => t - first >= 350)).toHaveLength(4);
    for (const id of ids) expect((await eventRow(id)).status).toBe("delivered");
  });

  it("one run starts at most its budget of attempts, then the alarm carries on in a run of its own", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const clock = new TestClock();
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
    await runInDurableObject(stub, (instance: WebhookDispatcher) => {
      instance.attemptsPerRun = 3;
    });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await insertEvent({ keyId: merchant.keyId, sequence: i })).eventId);
    await notifyWebhooks(merchant.shard, ids);

    const delivered = async () => {
      const statuses = await Promise.all(ids.map(async (id) => (await eventRow(id)).status));
      return statuses.filter((s) => s === "delivered").length;
    };
    const requests = async () => (await receivedAt(endpoint.path)).length;
    for (const after of [3, 6, 7]) {
      expect(await runAlarm(stub)).toBe(true);
      expect(await requests()).toBe(after);
      expect(await delivered()).toBe(after);
    }
    // Nothing left: no alarm.
    expect(await runAlarm(stub)).toBe(false);
    expect(await stub.queued()).toEqual([]);
  });

  it("a slow destination does not hold up another", async () => {
    const slow = receiverEndpoint();
    const fast = receiverEndpoint();
    await scriptReceiver(slow.path, [{ status: 200, delayMs: 1500 }]);
    const slowMerchant = await merchantWithWebhook(slow.url);
    const fastMerchant = await merchantWithWebhook(fast.url);
    const clock = new TestClock();
    const slowStub = await drivenDispatcher(slowMerchant.shard, slow.url, clock);
    const fastStub = await drivenDispatcher(fastMerchant.shard, fast.url, clock);
    const slowEvent = await insertEvent({ keyId: slowMerchant.keyId });
    const fastEvent = await insertEvent({ keyId: fastMerchant.keyId });
    await Promise.all([
      notifyWebhooks(slowMerchant.shard, [slowEvent.eventId]),
      notifyWebhooks(fastMerchant.shard, [fastEvent.eventId]),
    ]);

    const slowRun = runAlarm(slowStub);
    const started = Date.now();
    await runAlarm(fastStub);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await eventRow(fastEvent.eventId)).status).toBe("delivered");
    await slowRun;
    expect((await eventRow(slowEvent.eventId)).status).toBe("delivered");
  });
});

describe("restarts", () => {
  it("an eviction between attempts loses nothing", async () => {
    const { endpoint, merchant, clock, stub, eventId } = await pendingDelivery([
      { status: 500 },
      { status: 200 },
    ]);
    await runAlarm(stub);
    const queued = await stub.queued();
    expect(queued).toMatchObject([{ eventId, attempts: 1, leaseUntil: null }]);

    await evictDurableObject(stub);
    // The instance that comes back knows nothing but its storage; give it the test clock again.
    const revived = await drivenDispatcher(merchant.shard, endpoint.url, clock);
    expect(await revived.queued()).toEqual(queued);
    clock.advanceTo(queued[0]?.nextAttemptAt as number);
    expect(await runAlarm(revived)).toBe(true);

    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 2 });
    expect(await receivedAt(endpoint.path)).toHaveLength(2);
  });
});
