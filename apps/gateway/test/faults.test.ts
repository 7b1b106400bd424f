import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { QueueMessage } from "../src/pipeline/messages";
import { BASE, newMerchant, rows, waitFor } from "./helpers";

/** The real send queue, except that the calls numbered in `failing` throw, as an outage would. */
function flakyQueue(failing: number[]) {
  let calls = 0;
  const attempt = () => {
    calls++;
    if (failing.includes(calls)) throw new Error(`queue unavailable (call ${calls})`);
  };
  return {
    send: async (body: unknown, options?: QueueSendOptions) => {
      attempt();
      return env.SEND_QUEUE.send(body, options);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
      attempt();
      return env.SEND_QUEUE.sendBatch(messages, options);
    },
  } as unknown as Queue;
}

/** A send accepted while the queue is down: committed and debited, but nothing handed on. */
async function acceptWhileQueueDown(apiKey: string, to: string[]) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/send`, {
      method: "POST",
      headers: { "app-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ to, message: "Fault tolerant" }),
    }),
    { ...env, SEND_QUEUE: flakyQueue(Array.from({ length: 100 }, (_, i) => i + 1)) },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { message_id: string } }).data.message_id;
}

const deliveredCount = async (id: string) =>
  (
    await rows<{ n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'delivered'",
      id,
    )
  )[0]?.n ?? 0;

describe("pipeline faults", () => {
  it("the queue send fails after the D1 commit: the cron sweep delivers it", async () => {
    const { apiKey } = await newMerchant();
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000", "+243998857001"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await rows("SELECT status FROM deliveries WHERE send_id = ?", id)).toEqual([
      { status: "pending" },
      { status: "pending" },
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 3 * 60_000 }), env, ctx);
    await waitOnExecutionContext(ctx);
    await waitFor(
      () => deliveredCount(id),
      (n) => n === 2,
    );
  });

  it("the consumer fails in the middle of a batch: nothing is submitted twice and nothing is lost", async () => {
    const { apiKey } = await newMerchant();
    const to = Array.from({ length: 250 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const id = await acceptWhileQueueDown(apiKey, to);
    const chunks: QueueMessage[] = [
      { type: "dispatch", sendId: id, seq: 0, from: 0, to: 100 },
      { type: "dispatch", sendId: id, seq: 0, from: 100, to: 200 },
      { type: "dispatch", sendId: id, seq: 0, from: 200, to: 250 },
    ];
    const messages = chunks.map((body, i) => ({
      id: `fault-${id}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    }));

    // The sandbox hands each chunk's receipts to the queue in two calls; the third call (chunk 2) fails.
    const batch = createMessageBatch("lisoloo-send-sandbox", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, SEND_QUEUE: flakyQueue([3]) }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual([messages[0]?.id, messages[2]?.id].sort());
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([messages[1]?.id]);
    const stranded = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'processing' AND carrier_message_id IS NULL",
      id,
    );
    expect(stranded[0]?.n).toBe(100);

    // The queue redelivers the failed message (same id): it re-claims its own deliveries and finishes.
    const retry = createMessageBatch("lisoloo-send-sandbox", [
      { ...(messages[1] as (typeof messages)[number]), attempts: 2 },
    ]);
    const retryCtx = createExecutionContext();
    await worker.queue(retry, env, retryCtx);
    expect((await getQueueResult(retry, retryCtx)).explicitAcks).toHaveLength(1);

    await waitFor(
      () => deliveredCount(id),
      (n) => n === 250,
    );
    const perDelivery = await rows<{ processing: number; sent: number; delivered: number }>(
      `SELECT SUM(event_type = 'sms.processing') AS processing, SUM(event_type = 'sms.sent') AS sent,
              SUM(event_type = 'sms.delivered') AS delivered
       FROM webhook_events WHERE send_id = ? AND delivery_id IS NOT NULL GROUP BY delivery_id`,
      id,
    );
    expect(perDelivery).toHaveLength(250);
    expect(perDelivery.every((d) => d.processing === 1 && d.sent === 1 && d.delivered === 1)).toBe(true);
    // One carrier submission each: every delivery got exactly one accepted 'sent' receipt applied.
    const applied = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM receipts r JOIN deliveries d ON d.id = r.delivery_id
       WHERE d.send_id = ? AND r.status = 'sent'`,
      id,
    );
    expect(applied[0]?.n).toBe(250);
  });

  it("a redelivered message is a no-op, and late, duplicate or post-terminal receipts never move a delivery back", async () => {
    const { apiKey } = await newMerchant();
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000"]);
    const message = {
      id: `redeliver-${id}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "dispatch", sendId: id, seq: 0, from: 0, to: 1 },
    };
    for (const attempts of [1, 2]) {
      const batch = createMessageBatch("lisoloo-send-sandbox", [{ ...message, attempts }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([message.id]);
    }
    await waitFor(
      () => deliveredCount(id),
      (n) => n === 1,
    );
    const [delivery] = await rows<{ id: number; event_seq: number }>(
      "SELECT id, event_seq FROM deliveries WHERE send_id = ?",
      id,
    );
    const deliveryId = delivery?.id as number;
    expect(delivery?.event_seq).toBe(3);

    const at = new Date().toISOString();
    const receipts: QueueMessage = {
      type: "receipts",
      carrier: "sandbox",
      receipts: [
        { deliveryId, status: "sent", at },
        { deliveryId, status: "processing", at },
        { deliveryId, status: "delivered", at },
        { deliveryId, status: "undelivered", errorCode: "1504", at },
      ],
    };
    const batch = createMessageBatch("lisoloo-send-sandbox", [
      { id: `late-${id}`, timestamp: new Date(), attempts: 1, body: receipts },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    const [after] = await rows(
      "SELECT status, error_code, event_seq FROM deliveries WHERE id = ?",
      deliveryId,
    );
    expect(after).toEqual({ status: "delivered", error_code: null, event_seq: 3 });
    const log = await rows<{ status: string; outcome: string }>(
      "SELECT status, outcome FROM receipts WHERE delivery_id = ? ORDER BY id",
      deliveryId,
    );
    expect(log.slice(-4).map((l) => l.outcome)).toEqual([
      "ignored_terminal",
      "ignored_terminal",
      "ignored_duplicate",
      "ignored_terminal",
    ]);
    expect(
      await rows("SELECT event_type FROM webhook_events WHERE delivery_id = ? ORDER BY sequence", deliveryId),
    ).toEqual([
      { event_type: "sms.processing" },
      { event_type: "sms.sent" },
      { event_type: "sms.delivered" },
    ]);
  });

  it("dead-lettered chunks end failed (1501) and are refunded", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000", "+243998857001"]);
    const batch = createMessageBatch("lisoloo-send-dlq-sandbox", [
      {
        id: `dead-${id}`,
        timestamp: new Date(),
        attempts: 6,
        body: { type: "dispatch", sendId: id, seq: 0, from: 0, to: 2 },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    expect(
      await rows("SELECT status, error_code, refunded_micros FROM deliveries WHERE send_id = ?", id),
    ).toEqual([
      { status: "failed", error_code: "1501", refunded_micros: 20_000 },
      { status: "failed", error_code: "1501", refunded_micros: 20_000 },
    ]);
    const [wallet] = await rows<{ balance_micros: number }>(
      "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
      merchantId,
    );
    expect(wallet?.balance_micros).toBe(100_000_000);
  });
});
