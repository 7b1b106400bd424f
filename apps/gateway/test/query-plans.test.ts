import {
  createExecutionContext,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { forgetCarriers } from "../src/carriers/registry";
import { FIRST_PARTS_SQL, TAKEN_PARTS_SQL } from "../src/carriers/smpp/connector";
import { HANDED_OVER_SQL, STORE_PARTS_SQL } from "../src/carriers/smpp/id-writer";
import { createDb } from "../src/db/client";
import { findSendByIdempotencyKey } from "../src/db/queries/sends";
import { ledgerSums } from "../src/db/queries/wallets";
import worker from "../src/index";
import { applyReceipts } from "../src/pipeline/apply-receipts";
import { claimChunk } from "../src/pipeline/claim-chunks";
import { shardEnv } from "../src/shards/shard-env";
import { recordOutcomes } from "../src/webhooks/outbox/attempt-log";
import { loadOutboxEvents, markTakenStatement } from "../src/webhooks/outbox/outbox-store";
import { ADMIN, ADMIN_TOKEN, BASE, newMerchant, rows } from "./helpers";
import { liveMerchant, numbersFor, productionBindings, productionGateway, smppCarrier } from "./smpp/harness";
import { messageBatch, onMerchantShard, recordingQueues, wrapD1, wrapShards } from "./wrap-bindings";

/**
 * Tables that grow with traffic: a statement that scans one, or walks every row of a status through
 * a status index, slows down with history or backlog however little it needs.
 */
const GROWING = new Set([
  "deliveries",
  "sends",
  "recipients",
  "dispatches",
  "receipts",
  "webhook_events",
  "webhook_attempts",
  "wallet_ledger",
  "carrier_message_parts",
]);

/** Indexes whose leading column is a status: one status of a growing table is a backlog, not a lookup. */
const STATUS_INDEXES = ["deliveries_status_idx", "dispatches_due_idx", "webhook_events_status_idx"];

// Scans that are not findings, and why:
// - `json_each` is the statement's own parameter (a list the caller passed), never a table;
// - a subquery or CTE the plan materialises (`SCAN j`, `SCAN (subquery-1)`) is as large as what
//   produced it, which its own plan lines judge;
// - the config tables (carriers, carrier_routes, merchants, api_keys, wallets) hold a row per
//   operator decision or per merchant and are not in GROWING: the registry reads both routing
//   tables whole, by design, once per isolate per ten seconds;
// - a partial index that only ever holds a handful of rows (claimed and not handed over) may be
//   walked whole: that is what it is for.
// A SEARCH through an owner's own index is not a finding either, even where it reads all of that
// owner's rows (a merchant's ledger summed per wallet, a send's deliveries counted by status): it
// grows with that merchant's or send's history, which its caller asked about, never with the others'.
const SMALL_PARTIAL_INDEXES = ["deliveries_unsubmitted_idx"];

/**
 * The status walks that are the point of their statement, each with its reason. Anything else that
 * walks a status index, or scans a growing table, fails the test.
 */
const ALLOWED: { sql: RegExp; index: string; reason: string }[] = [
  {
    sql: /FROM dispatches p JOIN sends s ON s\.id = p\.send_id\s+WHERE p\.status = 'scheduled' AND p\.due_at <= \?1/,
    index: "dispatches_due_idx",
    reason:
      "the release reads due dispatches by due time: what the index is for, oldest first, cut by its LIMIT",
  },
  {
    sql: /WHERE d\.status = 'pending' AND d\.updated_at < \?1 AND d\.expires_at > \?2/,
    index: "deliveries_status_idx",
    reason:
      "the stuck sweep's range (pending, untouched for two minutes) is the backlog it repairs; it touches what it finds, so the range moves on, and its LIMIT bounds each run",
  },
  {
    sql: /FROM \(SELECT [\w, ]+ FROM (deliveries|dispatches|webhook_events)\s+WHERE status = '\w+'[^()]* ORDER BY \w+( DESC)? LIMIT \?\d\)/,
    index: "deliveries_status_idx|webhook_events_status_idx|dispatches_due_idx",
    reason:
      "the operator health view counts each backlog by its status, oldest first, and stops at COUNT_CAP rows (test/admin-health.test.ts pins each plan)",
  },
];

/** The allow-list entries some statement needed: each must stay needed, or go. */
const used = new Set<(typeof ALLOWED)[number]>();

type Recorded = Map<string, unknown[]>;

/**
 * The real D1 binding, recording each distinct statement (with the parameters it first ran with).
 * The gateway never collects statistics (`PRAGMA optimize`, `ANALYZE`): taken while a table is small
 * they have the planner prefer scanning it, which grows with the table. The plans checked are those
 * the planner picks from the statements alone, which are the plans production runs.
 */
function recordingD1(seen: Recorded = new Map()) {
  const record = (db: D1Database) =>
    wrapD1(db, (sql, params) => {
      if (!seen.has(sql)) seen.set(sql, params);
      if (/^\s*(PRAGMA\s+optimize|ANALYZE)\b/i.test(sql)) throw new Error("statistics steer plans to scans");
    });
  // Every shard and the directory: each database has the same schema, so one plans them all.
  const bindings: Cloudflare.Env = { ...wrapShards(record), DIRECTORY: record(env.DIRECTORY) };
  return { bindings, seen };
}

const KEYWORDS = new Set(
  "where set on join left inner cross group order limit using indexed as values select union from natural not".split(
    " ",
  ),
);

/** Alias → table of every `FROM t a`, `JOIN t AS a`, `UPDATE t`, `INTO t` in a statement. */
function aliasesOf(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  const plain = sql.replace(/["`]/g, "");
  for (const m of plain.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    const table = (m[1] as string).toLowerCase();
    out.set(table, table);
    const alias = m[2]?.toLowerCase();
    if (alias && !KEYWORDS.has(alias)) out.set(alias, table);
  }
  return out;
}

/** What is wrong with one statement's plan: scans of growing tables and status walks not allowed. */
async function findingsOf(sql: string, params: unknown[]): Promise<string[]> {
  if (/^\s*PRAGMA\b/i.test(sql)) return [];
  const { results } = await env.DB_0.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  const plan = results.map((r) => r.detail);
  const aliases = aliasesOf(sql);
  const findings: string[] = [];
  for (const line of plan) {
    const scan = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(line);
    if (scan) {
      const table = aliases.get((scan[1] as string).toLowerCase()) ?? (scan[1] as string).toLowerCase();
      const index = scan[2];
      if (GROWING.has(table) && !(index && SMALL_PARTIAL_INDEXES.includes(index)))
        findings.push(`scans ${table}: ${line}`);
    }
    for (const index of STATUS_INDEXES) {
      if (!line.includes(index)) continue;
      const allowed = ALLOWED.find((a) => a.sql.test(sql) && new RegExp(a.index).test(index));
      if (allowed) used.add(allowed);
      else findings.push(`walks ${index}: ${line}`);
    }
  }
  // A page (LIMIT) sorted after the read reads every match first: a merchant's whole ledger for
  // its latest hundred rows. The read must come in the order asked for, from an index.
  plan.forEach((line, i) => {
    const read = /^(?:SEARCH|SCAN) (\w+)/.exec(plan[i - 1] ?? "");
    const table = read ? (aliases.get((read[1] as string).toLowerCase()) ?? "") : "";
    if (line.startsWith("USE TEMP B-TREE FOR ORDER BY") && /\bLIMIT\b/i.test(sql) && GROWING.has(table))
      findings.push(`sorts every matching row of ${table} to return a page`);
  });
  return findings.length === 0
    ? []
    : [`${sql.replace(/\s+/g, " ").trim()}\n    ${plan.join("\n    ")}\n  → ${findings.join("\n  → ")}`];
}

async function expectFlatPlans(statements: Iterable<[string, unknown[]]>) {
  const findings: string[] = [];
  for (const [sql, params] of statements) findings.push(...(await findingsOf(sql, params)));
  expect(findings, `\n${findings.join("\n\n")}`).toEqual([]);
}

/** One request through the Worker's fetch handler with these bindings, its `waitUntil` work included. */
async function fetchWith(
  bindings: Cloudflare.Env,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as { data: Record<string, unknown> } };
}

async function consume(bindings: Cloudflare.Env, queue: string, bodies: unknown[]) {
  const batch = messageBatch(queue, bodies, "plan");
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  await getQueueResult(batch, ctx);
  await waitOnExecutionContext(ctx);
}

async function cronAt(bindings: Cloudflare.Env, at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), bindings, ctx);
  await waitOnExecutionContext(ctx);
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe("query plans of every statement the gateway runs", () => {
  const recorded: Recorded = new Map();

  // One broad scenario through the real handlers, recording what each runs against D1.
  beforeAll(async () => {
    const recording = recordingD1(recorded).bindings;
    const held = recordingQueues({ hold: true });
    const bindings: Cloudflare.Env = { ...recording, ...held.queues };
    const production: Cloudflare.Env = productionBindings(held.queues, recording);
    const operator = (method: string, path: string, body?: unknown, on = bindings) =>
      fetchWith(on, method, `${ADMIN}${path}`, { authorization: `Bearer ${ADMIN_TOKEN}` }, body);

    // Admin: merchants, keys, wallets.
    const merchant = await operator("POST", "/merchants", {
      name: `Plans ${crypto.randomUUID()}`,
      unit_price: 0.02,
      time_zone: "UTC",
      rate_limits: { send: 1000, status: 1000 },
      wallets: { LISOLOO_SMS: 100, LISOLOO_POST_PAID: 10 },
    });
    const merchantId = merchant.body.data.merchant_id as string;
    const shard = merchant.body.data.shard as string;
    // The merchant's shard, as the recording bindings see it.
    const db = shardEnv(bindings, shard).DB;
    await operator("GET", `/merchants/${merchantId}`);
    await operator("PATCH", `/merchants/${merchantId}`, { name: "Plans renamed" });
    const issued = await operator("POST", `/merchants/${merchantId}/keys`);
    const keyId = issued.body.data.key_id as string;
    let apiKey = issued.body.data.api_key as string;
    await operator("GET", `/merchants/${merchantId}/keys`);
    await operator("GET", `/keys/${keyId}`);
    await operator("PUT", `/keys/${keyId}/webhook`, { webhook_url: env.WEBHOOK_RECEIVER_URL });
    await operator("DELETE", `/keys/${keyId}/webhook`);
    await operator("POST", `/keys/${keyId}/webhook/rotate-secret`);
    await operator("POST", `/keys/${keyId}/suspend`);
    await operator("POST", `/keys/${keyId}/activate`);
    const regenerated = await operator("POST", `/keys/${keyId}/regenerate`, { grace_seconds: 0 });
    apiKey = regenerated.body.data.api_key as string;
    await operator("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/topups`, {
      amount: 5,
      reference: `t-${merchantId}`,
    });
    await operator("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/adjustments`, { amount: -1 });
    await operator("GET", `/merchants/${merchantId}/wallets`);
    await ledgerSums(createDb(db), merchantId);

    // The merchant API: every kind of send, reads, control, an idempotent replay, a refused send.
    const merchantApi = (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => fetchWith(bindings, method, `${BASE}${path}`, { "app-key": apiKey, ...headers }, body);
    const idem = { "idempotency-key": `plans-${crypto.randomUUID()}` };
    const immediate = await merchantApi(
      "POST",
      "/send",
      {
        to: ["+243998857000", "+999000000005", "+999000000001", "+999000000007", "+999000000008"],
        message: "Plans",
      },
      idem,
    );
    const immediateId = immediate.body.data.message_id as string;
    await merchantApi("POST", "/send", { to: ["+243998857000"], message: "Plans" }, idem);
    await findSendByIdempotencyKey(createDb(db), "key", "missing");
    const scheduled = await merchantApi("POST", "/send", {
      to: ["+243998857010", "+243998857011"],
      message: "Later",
      sending_type: "scheduled",
      scheduled_dates: [
        { date: day(1), time: "10:00" },
        { date: day(2), time: "10:00" },
      ],
    });
    const scheduledId = scheduled.body.data.message_id as string;
    const recurring = await merchantApi("POST", "/send", {
      to: ["+243998857020"],
      message: "Every day",
      sending_type: "recurring",
      recurring_schedule: { end_date: day(5), frequency: "daily", times: ["09:00"] },
    });
    const recurringId = recurring.body.data.message_id as string;
    const poor = await newMerchant({ wallets: {} });
    await fetchWith(
      bindings,
      "POST",
      `${BASE}/send`,
      { "app-key": poor.apiKey },
      { to: ["+243998857030"], message: "Broke" },
    );
    await merchantApi("GET", `/status/${immediateId}`);
    await merchantApi("GET", `/status/${scheduledId}/recipients?limit=1`);
    const page = await merchantApi("GET", `/status/${immediateId}/recipients?limit=2`);
    await merchantApi(
      "GET",
      `/status/${immediateId}/recipients?limit=2&cursor=${page.body.data.next_cursor}`,
    );
    await merchantApi("GET", "/balance");
    await merchantApi("POST", `/pause/${recurringId}`);
    await merchantApi("POST", `/resume/${recurringId}`);
    await merchantApi("POST", `/pause/${scheduledId}`);
    await merchantApi("DELETE", `/cancel/${scheduledId}`);

    // The queue consumer: the immediate send's chunk (accepted, refused, duplicate and out-of-order
    // receipts), then its receipts, an unmatched receipt, and one kept as an orphan.
    const dispatches = held.sentTo.SEND_QUEUE.filter((m) => m.type === "dispatch");
    await consume(bindings, "lisoloo-send-sandbox", dispatches);
    for (let handed = 0; handed < held.sentTo.RECEIPT_QUEUE.length; ) {
      const fresh = held.sentTo.RECEIPT_QUEUE.slice(handed);
      handed = held.sentTo.RECEIPT_QUEUE.length;
      await consume(bindings, "lisoloo-receipts-sandbox", fresh);
    }
    const now = () => new Date().toISOString();
    await consume(bindings, "lisoloo-receipts-sandbox", [
      {
        type: "receipts",
        carrier: "sandbox",
        receipts: [{ carrierMessageId: "nobody", status: "delivered", at: now() }],
      },
      {
        type: "receipts",
        carrier: "sandbox",
        attempt: 12,
        source: "sandbox#0",
        receipts: [{ carrierMessageId: "nobody", status: "delivered", at: now() }],
      },
    ]);
    // Dead letters: a chunk of a send nobody consumed, and a body nobody can read.
    const dead = await merchantApi("POST", "/send", { to: ["+243998857040"], message: "Dead" });
    const deadId = dead.body.data.message_id as string;
    await consume(bindings, "lisoloo-send-dlq-sandbox", [
      { type: "dispatch", shard, sendId: deadId, seq: 0, from: 0, to: 1 },
      { nonsense: true },
    ]);

    // Every cron job with work: a due dispatch, a stale one, expiring and stuck deliveries, a lost
    // claim, a submit whose outcome is unknown, untaken outbox events, an Idempotency-Key to free.
    const expiring = await merchantApi("POST", "/send", {
      to: ["+243998857050"],
      message: "Expiring",
      validity_period: 60,
    });
    const stuck = await merchantApi("POST", "/send", {
      to: ["+243998857060", "+243998857061"],
      message: "Stuck",
    });
    const stuckId = stuck.body.data.message_id as string;
    await claimChunk(
      shardEnv(bindings, shard),
      { type: "dispatch", shard, sendId: stuckId, seq: 0, from: 1, to: 2 },
      `lost-${stuckId}`,
      Date.now(),
    );
    const unknown = await merchantApi("POST", "/send", { to: ["+243998857070"], message: "Unknown" });
    const unknownId = unknown.body.data.message_id as string;
    await claimChunk(
      shardEnv(env, shard),
      { type: "dispatch", shard, sendId: unknownId, seq: 0, from: 0, to: 1 },
      `gone-${unknownId}`,
      Date.now(),
    );
    await shardEnv(env, shard)
      .DB.prepare("UPDATE deliveries SET submitting_at = ?1 WHERE send_id = ?2")
      .bind(Date.now() - 3_600_000, unknownId)
      .run();
    await merchantApi("POST", "/send", {
      to: ["+243998857080"],
      message: "Stale",
      sending_type: "scheduled",
      scheduled_dates: [{ date: day(1), time: "08:00" }],
      validity_period: 60,
    });
    void expiring;
    await cronAt(bindings, Date.now() + 3 * 60_000);
    await cronAt(bindings, Date.parse(`${day(1)}T10:01:00Z`));
    await cronAt(bindings, Date.now() + 25 * 3_600_000);

    // The webhook dispatcher's reads and writes of the outbox, and the operator's views and replay.
    const events = await rows<{ id: string; key_id: string }>(
      "SELECT id, key_id FROM webhook_events WHERE send_id = ? ORDER BY created_at LIMIT 2",
      immediateId,
    );
    const ids = events.map((e) => e.id);
    await loadOutboxEvents(db, ids, Date.now());
    await markTakenStatement(db, ids, Date.now()).run();
    const attempt = {
      eventId: ids[0] as string,
      keyId: events[0]?.key_id as string,
      attempt: 1,
      destination: "https://hooks.example/plans",
      startedAt: Date.now(),
      durationMs: 5,
      responseStatus: 410,
      responseBody: "gone",
      error: null,
      verdict: "disabled" as const,
      status: "dead" as const,
      reason: "410 Gone",
      nextAttemptAt: null,
      disableKeyWebhook: true,
      nowMs: Date.now(),
    };
    await recordOutcomes(db, [attempt], [{ eventId: ids[1] as string, reason: "refused" }]);
    await operator("GET", `/messages/${immediateId}/webhooks`);
    await operator("POST", `/webhooks/${ids[0]}/replay`);

    // Production: carriers and routes, and the health view that reads them.
    const slug = `plans-${crypto.randomUUID().slice(0, 6)}`;
    await operator(
      "POST",
      "/carriers",
      {
        slug,
        kind: "smpp",
        enabled: false,
        smpp: { host: "127.0.0.1", port: 2775, system_id: "plans", password: "secret12" },
      },
      production,
    );
    await operator("GET", "/carriers", undefined, production);
    await operator("GET", `/carriers/${slug}`, undefined, production);
    await operator("PATCH", `/carriers/${slug}`, { enabled: false }, production);
    await operator("PUT", "/routes", { routes: { "+24381": slug }, default_route: null }, production);
    await operator("GET", "/routes", undefined, production);
    await operator("GET", "/health", undefined, production);
    await operator("PUT", "/routes", { routes: {}, default_route: null }, production);
    forgetCarriers();
  });

  it("records every part of the gateway", () => {
    const touching = (table: string) =>
      [...recorded.keys()].filter((sql) => new RegExp(`\\b${table}\\b`).test(sql));
    for (const table of GROWING)
      if (table !== "carrier_message_parts") expect(touching(table).length, table).toBeGreaterThan(0);
    expect(recorded.size).toBeGreaterThan(80);
    // Never statistics (see recordingD1).
    expect([...recorded.keys()].filter((sql) => /^\s*(PRAGMA\s+optimize|ANALYZE)\b/i.test(sql))).toEqual([]);
  });

  it("never scan a growing table nor walk a status index where a narrower index serves", async () => {
    await expectFlatPlans(recorded);
    expect(ALLOWED.filter((a) => !used.has(a)).map((a) => a.reason)).toEqual([]);
  });

  it("read carrier message parts through their indexes: SMPP binds, retries after a transient failure, receipts", async () => {
    const { bindings, seen } = recordingD1();
    const slug = `plans-${crypto.randomUUID().slice(0, 6)}`;
    // A refused bind: every hand-over ends transient, so the second one resumes the deliveries and
    // looks up the parts a carrier already took.
    await smppCarrier(slug, { password: "wrong123" });
    const { liveKey, merchantId } = await liveMerchant();
    const gateway = productionGateway(liveKey, bindings);
    await gateway.send({ to: numbersFor(2).phones, message: "Plans", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await gateway.dispatch();
    // A receipt by the carrier's id: by delivery, by the delivery's own carrier id, by a part's.
    await applyReceipts(await onMerchantShard(merchantId, bindings), slug, [
      { carrierMessageId: "a0000001", status: "delivered", at: new Date().toISOString() },
      { deliveryId: 1, status: "sent", at: new Date().toISOString() },
    ]);
    const parts = JSON.stringify([{ id: "a0000001", delivery: 1, index: 1, total: 2 }]);
    const statements: [string, unknown[]][] = [
      ...[...seen].filter(([sql]) => /\bcarrier_message_parts\b/.test(sql)),
      [STORE_PARTS_SQL, [slug, Date.now(), parts]],
      [HANDED_OVER_SQL, [parts, Date.now()]],
      [TAKEN_PARTS_SQL, ["[1, 2]"]],
      [FIRST_PARTS_SQL, ["[1, 2]"]],
    ];
    // The bind's own, the connector's, the pipeline's resumed hand-over, the receipt path's two.
    expect(statements.length).toBeGreaterThanOrEqual(7);
    await expectFlatPlans([...seen, ...statements]);
    await fetchWith(
      env,
      "PUT",
      `${ADMIN}/routes`,
      { authorization: `Bearer ${ADMIN_TOKEN}` },
      { routes: {}, default_route: null },
    );
    forgetCarriers();
  });

  it("the checker itself finds a scan and a status walk", async () => {
    expect(await findingsOf("SELECT id FROM deliveries WHERE phone = ?", ["+243"])).toHaveLength(1);
    expect(
      await findingsOf(
        "SELECT count(*) FROM dispatches WHERE send_id = ? AND status = 'scheduled' AND due_at <= ?",
        ["x", 1],
      ),
    ).toHaveLength(1);
    expect(
      await findingsOf("SELECT count(*) FROM dispatches WHERE send_id = ? AND +status = 'scheduled'", ["x"]),
    ).toEqual([]);
    expect(
      await findingsOf(
        "SELECT id FROM wallet_ledger WHERE merchant_id = ? AND wallet_type = ? ORDER BY created_at DESC LIMIT 5",
        ["m", "LISOLOO_SMS"],
      ),
    ).toHaveLength(1);
  });
});
