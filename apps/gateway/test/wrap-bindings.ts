import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { billingOf, type DeliveryErrorCode, type DeliveryStatus, handedToCarrier } from "@lisoloo/protocol";
import { expect } from "vitest";
import type { ShardEnv } from "../src/env";
import worker from "../src/index";
import type { QueueMessage } from "../src/pipeline/messages";
import { shardEnv } from "../src/shards/shard-env";
import { BASE, rows } from "./helpers";

/** The queues the Worker sends to: dispatch chunks and cron runs on one, carrier receipts on the other. */
export type Queues = Pick<Cloudflare.Env, "SEND_QUEUE" | "RECEIPT_QUEUE">;
type QueueName = keyof Queues;

/** The real queue `name`, except that the calls numbered in `failing` throw, as an outage would. */
export function flakyQueue(failing: number[], name: QueueName = "SEND_QUEUE") {
  let calls = 0;
  const attempt = () => {
    calls++;
    if (failing.includes(calls)) throw new Error(`queue unavailable (call ${calls})`);
  };
  return {
    send: async (body: unknown, options?: QueueSendOptions) => {
      attempt();
      return env[name].send(body, options);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
      attempt();
      return env[name].sendBatch(messages, options);
    },
  } as unknown as Queue;
}

/**
 * The real send and receipt queues, recording every message handed to either: `sent` in the order
 * they were handed over, `sentTo` per queue. With `hold`, messages are recorded and not sent on (a
 * test hands them over later, or never: a message lost).
 */
export function recordingQueues(options: { hold?: boolean } = {}) {
  const sent: QueueMessage[] = [];
  const sentTo: Record<QueueName, QueueMessage[]> = { SEND_QUEUE: [], RECEIPT_QUEUE: [] };
  const recording = (name: QueueName) =>
    ({
      send: async (body: QueueMessage, o?: QueueSendOptions) => {
        sent.push(body);
        sentTo[name].push(body);
        if (!options.hold) await env[name].send(body, o);
      },
      sendBatch: async (messages: Iterable<MessageSendRequest<QueueMessage>>, o?: QueueSendBatchOptions) => {
        const list = [...messages];
        sent.push(...list.map((m) => m.body));
        sentTo[name].push(...list.map((m) => m.body));
        if (!options.hold) await env[name].sendBatch(list, o);
      },
    }) as unknown as Queue;
  const queues: Queues = { SEND_QUEUE: recording("SEND_QUEUE"), RECEIPT_QUEUE: recording("RECEIPT_QUEUE") };
  /** The deliveries a carrier was handed: the sandbox answers each submission with a receipt. */
  const submitted = () =>
    sentTo.RECEIPT_QUEUE.flatMap((m) =>
      m.type === "receipts" ? m.receipts.map((r) => r.deliveryId as number) : [],
    );
  return { queues, sent, sentTo, submitted };
}

type Statement = D1PreparedStatement & { statement: string; params: unknown[] };

/**
 * The real D1 binding with a hook run before each statement executes, alone or in a batch, with its
 * SQL, its parameters and its place in the batch (0 alone): it may throw (a fault) or wait (to
 * force an interleaving). A batch runs once every hook has returned.
 */
