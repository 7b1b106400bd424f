import {
  createExecutionContext,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { forgetCarriers } from "../src/carriers/registry";
import worker from "../src/index";
import { claimChunk } from "../src/pipeline/claim-chunks";
import type { DispatchMessage, QueueMessage } from "../src/pipeline/messages";
import wranglerConfig from "../wrangler.jsonc?raw";
import { admin, BASE, newMerchant, rows, rowsIn } from "./helpers";
import { liveMerchant, numbersFor, productionBindings } from "./smpp/harness";
import {
  expectBilledByTheRule,
  expectLedgerBalanced,
  messageBatch,
  onMerchantShard,
  recordingQueues,
  wrapD1,
  wrapShards,
} from "./wrap-bindings";

/**
 * D1 allows 1000 queries per Worker invocation (each statement of a batch counts). Every invocation
 * here must stay at a quarter of that: the measured cost of the heaviest one (a full queue batch of
 * failing chunks, or a cron run where every job has a full page of work) is well below it, and the
 * margin covers what a test cannot force on demand — re-reads after a concurrent writer wins
 * (`settle` retries up to four more times), a registry reload, more carriers in one chunk.
 */
const QUERY_BUDGET = 250;

/** D1's per-statement limits (https://developers.cloudflare.com/d1/platform/limits/). */
const D1_MAX_BOUND_PARAMETERS = 100;
const D1_MAX_SQL_BYTES = 100_000;
const D1_MAX_VALUE_BYTES = 2_000_000;

/** The queue consumers' batch sizes, as deployed (comments stripped from the JSONC). */
function consumerBatchSizes(): Record<string, number> {
  const config = JSON.parse(wranglerConfig.replace(/^\s*\/\/.*$/gm, "")) as {
    env: Record<string, { queues: { consumers: { queue: string; max_batch_size: number }[] } }>;
  };
  const sizes: Record<string, number> = {};
  for (const deployment of Object.values(config.env))
    for (const consumer of deployment.queues.consumers) sizes[consumer.queue] = consumer.max_batch_size;
  return sizes;
}

type Measured = { name: string; queries: number; maxParams: number; maxSql: number; maxValue: number };

const measured: Measured[] = [];

/**
 * Statements that route events already written (`routeEventsStatements`): the sweep's and the
 * operator's. A writer routes its events in the statement that writes them, so the pipeline runs none.
 */
let routingUpdates = 0;
const ROUTING_UPDATE = /^\s*UPDATE webhook_events SET\s+destination\b/;

/** Wraps one real D1 database so that its statements are counted. */
type Counter = (db: D1Database) => D1Database;

/**
 * The real D1 databases (every shard and the directory: an invocation's limit counts them all),
 * counting every statement that runs, alone or in a batch, and its sizes.
 */
function countingD1() {
  const seen: Measured = { name: "", queries: 0, maxParams: 0, maxSql: 0, maxValue: 0 };
  const encoder = new TextEncoder();
  const count: Counter = (db) =>
    wrapD1(db, (sql, params) => {
      seen.queries++;
      if (ROUTING_UPDATE.test(sql)) routingUpdates++;
      seen.maxParams = Math.max(seen.maxParams, params.length);
      seen.maxSql = Math.max(seen.maxSql, encoder.encode(sql).length);
      for (const p of params)
        if (typeof p === "string") seen.maxValue = Math.max(seen.maxValue, encoder.encode(p).length);
    });
  return { count, seen };
}

/** The Worker's bindings with every D1 database counted by `count`. */
function counted(count: Counter, base: Cloudflare.Env = env): Cloudflare.Env {
  return { ...wrapShards(count, base), DIRECTORY: count(base.DIRECTORY) };
}

/** Runs one invocation (its `waitUntil` work included) against a counting D1 and records its cost. */
async function invocation(name: string, run: (count: Counter, ctx: ExecutionContext) => Promise<void>) {
  const { count, seen } = countingD1();
  const ctx = createExecutionContext();
  await run(count, ctx);
  await waitOnExecutionContext(ctx);
  seen.name = name;
  measured.push(seen);
  return seen;
}

/** The messages one queue holds from `from` on, in batches of at most its consumer's size. */
function batchesOf(held: QueueMessage[], from: number, size: number) {
  const fresh = held.slice(from);
  const out: QueueMessage[][] = [];
  for (let i = 0; i < fresh.length; i += size) out.push(fresh.slice(i, i + size));
  return out;
}

async function consume(
  name: string,
  queue: string,
  bodies: QueueMessage[],
  bindings: (count: Counter) => Cloudflare.Env,
) {
  await invocation(name, async (count, ctx) => {
    const batch = messageBatch(queue, bodies, "budget");
    await worker.queue(batch, bindings(count), ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages, name).toEqual([]);
  });
}

async function request(
  name: string,
  bindings: (count: Counter) => Cloudflare.Env,
  apiKey: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  let answer: { status: number; body: { data: Record<string, unknown> } } | undefined;
  await invocation(name, async (count, ctx) => {
    const res = await worker.fetch(
      new Request(`${BASE}${path}`, {
        method: "POST",
        headers: { "app-key": apiKey, "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
      bindings(count),
      ctx,
    );
    answer = { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
  });
  expect(answer?.status, JSON.stringify(answer?.body)).toBe(201);
  return answer?.body.data.message_id as string;
}

async function cron(name: string, at: number, bindings: (count: Counter) => Cloudflare.Env) {
  await invocation(name, async (count, ctx) => {
    await worker.scheduled(
      createScheduledController({ scheduledTime: at, cron: "* * * * *" }),
      bindings(count),
      ctx,
    );
  });
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const minute = (n: number) => `10:${String(n).padStart(2, "0")}`;

describe("D1 queries per invocation", () => {
  const sizes = consumerBatchSizes();
  const batchSize = sizes["lisoloo-send-sandbox"] as number;
  const receiptBatchSize = sizes["lisoloo-receipts-sandbox"] as number;
  const dlqBatchSize = sizes["lisoloo-send-dlq-sandbox"] as number;

  afterAll(() => {
    console.log(
      [
        `D1 queries per invocation (budget ${QUERY_BUDGET}, consumer batches of ${batchSize}, receipts ${receiptBatchSize}, dead letters ${dlqBatchSize}):`,
        ...measured.map(
          (m) =>
            `  ${m.name.padEnd(58)} ${String(m.queries).padStart(5)} queries  (≤ ${m.maxParams} params, ${m.maxSql} B of SQL, ${m.maxValue} B largest value)`,
        ),
      ].join("\n"),
    );
  });

  it("deploys the same consumer batch sizes in both environments", () => {
    expect(sizes["lisoloo-send-production"]).toBe(batchSize);
    expect(sizes["lisoloo-receipts-production"]).toBe(receiptBatchSize);
    expect(sizes["lisoloo-send-dlq-production"]).toBe(dlqBatchSize);
  });

  it("a 1000-recipient send whose carrier refuses everything: the request, each queue batch, the cron", async () => {
    // A carrier routes lead to while it is disabled: every chunk fails 1501 through the receipt path
    // and is refunded, the heaviest thing a chunk does in D1.
    const slug = `budget-${crypto.randomUUID().slice(0, 6)}`;
    const created = await admin("POST", "/carriers", {
      slug,
      kind: "smpp",
      enabled: false,
      smpp: { host: "127.0.0.1", port: Number(env.SMSC_PORT), system_id: "lisoloo", password: "secret12" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await admin("PUT", "/routes", { routes: {}, default_route: slug })).status).toBe(200);
    forgetCarriers();
    // Paid from both wallets (5.01 prepaid, 14.99 postpaid), so the refunds go postpaid first and
    // one of them, in the middle of a statement, is split across the two.
    const { merchantId, liveKey } = await liveMerchant(5.01);
    await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_POST_PAID/topups`, { amount: 100 });
    const held = recordingQueues({ hold: true });
    const bindings = (count: Counter) => productionBindings(held.queues, counted(count));

    const { phones } = numbersFor(1000);
    const id = await request("POST /send (1000 recipients, production)", bindings, liveKey, "/send", {
      to: phones,
      message: "Budget",
      sender_id: "Lisoloo",
    });
    const dispatches = batchesOf(held.sentTo.SEND_QUEUE, 0, batchSize);
    expect(dispatches.flat()).toHaveLength(10);
    for (const [i, bodies] of dispatches.entries())
      await consume(
        `queue: ${bodies.length} chunks refused #${i + 1}`,
        "lisoloo-send-production",
        bodies,
        bindings,
      );
    // No receipts were queued: the refusals are applied where they happen.
    expect(held.sentTo.RECEIPT_QUEUE).toEqual([]);

    const left = await rows<{ status: string; n: number }>(
      "SELECT status, error_code, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1, 2",
      id,
    );
    expect(left).toEqual([{ status: "failed", error_code: "1501", n: 1000 }]);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    // Everything came back, each wallet exactly what it gave.
    expect(
      await rows(
        "SELECT wallet_type, SUM(amount_micros) AS net FROM wallet_ledger WHERE send_id = ? GROUP BY 1 ORDER BY 1",
        id,
      ),
    ).toEqual([
      { wallet_type: "LISOLOO_POST_PAID", net: 0 },
      { wallet_type: "LISOLOO_SMS", net: 0 },
    ]);
    expect(
      await rows<{ wallet_type: string; n: number; split: number }>(
        `SELECT wallet_type, count(*) AS n, count(CASE WHEN amount_micros <> 20000 THEN 1 END) AS split
         FROM wallet_ledger WHERE send_id = ? AND reason = 'refund' GROUP BY 1 ORDER BY 1`,
        id,
      ),
    ).toEqual([
      // 749 refunds of 0.02 and 0.01 of the 750th from postpaid (14.99), the 750th's other 0.01 and
      // 250 refunds of 0.02 from prepaid (5.01).
      { wallet_type: "LISOLOO_POST_PAID", n: 750, split: 1 },
      { wallet_type: "LISOLOO_SMS", n: 251, split: 1 },
    ]);

    await cron("cron after the refused send", Date.now() + 3 * 60_000, bindings);
    forgetCarriers();
  });

  it("a 1000-recipient sandbox send: the queue batches, then the receipt batches", async () => {
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 1000 } });
    const held = recordingQueues({ hold: true });
    const bindings = (count: Counter): Cloudflare.Env => ({ ...counted(count), ...held.queues });
    const to = Array.from({ length: 1000 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const routedBefore = routingUpdates;
    const id = await request("POST /send (1000 recipients, sandbox)", bindings, apiKey, "/send", {
      to,
      message: "Budget",
    });
    const dispatches = batchesOf(held.sentTo.SEND_QUEUE, 0, batchSize);
    for (const [i, bodies] of dispatches.entries())
      await consume(
        `queue: ${bodies.length} chunks submitted #${i + 1}`,
        "lisoloo-send-sandbox",
        bodies,
        bindings,
      );
    // The sandbox queues one receipt message per chunk (its sent, then its delivered receipts) on the receipt queue:
    // handed over in arrival order, in batches of its consumer's size.
    let batches = 0;
    for (let handed = 0; handed < held.sentTo.RECEIPT_QUEUE.length; ) {
      const receipts = batchesOf(held.sentTo.RECEIPT_QUEUE, handed, receiptBatchSize);
      handed = held.sentTo.RECEIPT_QUEUE.length;
      for (const bodies of receipts)
        await consume(
          `receipt queue: ${bodies.length} receipt messages #${++batches}`,
          "lisoloo-receipts-sandbox",
          bodies,
          bindings,
        );
    }
    expect(batches).toBeGreaterThan(0);
    expect(
      await rows("SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1", id),
    ).toEqual([{ status: "delivered", n: 1000 }]);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    // Every event (queued, then processing, sent and delivered per recipient) was routed as it was
    // written, and no statement routed one afterwards: no key webhook and no callback_url, so none
    // was written at all.
    expect(await rows("SELECT count(*) AS n FROM webhook_events WHERE send_id = ?", id)).toEqual([{ n: 0 }]);
    expect(routingUpdates - routedBefore).toBe(0);
  });

  it("a receipt batch where no two messages merge, each known by carrier id alone (shard after shard)", async () => {
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 1000 } });
    const held = recordingQueues({ hold: true });
    const bindings = (count: Counter): Cloudflare.Env => ({ ...counted(count), ...held.queues });
    const to = Array.from({ length: receiptBatchSize * 4 }, (_, i) => `+24383${String(i).padStart(7, "0")}`);
    const id = await request("POST /send (receipts by carrier id)", bindings, apiKey, "/send", {
      to,
      message: "Ids",
    });
    for (const bodies of batchesOf(held.sentTo.SEND_QUEUE, 0, batchSize))
      await consume(`queue: ${bodies.length} chunks`, "lisoloo-send-sandbox", bodies, bindings);
    const submitted = await rowsIn<{ carrier: string; carrier_message_id: string }>(
      (await onMerchantShard(merchantId)).DB,
      "SELECT carrier, carrier_message_id FROM deliveries WHERE send_id = ? ORDER BY id",
      id,
    );
    // The worst batch for the budget: every message from another connector instance, so none merges
    // with its neighbour, and none names its shard (an SMPP bind's receipts), so each is looked for in
    // every shard until one claims it.
    const at = new Date().toISOString();
    const bodies: QueueMessage[] = Array.from({ length: receiptBatchSize }, (_, m) => ({
      type: "receipts",
      carrier: submitted[0]?.carrier as string,
      source: `bind#${m}`,
      receipts: submitted.slice(m * 4, m * 4 + 4).map((d) => ({
        carrierMessageId: d.carrier_message_id,
        status: "delivered",
        at,
      })),
    }));
    await consume(
      `receipt queue: ${bodies.length} messages, none merged, by carrier id`,
      "lisoloo-receipts-sandbox",
      bodies,
      bindings,
    );
    expect(
      await rows("SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1", id),
    ).toEqual([{ status: "delivered", n: receiptBatchSize * 4 }]);
  });

  it("dead letters: every chunk of a 1000-recipient send in one batch fails and is refunded", async () => {
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 1000 } });
    const held = recordingQueues({ hold: true });
    const bindings = (count: Counter): Cloudflare.Env => ({ ...counted(count), ...held.queues });
    const to = Array.from({ length: 1000 }, (_, i) => `+24382${String(i).padStart(7, "0")}`);
    const id = await request("POST /send (1000 recipients, sandbox)", bindings, apiKey, "/send", {
      to,
      message: "Dead",
    });
    for (const [i, bodies] of batchesOf(held.sentTo.SEND_QUEUE, 0, dlqBatchSize).entries())
      await consume(
        `dead letters: ${bodies.length} chunks #${i + 1}`,
        "lisoloo-send-dlq-sandbox",
        bodies,
        bindings,
      );
    expect(
      await rows(
        "SELECT status, error_code, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1, 2",
        id,
      ),
    ).toEqual([{ status: "failed", error_code: "1501", n: 1000 }]);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
  });

  it("a cron run where every job has work: releases, stale skips, both requeue sweeps, 1000 expiries, the outbox sweep", async () => {
    const { merchantId, apiKey } = await newMerchant({
      rate_limits: { send: 1000 },
      wallets: { LISOLOO_SMS: 1000 },
      time_zone: "UTC",
    });
    const held = recordingQueues({ hold: true });
    const bindings = (count: Counter): Cloudflare.Env => ({ ...counted(count), ...held.queues });
    const numbers = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(7, "0")}`);
    // Due at the cron run: six scheduled sends of twenty dispatches each, more than one run releases.
    const scheduled: string[] = [];
    // Their Idempotency-Keys are more than a day old by then: the purge frees them.
    for (let s = 0; s < 6; s++)
      scheduled.push(
        await request(
          `POST /send (scheduled, 20 dispatches) #${s + 1}`,
          bindings,
          apiKey,
          "/send",
          {
            to: numbers(`+2438${s + 3}`, 3),
            message: "Due",
            sending_type: "scheduled",
            scheduled_dates: Array.from({ length: 20 }, (_, i) => ({ date: day(1), time: minute(i) })),
            validity_period: 259_200,
          },
          { "idempotency-key": `budget-${crypto.randomUUID()}` },
        ),
      );
    // Due so long ago at the cron run that they are skipped and refunded instead.
    const stale = await request("POST /send (scheduled, 20 stale dispatches)", bindings, apiKey, "/send", {
      to: numbers("+24399", 2),
      message: "Stale",
      sending_type: "scheduled",
      scheduled_dates: Array.from({ length: 20 }, (_, i) => ({
        date: day(1),
        time: `09:${String(i).padStart(2, "0")}`,
      })),
      validity_period: 60,
    });
    // 1000 deliveries whose validity has ended by then, never handed to a carrier.
    const expiring = await request("POST /send (1000 recipients, expiring)", bindings, apiKey, "/send", {
      to: numbers("+24397", 1000),
      message: "Expiring",
      validity_period: 60,
    });
    // 1000 deliveries still valid and never claimed (a lost queue message), one chunk of them claimed
    // and never handed over (its consumer died): both requeue sweeps have work.
    const stuck = await request("POST /send (1000 recipients, stuck)", bindings, apiKey, "/send", {
      to: numbers("+24398", 1000),
      message: "Stuck",
      validity_period: 259_200,
    });
    const onShard = await onMerchantShard(merchantId);
    const shard = onShard.SHARD;
    const lost: DispatchMessage = { type: "dispatch", shard, sendId: stuck, seq: 0, from: 0, to: 100 };
    await claimChunk(onShard, lost, `lost-${stuck}`, Date.now());
    // And one chunk marked for a carrier whose answer never came: its outcome is unknown by then.
    const unknown: DispatchMessage = { type: "dispatch", shard, sendId: stuck, seq: 0, from: 100, to: 200 };
    await claimChunk(onShard, unknown, `gone-${stuck}`, Date.now());
    await onShard.DB.prepare(
      "UPDATE deliveries SET submitting_at = ?1 WHERE send_id = ?2 AND recipient_idx >= 100 AND recipient_idx < 200",
    )
      .bind(Date.now(), stuck)
      .run();

    // Two days on: the due dispatches are still within their validity, the stale ones long past it.
    const due = Date.parse(`${day(2)}T10:30:00Z`);
    held.sent.length = 0;
    await cron("cron: every job with a full page of work", due, bindings);
    await cron("cron: the next minute, what the first left", due + 60_000, bindings);

    const expired = await rows<{ status: string; n: number }>(
      "SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1",
      expiring,
    );
    expect(expired).toEqual([{ status: "failed", n: 1000 }]);
    await expectBilledByTheRule(expiring);
    await expectBilledByTheRule(stale);
    expect(
      await rows(
        "SELECT status, error_code, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1, 2 ORDER BY 1",
        stuck,
      ),
    ).toEqual([
      { status: "failed", error_code: "1501", n: 100 },
      { status: "pending", error_code: null, n: 800 },
      { status: "processing", error_code: null, n: 100 },
    ]);
    expect(
      await rowsIn(
        onShard.DB,
        "SELECT count(*) AS n FROM sends WHERE id IN (SELECT value FROM json_each(?)) AND idempotency_key IS NOT NULL",
        JSON.stringify(scheduled),
      ),
    ).toEqual([{ n: 0 }]);
    const released = await rowsIn<{ n: number }>(
      onShard.DB,
      `SELECT count(*) AS n FROM dispatches WHERE send_id IN (SELECT value FROM json_each(?)) AND status = 'released'`,
      JSON.stringify(scheduled),
    );
    expect(released[0]?.n).toBe(120);
    await expectLedgerBalanced(merchantId);
  });

  it("stays within the budget and D1's statement limits in every invocation", () => {
    expect(measured.length).toBeGreaterThan(10);
    for (const m of measured) {
      expect(m.queries, m.name).toBeLessThanOrEqual(QUERY_BUDGET);
      expect(m.maxParams, m.name).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMETERS);
      expect(m.maxSql, m.name).toBeLessThan(D1_MAX_SQL_BYTES);
      expect(m.maxValue, m.name).toBeLessThan(D1_MAX_VALUE_BYTES / 2);
    }
  });
});
