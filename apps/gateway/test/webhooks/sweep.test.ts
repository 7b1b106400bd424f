import { describe, expect, it } from "vitest";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { sweepWebhookOutbox } from "../../src/webhooks/outbox/sweep";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receivedAt, receiverEndpoint } from "./receiver";

/** A key with a webhook, its dispatcher on a test clock, and an event written two minutes ago. */
async function forgottenEvent() {
  const endpoint = receiverEndpoint();
  const merchant = await merchantWithWebhook(endpoint.url);
  const clock = new TestClock();
  const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
  const now = Date.now();
  const { eventId } = await insertEvent({ keyId: merchant.keyId, createdAt: now - 120_000 });
  return { endpoint, merchant, shard: merchant.shard, clock, stub, eventId, now };
}

describe("the outbox sweep", () => {
  it("hands over an event nobody took, exactly once however often it runs", async () => {
    const { endpoint, shard, stub, eventId, now } = await forgottenEvent();

    const handed = await Promise.all([sweepWebhookOutbox(shard, now), sweepWebhookOutbox(shard, now)]);
    expect(Math.max(...handed)).toBeGreaterThanOrEqual(1);
    expect((await eventRow(eventId)).taken_at).not.toBeNull();
    // Once taken, later runs leave it alone.
    const again = await sweepWebhookOutbox(shard, now + 60_000);
    expect(again).toBe(0);
    expect(await stub.queued()).toMatchObject([{ eventId, attempts: 0 }]);

    expect(await runAlarm(stub)).toBe(true);
    expect(await runAlarm(stub)).toBe(false);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
    expect(await attemptRows(eventId)).toHaveLength(1);
    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("leaves an event younger than a minute to its writer's own hand-over", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const now = Date.now();
    const { eventId } = await insertEvent({ keyId: merchant.keyId, createdAt: now - 10_000 });
    await sweepWebhookOutbox(merchant.shard, now);
    expect(await eventRow(eventId)).toMatchObject({ status: "pending", taken_at: null, destination: null });
  });

  it("re-hands an event whose dispatcher stalled, and the dispatcher does not run it twice", async () => {
    const { endpoint, shard, stub, eventId, now } = await forgottenEvent();
    await notifyWebhooks(shard, [eventId]);
    // The D1 row claims an attempt was due 20 minutes ago: the sweep hands the event over again.
    await shard.DB.prepare("UPDATE webhook_events SET next_attempt_at = ? WHERE id = ?")
      .bind(now - 20 * 60_000, eventId)
      .run();
    expect(await sweepWebhookOutbox(shard, now)).toBeGreaterThanOrEqual(1);
    expect(await stub.queued()).toHaveLength(1);

    await runAlarm(stub);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
    expect((await eventRow(eventId)).status).toBe("delivered");
  });

  it("hands a settled event over to no one", async () => {
    const { endpoint, shard, stub, eventId, now } = await forgottenEvent();
    await sweepWebhookOutbox(shard, now);
    await runAlarm(stub);
    // Handed over again after delivery (a late duplicate): the dispatcher finds it settled.
    await notifyWebhooks(shard, [eventId]);
    await stub.enqueue([{ id: eventId, attempts: 0 }]);
    await runAlarm(stub);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
    expect(await stub.queued()).toEqual([]);
  });
});
