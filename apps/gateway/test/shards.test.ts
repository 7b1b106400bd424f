import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { statusResponseSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { QueueMessage } from "../src/pipeline/messages";
import { admin, api, newMerchant, rows, rowsIn, SHARDS, shardDb, waitFor } from "./helpers";
import { receivedAt, receiverEndpoint } from "./webhooks/receiver";
import { acceptWhileQueueDown, expectLedgerBalanced, recordingQueues, runCron } from "./wrap-bindings";

type Merchant = Awaited<ReturnType<typeof newMerchant>> & { shard: string; hooks: string };

/** Merchants until two sit on different shards (placement fills the emptier shard first). */
async function merchantsOnTwoShards(): Promise<[Merchant, Merchant]> {
  const made: Merchant[] = [];
  for (let i = 0; i < 10; i++) {
    const m = await newMerchant({ wallets: { LISOLOO_SMS: 10 } });
    const view = await admin("GET", `/merchants/${m.merchantId}`);
    const hooks = receiverEndpoint();
    expect((await admin("PUT", `/keys/${m.keyId}/webhook`, { webhook_url: hooks.url })).status).toBe(200);
    made.push({ ...m, shard: view.body.data.shard as string, hooks: hooks.path });
    const other = made.find((o) => o.shard !== made[0]?.shard);
    if (other) return [made[0] as Merchant, other];
  }
  throw new Error(`every merchant went to ${made[0]?.shard}`);
}

const statusOf = async (m: Merchant, id: string) =>
  statusResponseSchema.parse((await api(m.apiKey, "GET", `/status/${id}`)).body).data;

/** Events `m`'s webhook endpoint received, as (message id, event type). */
async function eventsAt(m: Merchant): Promise<{ message_id: string; event_type: string }[]> {
  return (await receivedAt(m.hooks)).map((r) => JSON.parse(r.body));
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("merchants sharded over two D1 databases", () => {
  it("a new merchant is where the directory and the operator view say, and nowhere else", async () => {
    // Which shard it goes to is leastLoaded's (src/shards/directory.test.ts): other test files
    // create merchants meanwhile, so the counts seen here cannot predict it.
    const m = await newMerchant();
    const shard = (await admin("GET", `/merchants/${m.merchantId}`)).body.data.shard as string;
    const [listed] = await rowsIn<{ shard: string }>(
      env.DIRECTORY,
      "SELECT shard FROM directory_merchants WHERE merchant_id = ?",
      m.merchantId,
    );
    expect(listed?.shard).toBe(shard);
    for (const [name, db] of Object.entries(SHARDS)) {
      for (const [table, column] of [
        ["merchants", "id"],
        ["api_keys", "merchant_id"],
        ["wallets", "merchant_id"],
      ] as const) {
        const held = await rowsIn(db, `SELECT 1 FROM ${table} WHERE ${column} = ?`, m.merchantId);
        expect(held.length > 0, `${table} in ${name}`).toBe(name === shard);
      }
    }
  });

  it("send, schedule, receipts, webhooks, cancel and top-up work on both, and neither sees the other", async () => {
    const [a, b] = await merchantsOnTwoShards();
    expect(a.shard).not.toBe(b.shard);

    // Immediate sends: delivered through the queue, with receipts and webhooks, on each shard.
    const sent = new Map<Merchant, string>();
    for (const m of [a, b]) {
      const res = await api(m.apiKey, "POST", "/send", { to: ["+243998857000"], message: `Hi ${m.shard}` });
      expect(res.status).toBe(201);
      sent.set(m, res.body.data.message_id);
    }
    for (const m of [a, b]) {
      const id = sent.get(m) as string;
      await waitFor(
        () => statusOf(m, id),
        (s) => s.status === "delivered",
      );
      const events = await waitFor(
        () => eventsAt(m),
        (list) => list.some((e) => e.message_id === id && e.event_type === "sms.delivered"),
      );
      // A merchant's endpoint hears of its own messages only.
      expect(new Set(events.map((e) => e.message_id))).toEqual(new Set([id]));
    }

    // Each merchant's send lives in its own shard only.
    for (const m of [a, b]) {
      const id = sent.get(m) as string;
      for (const [name, db] of Object.entries(SHARDS)) {
        const held = await rowsIn(db, "SELECT id FROM sends WHERE id = ?", id);
        expect(held.length, `${id} in ${name}`).toBe(name === m.shard ? 1 : 0);
      }
    }

    // Neither sees the other's message: status, recipients, cancel, pause all say 1201.
    for (const [m, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const foreign = sent.get(other) as string;
      for (const [method, path] of [
        ["GET", `/status/${foreign}`],
        ["GET", `/status/${foreign}/recipients`],
        ["DELETE", `/cancel/${foreign}`],
        ["POST", `/pause/${foreign}`],
      ] as const) {
        const res = await api(m.apiKey, method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error_code).toBe("1201");
      }
    }

    // Scheduled sends: the cron releases each on its own shard at the due time.
    const scheduled = new Map<Merchant, string>();
    for (const m of [a, b]) {
      const res = await api(m.apiKey, "POST", "/send", {
        to: ["+243998857001", "+243998857002"],
        message: "Later",
        sending_type: "scheduled",
        scheduled_dates: [{ date: inDays(2), time: "10:00" }],
      });
      expect(res.status).toBe(201);
      scheduled.set(m, res.body.data.message_id);
    }
    const dueAt = Math.max(
      ...(await Promise.all(
        [a, b].map(async (m) => {
          const [d] = await rows<{ due_at: number }>(
            "SELECT due_at FROM dispatches WHERE send_id = ?",
            scheduled.get(m),
          );
          return d?.due_at as number;
        }),
      )),
    );
    await runCron(dueAt + 1000);
    for (const m of [a, b]) {
      const id = scheduled.get(m) as string;
      await waitFor(
        () => statusOf(m, id),
        (s) => s.status === "delivered",
      );
    }

    // Cancel a scheduled send on each shard: refunded in that shard's ledger.
    for (const m of [a, b]) {
      const res = await api(m.apiKey, "POST", "/send", {
        to: ["+243998857003"],
        message: "Never",
        sending_type: "scheduled",
        scheduled_dates: [{ date: inDays(3), time: "10:00" }],
      });
      const id = res.body.data.message_id as string;
      const cancelled = await api(m.apiKey, "DELETE", `/cancel/${id}`);
      expect(cancelled.status).toBe(200);
      expect((await statusOf(m, id)).status).toBe("cancelled");
    }

    // Top-ups land in the merchant's own shard.
    for (const m of [a, b]) {
      const before = (await api(m.apiKey, "GET", "/balance")).body.data.balance as number;
      expect(
        (await admin("POST", `/merchants/${m.merchantId}/wallets/LISOLOO_SMS/topups`, { amount: 5 })).status,
      ).toBe(201);
      expect((await api(m.apiKey, "GET", "/balance")).body.data.balance).toBeCloseTo(before + 5, 6);
      await expectLedgerBalanced(m.merchantId);
    }
  });

  it("the cron closes expired deliveries on both shards", async () => {
    const [a, b] = await merchantsOnTwoShards();
    const ids = await Promise.all(
      [a, b].map((m) => acceptWhileQueueDown(m.apiKey, ["+243998857004"], { validity_period: 60 })),
    );
    await runCron(Date.now() + 3 * 60_000);
    for (const [i, m] of [a, b].entries()) {
      const status = await statusOf(m, ids[i] as string);
      expect(status.status).toBe("failed");
      // Never handed to a carrier: failed 1501 and refunded, in its own shard.
      const db = await shardDb(m.merchantId);
      const [refund] = await rowsIn<{ n: number }>(
        db,
        "SELECT count(*) AS n FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
        ids[i],
      );
      expect(refund?.n).toBe(1);
      await expectLedgerBalanced(m.merchantId);
    }
  });

  it("with more shards than one cron invocation runs, each shard's jobs go through the queue", async () => {
    const [a, b] = await merchantsOnTwoShards();
    const ids = new Map<Merchant, string>();
    for (const m of [a, b]) {
      const res = await api(m.apiKey, "POST", "/send", {
        to: ["+243998857005"],
        message: "Fanned out",
        sending_type: "scheduled",
        scheduled_dates: [{ date: inDays(4), time: "07:00" }],
      });
      expect(res.status).toBe(201);
      ids.set(m, res.body.data.message_id);
    }
    const [due] = await rows<{ due_at: number }>(
      "SELECT due_at FROM dispatches WHERE send_id = ?",
      ids.get(a),
    );
    // One shard per invocation: the cron itself releases nothing and hands both shards to the queue,
    // whose consumer runs each shard's jobs at the run's own time.
    const held = recordingQueues({ hold: true });
    const onePerInvocation = { ...env, CRON_SHARDS_PER_INVOCATION: "1", ...held.queues };
    await runCron((due?.due_at as number) + 1000, onePerInvocation as Cloudflare.Env);
    const crons = held.sent.filter((m) => m.type === "cron");
    expect(crons.map((m) => m.type === "cron" && m.shard).sort()).toEqual(["DB_0", "DB_1"]);
    for (const m of [a, b]) {
      const [dispatch] = await rows<{ status: string }>(
        "SELECT status FROM dispatches WHERE send_id = ?",
        ids.get(m),
      );
      expect(dispatch?.status).toBe("scheduled");
    }
    // Handed on to the real queue: both shards' dispatches are released and delivered.
    await env.SEND_QUEUE.sendBatch(crons.map((body) => ({ body, contentType: "json" as const })));
    for (const m of [a, b]) {
      const id = ids.get(m) as string;
      await waitFor(
        () => statusOf(m, id),
        (s) => s.status === "delivered",
      );
    }
  });

  it("a shard's cron jobs run in a batch of their own: the other messages go back with their claims", async () => {
    const [a] = await merchantsOnTwoShards();
    const id = await acceptWhileQueueDown(a.apiKey, ["+243998857006"]);
    const held = recordingQueues({ hold: true });
    const dispatch: QueueMessage = { type: "dispatch", shard: a.shard, sendId: id, seq: 0, from: 0, to: 1 };
    const receipts: QueueMessage = {
      type: "receipts",
      shard: a.shard,
      carrier: "sandbox",
      receipts: [{ carrierMessageId: `nobody-${id}`, status: "delivered", at: new Date().toISOString() }],
    };
    const batch = createMessageBatch<QueueMessage>("lisoloo-send-sandbox", [
      {
        id: `cron-${id}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "cron", shard: a.shard, scheduledTime: Date.now() },
      },
      {
        id: `other-cron-${id}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "cron", shard: "DB_1", scheduledTime: Date.now() },
      },
      { id: `chunk-${id}`, timestamp: new Date(), attempts: 1, body: dispatch },
      { id: `receipts-${id}`, timestamp: new Date(), attempts: 1, body: receipts },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ...held.queues }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(
      [`chunk-${id}`, `cron-${id}`, `other-cron-${id}`, `receipts-${id}`].sort(),
    );
    // Handed back untouched, each to its own queue: the second shard's cron, the chunk under its own
    // message's claim, the receipts.
    expect(held.sentTo).toEqual({
      SEND_QUEUE: [
        { type: "cron", shard: "DB_1", scheduledTime: expect.any(Number) },
        { ...dispatch, claim: `chunk-${id}` },
      ],
      RECEIPT_QUEUE: [receipts],
    });
    const [delivery] = await rows<{ status: string }>("SELECT status FROM deliveries WHERE send_id = ?", id);
    expect(delivery?.status).toBe("pending");
  });

  it("the operator health view adds the shards up and shows each one's pipeline", async () => {
    const res = await admin("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body.data.shards.map((s: { shard: string }) => s.shard)).toEqual(["DB_0", "DB_1"]);
    const sum = res.body.data.shards.reduce(
      (n: number, s: { pipeline: { pending: { count: number } } }) => n + s.pipeline.pending.count,
      0,
    );
    expect(res.body.data.pipeline.pending.count).toBe(sum);
  });
});
