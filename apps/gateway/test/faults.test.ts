import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STUCK_AFTER_MS } from "../src/cron/requeue-stuck";
import worker from "../src/index";
import { claimChunk } from "../src/pipeline/claim-chunks";
import { SUBMIT_UNKNOWN_AFTER_MS } from "../src/pipeline/closings";
import type { DispatchMessage, QueueMessage } from "../src/pipeline/messages";
import { newMerchant, rows, rowsIn, shardDb, waitFor, withWebhook } from "./helpers";
import {
  acceptWhileQueueDown,
  expectBilledByTheRule,
  expectLedgerBalanced,
  flakyQueue,
  onMerchantShard,
  recordingQueues,
  runCron,
  wrapD1,
  wrapShards,
} from "./wrap-bindings";

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
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const to = Array.from({ length: 250 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const id = await acceptWhileQueueDown(apiKey, to);
    const shard = (await onMerchantShard(merchantId)).SHARD;
    const chunks: QueueMessage[] = [
      { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 100 },
      { type: "dispatch", shard, sendId: id, seq: 0, from: 100, to: 200 },
      { type: "dispatch", shard, sendId: id, seq: 0, from: 200, to: 250 },
    ];
    const messages = chunks.map((body, i) => ({
      id: `fault-${id}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    }));

    // The sandbox hands each chunk's receipts to the receipt queue in two calls; the third call fails.
    // Chunks of one batch run side by side, so which chunk made the third call is not fixed: find it.
    const batch = createMessageBatch("lisoloo-send-sandbox", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, RECEIPT_QUEUE: flakyQueue([3], "RECEIPT_QUEUE") }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toHaveLength(1);
    const failedIndex = messages.findIndex((m) => m.id === result.retryMessages[0]?.msgId);
    const failed = messages[failedIndex] as (typeof messages)[number];
    expect(result.explicitAcks.sort()).toEqual(
      messages
        .filter((m) => m !== failed)
        .map((m) => m.id)
        .sort(),
    );
    const stranded = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'processing' AND carrier_message_id IS NULL",
      id,
    );
    const chunk = chunks[failedIndex] as { from: number; to: number };
    expect(stranded[0]?.n).toBe(chunk.to - chunk.from);

    // The queue redelivers the failed message (same id): it re-claims its own deliveries and finishes.
    const retry = createMessageBatch("lisoloo-send-sandbox", [{ ...failed, attempts: 2 }]);
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
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000"]);
    const shard = (await onMerchantShard(merchantId)).SHARD;
    const message = {
      id: `redeliver-${id}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 1 },
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
    const batch = createMessageBatch("lisoloo-receipts-sandbox", [
      { id: `late-${id}`, timestamp: new Date(), attempts: 1, body: receipts },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    const [after] = await rowsIn(
      await shardDb(merchantId),
      "SELECT status, error_code, event_seq FROM deliveries WHERE id = ?",
      deliveryId,
    );
    expect(after).toEqual({ status: "delivered", error_code: null, event_seq: 3 });
    const log = await rowsIn<{ status: string; outcome: string }>(
      await shardDb(merchantId),
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
      await rowsIn(
        await shardDb(merchantId),
        "SELECT event_type FROM webhook_events WHERE delivery_id = ? ORDER BY sequence",
        deliveryId,
      ),
    ).toEqual([
      { event_type: "sms.processing" },
      { event_type: "sms.sent" },
      { event_type: "sms.delivered" },
    ]);
  });

  it("dead-lettered chunks end failed (1501) and are refunded", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000", "+243998857001"]);
    const shard = (await onMerchantShard(merchantId)).SHARD;
    const batch = createMessageBatch("lisoloo-send-dlq-sandbox", [
      {
        id: `dead-${id}`,
        timestamp: new Date(),
        attempts: 6,
        body: { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 2 },
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

describe("a consumer killed in the middle of a dispatch", () => {
  it("ends every delivery delivered, or failed and refunded, and never submits a claim twice", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const to = Array.from({ length: 250 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const id = await acceptWhileQueueDown(apiKey, to);
    const shard = (await onMerchantShard(merchantId)).SHARD;
    const chunk = (from: number, upTo: number): DispatchMessage => ({
      type: "dispatch",
      shard,
      sendId: id,
      seq: 0,
      from,
      to: upTo,
    });
    const stateOf = async () =>
      rows<{ status: string; marked: number; handed: number; n: number }>(
        `SELECT status, submitting_at IS NOT NULL AS marked, carrier_message_id IS NOT NULL AS handed, count(*) AS n
         FROM deliveries WHERE send_id = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        id,
      );

    // Chunk [0, 100): claimed, then the worker died and its message was lost, before any hand-off.
    const onShard = await onMerchantShard(merchantId);
    const claimed = await claimChunk(onShard, chunk(0, 100), `lost-${id}`, Date.now());
    expect(claimed.rows).toHaveLength(100);

    // Chunk [100, 200): marked for the carrier, whose call failed; the worker died before it could
    // unmark them, so whether the carrier has them is unknown. Its message is lost too.
    const dying = wrapShards((db) =>
      wrapD1(db, (sql) => {
        if (sql.includes("submitting_at = NULL")) throw new Error("worker killed");
      }),
    );
    const message = { id: `dying-${id}`, timestamp: new Date(), attempts: 1, body: chunk(100, 200) };
    const batch = createMessageBatch("lisoloo-send-sandbox", [message]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...dying, RECEIPT_QUEUE: flakyQueue([1], "RECEIPT_QUEUE") }, ctx);
    expect((await getQueueResult(batch, ctx)).retryMessages.map((m) => m.msgId)).toEqual([message.id]);
    // Chunk [200, 250) never reached a consumer.
    expect(await stateOf()).toEqual([
      { status: "pending", marked: 0, handed: 0, n: 50 },
      { status: "processing", marked: 0, handed: 0, n: 100 },
      { status: "processing", marked: 1, handed: 0, n: 100 },
    ]);

    // Past the stuck threshold the cron queues the pending chunk again, and re-claims the unmarked
    // one under a fresh token; the marked one may still be with the carrier, so it waits.
    await runCron(Date.now() + STUCK_AFTER_MS + 60_000);
    await waitFor(
      () => deliveredCount(id),
      (n) => n === 150,
    );
    expect((await stateOf()).find((s) => s.status === "processing")).toEqual({
      status: "processing",
      marked: 1,
      handed: 0,
      n: 100,
    });

    // Past the unknown-outcome threshold nothing can still be submitting them: failed 1501, refunded.
    await runCron(Date.now() + SUBMIT_UNKNOWN_AFTER_MS + 60_000);
    expect(await stateOf()).toEqual([
      { status: "delivered", marked: 1, handed: 1, n: 150 },
      { status: "failed", marked: 1, handed: 0, n: 100 },
    ]);
    expect(
      await rows("SELECT DISTINCT error_code FROM deliveries WHERE send_id = ? AND status = 'failed'", id),
    ).toEqual([{ error_code: "1501" }]);
    const failedEvents = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM webhook_events WHERE send_id = ? AND event_type = 'sms.failed'",
      id,
    );
    expect(failedEvents[0]?.n).toBe(100);

    // The lost messages come back late: they find nothing they hold and hand nothing to a carrier.
    const late = recordingQueues();
    const lateBatch = createMessageBatch("lisoloo-send-sandbox", [
      { id: `lost-${id}`, timestamp: new Date(), attempts: 2, body: chunk(0, 100) },
      { ...message, attempts: 2 },
    ]);
    const lateCtx = createExecutionContext();
    await worker.queue(lateBatch, { ...env, ...late.queues }, lateCtx);
    expect((await getQueueResult(lateBatch, lateCtx)).explicitAcks).toHaveLength(2);
    expect(late.submitted()).toEqual([]);
    const processing = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM webhook_events WHERE send_id = ? AND event_type = 'sms.processing'`,
      id,
    );
    expect(processing[0]?.n).toBe(250);

    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    const [wallet] = await rows<{ balance_micros: number }>(
      "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
      merchantId,
    );
    expect(wallet?.balance_micros).toBe(100_000_000 - 250 * 20_000 + 100 * 20_000);
  });
});
