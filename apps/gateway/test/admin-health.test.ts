import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { carrierHealth } from "../src/admin/health/carriers";
import { deadLetterHealth } from "../src/admin/health/dead-letters";
import { keyHealth } from "../src/admin/health/keys";
import { pipelineHealth } from "../src/admin/health/pipeline";
import { QueryBatch } from "../src/admin/health/query-batch";
import type { HealthView } from "../src/admin/health/route";
import { webhookHealth } from "../src/admin/health/webhooks";
import worker from "../src/index";
import { everyShard } from "../src/shards/shard-env";
import { notifyWebhooks } from "../src/webhooks/outbox/notify";
import { ADMIN, ADMIN_TOKEN, admin, api, newMerchant, rows, SHARDS, shardDb } from "./helpers";
import {
  drivenLanes,
  insertEvent,
  insertSend,
  lanes,
  merchantWithWebhook,
  TestClock,
} from "./webhooks/fixtures";
import { receiverEndpoint } from "./webhooks/receiver";
import { onMerchantShard } from "./wrap-bindings";

const MINUTE = 60_000;

/** This deployment's bindings as a production deployment: routes and carriers come from D1 there. */
const production = {
  ...env,
  ENVIRONMENT: "production",
  ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false",
} as Cloudflare.Env;

/** The health view as the production deployment answers it. */
async function productionHealth(): Promise<HealthView> {
  const res = await worker.fetch(
    new Request(`${ADMIN}/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    production,
    createExecutionContext(),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: HealthView }).data;
}

/** No carriers and no routes (the directory's tables are shared by this file's tests). */
async function emptyCarrierTables(): Promise<void> {
  await env.DIRECTORY.batch([
    env.DIRECTORY.prepare("DELETE FROM carrier_routes"),
    env.DIRECTORY.prepare("DELETE FROM carriers"),
  ]);
}

/** A plan step that reads a whole table rather than a slice of one of its indexes. */
const WHOLE_TABLE =
  /^SCAN (?:deliveries|dispatches|sends|recipients|receipts|webhook_events|webhook_attempts|api_keys|merchants|dead_letters)\b(?! USING)/;

/** The plans of the dead-letter statements, which run on every shard and on the directory. */
const DEAD_LETTER_PLANS: Record<string, string[]> = {
  dead_letters: ["SEARCH dead_letters USING COVERING INDEX dead_letters_created_idx (created_at>?)"],
  dead_letter_deliveries: [
    "SEARCH dead_letters USING INDEX dead_letters_created_idx (created_at>?)",
    "SEARCH d USING INDEX deliveries_one_per_recipient_dispatch (send_id=? AND dispatch_seq=? AND recipient_idx>? AND recipient_idx<?)",
  ],
  latest_dead_letters: ["SCAN dead_letters USING INDEX dead_letters_created_idx"],
};

// D1 is shared by the tests of a file and the view counts everything, in every shard (and the dead
// letters the directory holds): each test starts from a system with nothing in flight.
beforeEach(async () => {
  for (const db of Object.values(SHARDS))
    await db.batch(
      [
        "DELETE FROM deliveries",
        "DELETE FROM dispatches",
        "DELETE FROM webhook_attempts",
        "DELETE FROM webhook_events",
        "DELETE FROM dead_letters",
        "UPDATE api_keys SET suspended_until = NULL, webhook_disabled_at = NULL",
      ].map((sql) => db.prepare(sql)),
    );
  await env.DIRECTORY.prepare("DELETE FROM dead_letters").run();
});

async function health(): Promise<HealthView> {
  const res = await admin<{ status_code: number; success: boolean; data: HealthView }>("GET", "/health");
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status_code: 200, success: true });
  return res.body.data;
}

/**
 * A send of a fresh merchant with one dispatch, as the send path and the cron leave them; with the
 * merchant's shard (its database and its binding name) where the send lives.
 */
async function sendWithDispatch(dispatch: { status: string; dueAt: number; releasedAt?: number | null }) {
  const { merchantId, keyId } = await newMerchant();
  const sendId = await insertSend(merchantId, keyId, null);
  const { DB: db, SHARD: shard } = await onMerchantShard(merchantId);
  await db
    .prepare("INSERT INTO dispatches (send_id, seq, due_at, status, released_at) VALUES (?, 0, ?, ?, ?)")
    .bind(sendId, dispatch.dueAt, dispatch.status, dispatch.releasedAt ?? null)
    .run();
  return { sendId, db, shard };
}

type DeliveryInput = {
  status: string;
  updatedAt: number;
  expiresAt?: number;
  carrierMessageId?: string | null;
};

async function insertDeliveries(
  send: { sendId: string; db: D1Database },
  deliveries: DeliveryInput[],
): Promise<void> {
  for (const [idx, d] of deliveries.entries()) {
    await send.db
      .prepare(
        `INSERT INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, carrier, carrier_message_id, expires_at, updated_at)
       VALUES (?, 0, ?, ?, ?, 'sandbox', ?, ?, ?)`,
      )
      .bind(
        send.sendId,
        idx,
        `+24399885700${idx}`,
        d.status,
        d.carrierMessageId ?? null,
        d.expiresAt ?? Date.now() + 48 * 3_600_000,
        d.updatedAt,
      )
      .run();
  }
}

/** The pipeline of a system with nothing in flight. */
const QUIET_PIPELINE = {
  pending: { count: 0, older_than_1m: 0, older_than_5m: 0, older_than_1h: 0, oldest_age_seconds: null },
  processing: { count: 0, oldest_age_seconds: null },
  dispatches_due: { count: 0, oldest_age_seconds: null },
  processing_without_carrier_id: { count: 0 },
  past_expiry: { count: 0 },
};

describe("GET /admin/v1/health", () => {
  it("a quiet sandbox is ok, and says what it looked at", async () => {
    const view = await health();
    expect(view).toMatchObject({
      status: "ok",
      problems: [],
      count_cap: 10_000,
      pipeline: QUIET_PIPELINE,
      dead_letters: {
        last_hour: { messages: 0, deliveries_failed: 0 },
        last_day: { messages: 0 },
        latest: [],
      },
      webhooks: {
        pending: { count: 0, stalled: 0 },
        top_destinations: [],
        dead_last_24h: { count: 0, top_destinations: [] },
        disabled_key_webhooks: [],
      },
      keys: { suspended: [] },
      carriers: {
        routing_source: "sandbox",
        default_route: "sandbox",
        carriers: [
          {
            slug: "sandbox",
            kind: "sandbox",
            enabled: true,
            has_connector: true,
            prefixes: [],
            default_route: true,
            binds: null,
          },
        ],
      },
      // Every shard's own pipeline, in shard order.
      shards: [
        { shard: "DB_0", pipeline: QUIET_PIPELINE },
        { shard: "DB_1", pipeline: QUIET_PIPELINE },
      ],
    });
    expect(view.shards).toHaveLength(2);
    expect(Date.parse(view.checked_at)).toBeGreaterThan(Date.now() - MINUTE);
  });

  it("needs the admin token", async () => {
    const res = await worker.fetch(new Request(`${ADMIN}/health`), env, createExecutionContext());
    expect(res.status).toBe(401);
  });

  // The shard the set-up wrote to, for the checks that say which shard a backlog is in.
  let setUpShard = "";
  const badStates: [string, () => Promise<void>, (view: HealthView) => void, RegExp][] = [
    [
      "deliveries pending long after their dispatch's release (though the stuck sweep touched them)",
      async () => {
        const now = Date.now();
        const send = await sendWithDispatch({
          status: "released",
          dueAt: now - 10 * MINUTE,
          releasedAt: now - 10 * MINUTE,
        });
        setUpShard = send.shard;
        await insertDeliveries(send, [
          { status: "pending", updatedAt: now - 30_000 },
          { status: "pending", updatedAt: now - 30_000 },
        ]);
      },
      (view) => {
        expect(view.pipeline.pending).toMatchObject({
          count: 2,
          older_than_1m: 2,
          older_than_5m: 2,
          older_than_1h: 0,
        });
        expect(view.pipeline.pending.oldest_age_seconds).toBeGreaterThanOrEqual(600);
        // The backlog is traced to the shard holding it; the other shard has none.
        for (const { shard, pipeline } of view.shards)
          expect(pipeline.pending.count, shard).toBe(shard === setUpShard ? 2 : 0);
      },
      /^Deliveries pending more than 5 min after their release \(oldest \d+ s\)/,
    ],
    [
      "a delivery claimed 3 minutes ago that no connector acknowledged",
      async () => {
        const now = Date.now();
        const send = await sendWithDispatch({
          status: "released",
          dueAt: now - 4 * MINUTE,
          releasedAt: now - 4 * MINUTE,
        });
        await insertDeliveries(send, [
          { status: "processing", updatedAt: now - 3 * MINUTE },
          { status: "processing", updatedAt: now - 3 * MINUTE, carrierMessageId: "sbx-acknowledged" },
        ]);
      },
      (view) => {
        expect(view.pipeline.processing).toMatchObject({ count: 2, older_than_1m: 2, older_than_5m: 0 });
        expect(view.pipeline.processing_without_carrier_id.count).toBe(1);
        expect(view.pipeline.processing_without_carrier_id.oldest_age_seconds).toBeGreaterThanOrEqual(180);
      },
      /^1 deliveries claimed more than 2 min ago without a carrier message id/,
    ],
    [
      "a delivery still open 10 minutes past its validity",
      async () => {
        const now = Date.now();
        const send = await sendWithDispatch({
          status: "released",
          dueAt: now - 3_600_000,
          releasedAt: now - 3_600_000,
        });
        await insertDeliveries(send, [
          {
            status: "sent",
            updatedAt: now - 50 * MINUTE,
            carrierMessageId: "sbx-1",
            expiresAt: now - 10 * MINUTE,
          },
          {
            status: "delivered",
            updatedAt: now - 50 * MINUTE,
            carrierMessageId: "sbx-2",
            expiresAt: now - 10 * MINUTE,
          },
        ]);
      },
      (view) => {
        expect(view.pipeline.past_expiry.count).toBe(1);
        expect(view.pipeline.past_expiry.oldest_age_seconds).toBeGreaterThanOrEqual(600);
      },
      /^1 deliveries still open more than 2 min past their validity/,
    ],
    [
      "a dispatch due 5 minutes ago and not released (a paused send's is not counted)",
      async () => {
        const now = Date.now();
        await sendWithDispatch({ status: "scheduled", dueAt: now - 5 * MINUTE });
        const paused = await sendWithDispatch({ status: "scheduled", dueAt: now - 5 * MINUTE });
        await paused.db.prepare("UPDATE sends SET state = 'paused' WHERE id = ?").bind(paused.sendId).run();
      },
      (view) => {
        expect(view.pipeline.dispatches_due.count).toBe(1);
        expect(view.pipeline.dispatches_due.oldest_age_seconds).toBeGreaterThanOrEqual(300);
      },
      /^Dispatches due \d+ s ago are not released/,
    ],
    [
      "a webhook event nobody took for 10 minutes",
      async () => {
        const { merchantId, keyId } = await newMerchant();
        setUpShard = (await onMerchantShard(merchantId)).SHARD;
        await insertEvent({ keyId, createdAt: Date.now() - 10 * MINUTE });
      },
      (view) => {
        expect(view.webhooks.pending).toMatchObject({ count: 1, stalled: 1 });
        expect(view.webhooks.pending.oldest_age_seconds).toBeGreaterThanOrEqual(600);
        expect(view.webhooks.top_destinations).toEqual([
          expect.objectContaining({ destination: null, shard: setUpShard, pending: 1, dispatcher: null }),
        ]);
      },
      /^1 webhook events stalled/,
    ],
  ];

  it.each(badStates)("reports %s, and is degraded", async (_name, setUp, check, problem) => {
    await setUp();
    const view = await health();
    check(view);
    expect(view.status).toBe("degraded");
    expect(view.problems).toEqual([expect.stringMatching(problem)]);
  });

  it("reports dead letters: the messages, their sends, the deliveries failed 1501", async () => {
    const now = Date.now();
    const send = await sendWithDispatch({ status: "released", dueAt: now, releasedAt: now });
    const { sendId } = send;
    await insertDeliveries(send, [
      { status: "pending", updatedAt: now },
      { status: "pending", updatedAt: now },
    ]);
    // The chunk names its shard (recorded there); the unreadable one names none (recorded in the directory).
    const batch = createMessageBatch<unknown>("lisoloo-send-dlq-sandbox", [
      {
        id: `dead-${sendId}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "dispatch", shard: send.shard, sendId, seq: 0, from: 0, to: 2 },
      },
      { id: `dead-garbage-${sendId}`, timestamp: new Date(), attempts: 1, body: "not a queue message" },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    await waitOnExecutionContext(ctx);
    expect(await rows("SELECT status, error_code FROM deliveries WHERE send_id = ?", sendId)).toEqual([
      { status: "failed", error_code: "1501" },
      { status: "failed", error_code: "1501" },
    ]);
    expect(await send.db.prepare("SELECT id FROM dead_letters").all()).toMatchObject({
      results: [{ id: `dead-${sendId}` }],
    });
    expect(await env.DIRECTORY.prepare("SELECT id FROM dead_letters").all()).toMatchObject({
      results: [{ id: `dead-garbage-${sendId}` }],
    });

    const view = await health();
    expect(view.dead_letters).toMatchObject({
      last_hour: { messages: 2, deliveries_failed: 2 },
      last_day: { messages: 2, deliveries_failed: 2 },
    });
    expect(view.dead_letters.latest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          queue_message_id: `dead-${sendId}`,
          kind: "dispatch",
          message_id: sendId,
          dispatch_seq: 0,
          recipients: [0, 2],
        }),
        expect.objectContaining({
          queue_message_id: `dead-garbage-${sendId}`,
          kind: "unreadable",
          message_id: null,
        }),
      ]),
    );
    expect(view.status).toBe("degraded");
    expect(view.problems).toEqual([
      "2 dead letters in the last hour (2 deliveries failed 1501 and refunded)",
    ]);

    // Handled again (a retried batch), each message is still counted once.
    const again = createExecutionContext();
    await worker.queue(batch, env, again);
    await waitOnExecutionContext(again);
    expect((await health()).dead_letters.last_hour.messages).toBe(2);
  });

  it("shows the webhook backlog by destination with what its dispatcher holds, dead events and disabled webhooks; none of it degrades", async () => {
    const busy = receiverEndpoint();
    const merchant = await merchantWithWebhook(busy.url);
    // Its dispatchers' clock is days ahead, so what they are handed waits for a test to run their alarms.
    const dispatchers = await drivenLanes(merchant.shard, busy.url, new TestClock());
    const pending = [];
    // Three recipients' deliveries: with several lanes, three dispatchers, whose queues the view adds up.
    for (let i = 0; i < 3; i++)
      pending.push(
        (await insertEvent({ keyId: merchant.keyId, sequence: 1, deliveryId: 7_001 + i })).eventId,
      );
    await notifyWebhooks(merchant.shard, pending);
    expect(await dispatchers.queued()).toHaveLength(3);
    const laneQueues = await Promise.all(dispatchers.stubs.map((stub) => stub.queued()));
    expect(laneQueues.filter((queue) => queue.length > 0)).toHaveLength(Math.min(3, lanes));

    const dying = receiverEndpoint();
    const other = await merchantWithWebhook(dying.url);
    for (let i = 0; i < 2; i++) {
      const { eventId } = await insertEvent({ keyId: other.keyId, sequence: i });
      await other.shard.DB.prepare(
        "UPDATE webhook_events SET status = 'dead', destination = ?, attempts = 5 WHERE id = ?",
      )
        .bind(dying.url, eventId)
        .run();
    }
    const disabledAt = Date.now() - MINUTE;
    await other.shard.DB.prepare("UPDATE api_keys SET webhook_disabled_at = ? WHERE id = ?")
      .bind(disabledAt, other.keyId)
      .run();

    const view = await health();
    expect(view.webhooks.pending).toMatchObject({ count: 3, stalled: 0 });
    expect(view.webhooks.top_destinations).toEqual([
      {
        destination: busy.url,
        shard: merchant.shard.SHARD,
        pending: 3,
        oldest_pending_age_seconds: expect.any(Number),
        dispatcher: { queued: 3, in_flight: 0, due: 3, next_attempt_at: expect.any(String) },
      },
    ]);
    expect(view.webhooks.dead_last_24h).toEqual({
      count: 2,
      top_destinations: [{ destination: dying.url, dead: 2 }],
    });
    expect(view.webhooks.disabled_key_webhooks).toEqual([
      {
        key_id: other.keyId,
        merchant_id: other.merchantId,
        webhook_url: dying.url,
        disabled_at: new Date(disabledAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
    ]);
    expect(view).toMatchObject({ status: "ok", problems: [] });
  });

  it("lists the carriers of D1 in production with the routes to each; a route to a disabled carrier is degraded", async () => {
    await emptyCarrierTables();
    const smpp = {
      host: "127.0.0.1", // nothing listens on port 1: a bind, were one tried, never leaves the machine
      port: 1,
      system_id: "lisoloo",
      password: "secret12",
    };
    const relay = {
      sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
      username: "lisoloo",
      password: "relay-secret",
    };
    for (const body of [
      { slug: "vodacom-cd", kind: "smpp", smpp },
      { slug: "airtel-cd", kind: "http_relay", http_relay: relay },
      { slug: "africell-cd", kind: "http_relay", http_relay: relay },
      { slug: "orange-cd", kind: "http_relay", enabled: false, http_relay: relay },
    ])
      expect((await admin("POST", "/carriers", body)).status).toBe(201);
    const routes = await admin("PUT", "/routes", {
      routes: {
        "+24381": "vodacom-cd",
        "+24382": "vodacom-cd",
        "+24380": "orange-cd",
        "+24390": "africell-cd",
      },
      default_route: "orange-cd",
    });
    expect(routes.status).toBe(200);

    const view = await productionHealth();
    // An SMPP bind nothing has sent through yet says so; it is not a problem.
    const unbound = {
      state: "connecting",
      error: "Not bound: it binds with the carrier's next send, and stays bound",
      window_in_use: 0,
      submits_last_minute: 0,
      receipts_last_minute: 0,
      resubmissions: 0,
      orphans: 0,
      last_error_at: null,
    };
    expect(view.carriers).toEqual({
      routing_source: "d1",
      default_route: "orange-cd",
      carriers: [
        {
          slug: "africell-cd",
          kind: "http_relay",
          enabled: true,
          has_connector: true,
          prefixes: ["+24390"],
          default_route: false,
          binds: null,
        },
        {
          slug: "airtel-cd",
          kind: "http_relay",
          enabled: true,
          has_connector: true,
          prefixes: [],
          default_route: false,
          binds: null,
        },
        {
          slug: "orange-cd",
          kind: "http_relay",
          enabled: false,
          has_connector: true,
          prefixes: ["+24380"],
          default_route: true,
          binds: null,
        },
        {
          slug: "vodacom-cd",
          kind: "smpp",
          enabled: true,
          has_connector: true,
          prefixes: ["+24381", "+24382"],
          default_route: false,
          binds: [unbound],
        },
      ],
    });
    expect(view.status).toBe("degraded");
    expect(view.problems).toEqual([
      'Carrier "orange-cd" is disabled (routes +24380 and the default route): its sends fail 1501',
    ]);
  });

  it("a production deployment with no routes at all says every send fails", async () => {
    await emptyCarrierTables();
    const view = await productionHealth();
    expect(view.carriers).toEqual({ routing_source: "d1", default_route: null, carriers: [] });
    expect(view.status).toBe("degraded");
    expect(view.problems).toEqual([
      "No routes and no default route: every send fails 1501 (set them with PUT /admin/v1/routes)",
    ]);
  });

  it("reads only bounded slices of indexes: every statement's query plan", async () => {
    const now = Date.now();
    // Each shard's batch, as the view builds it: its pipeline, dead letters, outbox and keys.
    const shardExpected: Record<string, string[]> = {
      pending: [
        "SEARCH deliveries USING INDEX deliveries_status_idx (status=?)",
        "SEARCH p USING INDEX sqlite_autoindex_dispatches_1 (send_id=? AND seq=?)",
      ],
      processing: ["SEARCH deliveries USING COVERING INDEX deliveries_status_idx (status=?)"],
      dispatches_due: [
        "SEARCH dispatches USING INDEX dispatches_due_idx (status=? AND due_at<?)",
        "SEARCH s USING INDEX sqlite_autoindex_sends_1 (id=?)",
      ],
      processing_without_carrier_id: ["SCAN deliveries USING INDEX deliveries_unsubmitted_idx"],
      past_expiry: ["SEARCH deliveries USING INDEX deliveries_open_expiry_idx (expires_at<?)"],
      ...DEAD_LETTER_PLANS,
      webhooks_pending: ["SEARCH webhook_events USING INDEX webhook_events_status_idx (status=?)"],
      webhooks_busiest: ["SEARCH webhook_events USING INDEX webhook_events_status_idx (status=?)"],
      webhooks_dead: [
        "SEARCH webhook_events USING INDEX webhook_events_status_idx (status=? AND created_at>?)",
      ],
      disabled_key_webhooks: [
        "SEARCH api_keys USING INDEX api_keys_webhook_disabled_idx (webhook_disabled_at>?)",
      ],
      suspended_keys: ["SEARCH api_keys USING INDEX api_keys_suspended_until_idx (suspended_until>?)"],
    };
    // The directory's batch: carriers and routes, and the dead letters that named no shard.
    const directoryExpected: Record<string, string[]> = {
      // A handful of rows each, walked in key order and cut at a LIMIT like the rest.
      carriers: ["SCAN carriers USING INDEX sqlite_autoindex_carriers_1"],
      carrier_routes: ["SCAN carrier_routes USING INDEX sqlite_autoindex_carrier_routes_1"],
      ...DEAD_LETTER_PLANS,
    };
    const directory = new QueryBatch(env.DIRECTORY);
    carrierHealth(directory, production);
    deadLetterHealth(directory, now);
    const batches: [string, D1Database, QueryBatch, Record<string, string[]>][] = [
      ["DIRECTORY", env.DIRECTORY, directory, directoryExpected],
    ];
    for (const shard of everyShard(production)) {
      const batch = new QueryBatch(shard.DB);
      pipelineHealth(batch, now);
      deadLetterHealth(batch, now);
      webhookHealth(batch, now, shard.SHARD);
      keyHealth(batch, now);
      batches.push([shard.SHARD, shard.DB, batch, shardExpected]);
    }
    expect(batches.map(([name]) => name)).toEqual(["DIRECTORY", "DB_0", "DB_1"]);
    for (const [database, db, batch, expected] of batches) {
      expect(batch.queries.map((q) => q.name).sort(), database).toEqual(Object.keys(expected).sort());
      for (const query of batch.queries) {
        const plan = (
          await db
            .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
            .bind(...query.binds)
            .all<{ detail: string }>()
        ).results.map((r) => r.detail);
        const where = `${database} ${query.name}`;
        for (const step of expected[query.name] ?? []) expect(plan, where).toContain(step);
        // A table is only ever reached through an index; every walk of one is cut short by a LIMIT.
        for (const step of plan) expect(step, `${where}: ${step}`).not.toMatch(WHOLE_TABLE);
        expect(query.sql, where).toMatch(/LIMIT/);
      }
    }
    // The sandbox routes everything to its stub: its view reads nothing.
    const sandboxBatch = new QueryBatch(env.DIRECTORY);
    expect((await carrierHealth(sandboxBatch, env)()).carriers).toHaveLength(1);
    expect(sandboxBatch.queries).toEqual([]);
  });
});