export function wrapD1(
  db: D1Database,
  before: (sql: string, params: unknown[], position: number) => void | Promise<void>,
) {
  const real = new WeakMap<object, Statement>();
  const wrap = (stmt: Statement): D1PreparedStatement => {
    const proxy: D1PreparedStatement = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args) as Statement);
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw")
          return async (...args: unknown[]) => {
            await before(target.statement, target.params, 0);
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql) as Statement);
      if (prop === "batch")
        return async (statements: D1PreparedStatement[]) => {
          const unwrapped = statements.map((s) => real.get(s) ?? (s as Statement));
          for (const [position, s] of unwrapped.entries()) await before(s.statement, s.params, position);
          return target.batch(unwrapped);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The Worker's bindings with every shard's D1 database wrapped by `wrap` (the directory as it is). */
export function wrapShards(wrap: (db: D1Database) => D1Database, base: Cloudflare.Env = env): Cloudflare.Env {
  return { ...base, DB_0: wrap(base.DB_0), DB_1: wrap(base.DB_1) };
}

/** The bindings as code working on a merchant's shard sees them (`shardEnv`), from `base`. */
export async function onMerchantShard(merchantId: string, base: Cloudflare.Env = env): Promise<ShardEnv> {
  const row = await env.DIRECTORY.prepare("SELECT shard FROM directory_merchants WHERE merchant_id = ?1")
    .bind(merchantId)
    .first<{ shard: string }>();
  if (!row) throw new Error(`no shard for merchant ${merchantId}`);
  return shardEnv(base, row.shard);
}

/** A batch of `queue` as the runtime hands it to the consumer: each body a fresh message, first attempt. */
export function messageBatch(queue: string, bodies: unknown[], prefix = "batch") {
  return createMessageBatch(
    queue,
    bodies.map((body, i) => ({
      id: `${prefix}-${crypto.randomUUID()}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
}

/** A send accepted while the queues are down: committed and debited, but nothing handed on. */
export async function acceptWhileQueueDown(
  apiKey: string,
  to: string[],
  extra: Record<string, unknown> = {},
) {
  const everyCall = Array.from({ length: 100 }, (_, i) => i + 1);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/send`, {
      method: "POST",
      headers: { "app-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ to, message: "Fault tolerant", ...extra }),
    }),
    { ...env, SEND_QUEUE: flakyQueue(everyCall), RECEIPT_QUEUE: flakyQueue(everyCall, "RECEIPT_QUEUE") },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { message_id: string } }).data.message_id;
}

/** One run of the every-minute cron at `at`, through the Worker's scheduled handler. */
export async function runCron(at: number, bindings: Cloudflare.Env = env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), bindings, ctx);
  await waitOnExecutionContext(ctx);
}

/** Every wallet of the merchant holds exactly what its ledger adds up to. */
export async function expectLedgerBalanced(merchantId: string) {
  const wallets = await rows<{ type: string; balance_micros: number; ledger: number }>(
    `SELECT w.type, w.balance_micros, (SELECT COALESCE(SUM(amount_micros), 0) FROM wallet_ledger l
       WHERE l.merchant_id = w.merchant_id AND l.wallet_type = w.type) AS ledger
     FROM wallets w WHERE w.merchant_id = ?`,
    merchantId,
  );
  expect(wallets.length).toBeGreaterThan(0);
  for (const w of wallets) expect(w.ledger).toBe(w.balance_micros);
}

type FinalDelivery = {
  id: number;
  status: DeliveryStatus;
  error_code: DeliveryErrorCode | null;
  carrier_message_id: string | null;
  refunded_micros: number;
};

/**
 * What a send's ledger must show once every delivery is final: per delivery, a refund exactly when
 * the protocol's billing rule says so (once, under its own reference), and cancelled or skipped
 * dispatches refunded whole. Nothing billed without a carrier having taken it.
 */
export async function expectBilledByTheRule(sendId: string) {
  const [send] = await rows<{ price: number; total_recipients: number; debit: number }>(
    `SELECT segments * unit_price_micros AS price, total_recipients,
            (SELECT -SUM(amount_micros) FROM wallet_ledger WHERE send_id = sends.id AND reason = 'send_debit') AS debit
     FROM sends WHERE id = ?`,
    sendId,
  );
  const price = send?.price as number;
  const deliveries = await rows<FinalDelivery>(
    "SELECT id, status, error_code, carrier_message_id, refunded_micros FROM deliveries WHERE send_id = ?",
    sendId,
  );
  const refunds = await rows<{ reference: string; amount: number }>(
    "SELECT reference, amount_micros AS amount FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
    sendId,
  );
  const refundOf = (reference: string) =>
    refunds
      .filter((r) => r.reference === reference || r.reference === `${reference}:postpaid`)
      .reduce((sum, r) => sum + r.amount, 0);
  let cancelled = 0;
  for (const d of deliveries) {
    const handed = handedToCarrier({
      status: d.status,
      has_carrier_message_id: d.carrier_message_id !== null,
    });
    const bill = billingOf({ status: d.status, error_code: d.error_code, handed_to_carrier: handed });
    expect(bill, `delivery ${d.id} (${d.status}) is final`).not.toBeNull();
    if (d.status === "cancelled") {
      cancelled++;
      expect(refundOf(`refund:delivery:${d.id}`)).toBe(0);
      continue;
    }
    expect(refundOf(`refund:delivery:${d.id}`), `refund of delivery ${d.id} (${d.status})`).toBe(
      bill === "refunded" ? price : 0,
    );
    expect(d.refunded_micros).toBe(bill === "refunded" ? price : 0);
  }
  const closedDispatches = await rows<{ n: number }>(
    "SELECT count(*) AS n FROM dispatches WHERE send_id = ? AND status IN ('cancelled', 'skipped')",
    sendId,
  );
  const perDelivery = deliveries.reduce((sum, d) => sum + d.refunded_micros, 0);
  const whole = (cancelled + (closedDispatches[0]?.n ?? 0) * (send?.total_recipients as number)) * price;
  const total = refunds.reduce((sum, r) => sum + r.amount, 0);
  expect(total).toBe(perDelivery + whole);
  expect(total).toBeLessThanOrEqual(send?.debit as number);
}