describe("keys under a 1302 suspension", () => {
  it("read SUSPENDED in the admin view and in the health view until activated; the stored status stays ACTIVE", async () => {
    const { merchantId, keyId, apiKey } = await newMerchant({ rate_limits: { balance: 1 } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await api(apiKey, "GET", "/balance")).body?.error_code ?? "ok");
    expect(answers).toEqual(["ok", "1301", "1301", "1302"]);

    const shown = await admin("GET", `/keys/${keyId}`);
    expect(shown.body.data).toMatchObject({
      key_id: keyId,
      status: "SUSPENDED",
      suspension: { reason: "rate_limit_abuse" },
    });
    const until = Date.parse(shown.body.data.suspension.suspended_until);
    expect(until).toBeGreaterThan(Date.now() + 14 * MINUTE);
    expect(until).toBeLessThanOrEqual(Date.now() + 15 * MINUTE);
    expect((await admin("GET", `/merchants/${merchantId}/keys`)).body.data[0]).toMatchObject({
      status: "SUSPENDED",
    });
    expect(await rows("SELECT status FROM api_keys WHERE id = ?", keyId)).toEqual([{ status: "ACTIVE" }]);

    const view = await health();
    expect(view.keys.suspended).toEqual([
      {
        key_id: keyId,
        merchant_id: merchantId,
        reason: "rate_limit_abuse",
        suspended_until: expect.any(String),
      },
    ]);
    // A merchant's own hammering is not the gateway's trouble.
    expect(view.status).toBe("ok");

    // An operator lifts it early: the key answers again and reads ACTIVE.
    const activated = await admin("POST", `/keys/${keyId}/activate`);
    expect(activated.body.data).toMatchObject({ status: "ACTIVE", suspension: null });
    expect((await api(apiKey, "GET", "/balance")).status).toBe(200);
    expect((await health()).keys.suspended).toEqual([]);
  });

  it("ends by itself: once suspended_until has passed the view reads ACTIVE again", async () => {
    const { merchantId, keyId } = await newMerchant();
    await (await shardDb(merchantId))
      .prepare("UPDATE api_keys SET suspended_until = ? WHERE id = ?")
      .bind(Date.now() - 1000, keyId)
      .run();
    expect((await admin("GET", `/keys/${keyId}`)).body.data).toMatchObject({
      status: "ACTIVE",
      suspension: null,
    });
  });

  it("an operator's suspension says so, and has no end", async () => {
    const { keyId } = await newMerchant();
    const suspended = await admin("POST", `/keys/${keyId}/suspend`);
    expect(suspended.body.data).toMatchObject({
      status: "SUSPENDED",
      suspension: { reason: "operator", suspended_until: null },
    });
  });
});
