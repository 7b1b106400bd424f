import { env } from "cloudflare:workers";
import { statusResponseSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { ARCHIVE_GROUP_SENDS, ARCHIVE_PUT_CONCURRENCY, archiveSends } from "../src/archive/archive-sends";
import { archiveKey } from "../src/archive/format";
import { ARCHIVE_PER_INVOCATION } from "../src/archive/share";
import { purgeWebhookAttempts } from "../src/cron/purge-webhook-attempts";
import { releaseDueDispatches } from "../src/cron/release-dispatches";
import { createDb } from "../src/db/client";
import { findSend } from "../src/db/queries/sends";
import type { ShardEnv } from "../src/env";
import { recipientsPageView } from "../src/sends/recipients-page";
import { liveSendRows } from "../src/sends/send-rows";
import { statusView } from "../src/sends/status-view";
import { shardEnv } from "../src/shards/shard-env";
import { api, BASE, call, newMerchant, rows, rowsIn, SHARDS, shardDb, waitFor, withWebhook } from "./helpers";
import { expectLedgerBalanced, onMerchantShard, runCron, wrapD1, wrapShards } from "./wrap-bindings";

const DAY = 86_400_000;

// Test files share the shards' D1 databases and run side by side, and their crons run up to a few
// days ahead of now. So the sends here are aged instead: every timestamp of their rows moved AGE_DAYS
// back, which no other file's cron can archive, and the archive job runs at ARCHIVE_RUN_DAYS ahead,
// 91 days after the aged sends' activity. Running it at now + 91 days would archive every other
// file's finished sends under their feet (and a whole cron that far ahead would release their
// scheduled dispatches).
const AGE_DAYS = 85;
const ARCHIVE_RUN_DAYS = 91 - AGE_DAYS;
const archiveRunAt = () => Date.now() + ARCHIVE_RUN_DAYS * DAY;

/** Every table a send's rows live in, besides the ledger, and how each finds the send's rows. */
const SEND_TABLES: Record<string, string> = {
  sends: "id = ?1",
  recipients: "send_id = ?1",
  dispatches: "send_id = ?1",
  deliveries: "send_id = ?1",
  receipts: "delivery_id IN (SELECT id FROM deliveries WHERE send_id = ?1)",
  carrier_message_parts: "delivery_id IN (SELECT id FROM deliveries WHERE send_id = ?1)",
  webhook_events: "send_id = ?1",
  webhook_attempts: "event_id IN (SELECT id FROM webhook_events WHERE send_id = ?1)",
};

/** The send's rows per table, in `db`: its merchant's shard (where they are until archived). */
async function rowCounts(db: D1Database, sendId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, where] of Object.entries(SEND_TABLES)) {
    const [row] = await rowsIn<{ n: number }>(
      db,
      `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
      sendId,
    );
    counts[table] = row?.n ?? 0;
  }
  return counts;
}

/**
 * Moves every timestamp of a send's rows back, as if it had all happened `days` ago: its last
 * dispatch (which may still be ahead) included. With `keepExpiry`, deliveries keep their end of
 * validity, so no expiry run closes one left open.
 */
async function age(db: D1Database, sendId: string, days: number, options: { keepExpiry?: boolean } = {}) {
  const [send] = await rowsIn<{ last_dispatch_at: number }>(
    db,
    "SELECT last_dispatch_at FROM sends WHERE id = ?",
    sendId,
  );
  const by = days * DAY + Math.max(0, (send?.last_dispatch_at ?? 0) - Date.now());
  const deliveryIds = "(SELECT id FROM deliveries WHERE send_id = ?1)";
  const statements = [
    `UPDATE sends SET created_at = created_at - ?2, state_changed_at = state_changed_at - ?2,
       first_dispatch_at = first_dispatch_at - ?2, last_dispatch_at = last_dispatch_at - ?2 WHERE id = ?1`,
    "UPDATE dispatches SET due_at = due_at - ?2, released_at = released_at - ?2 WHERE send_id = ?1",
    `UPDATE deliveries SET updated_at = updated_at - ?2, processing_at = processing_at - ?2,
       sent_at = sent_at - ?2, delivered_at = delivered_at - ?2, failed_at = failed_at - ?2,
       submitting_at = submitting_at - ?2, expires_at = expires_at - ?3 WHERE send_id = ?1`,
    `UPDATE receipts SET received_at = received_at - ?2 WHERE delivery_id IN ${deliveryIds}`,
    `UPDATE carrier_message_parts SET created_at = created_at - ?2 WHERE delivery_id IN ${deliveryIds}`,
    `UPDATE webhook_events SET occurred_at = occurred_at - ?2, created_at = created_at - ?2,
       taken_at = taken_at - ?2, next_attempt_at = next_attempt_at - ?2, delivered_at = delivered_at - ?2
     WHERE send_id = ?1`,
    `UPDATE webhook_attempts SET started_at = started_at - ?2
     WHERE event_id IN (SELECT id FROM webhook_events WHERE send_id = ?1)`,
  ];
  await db.batch(
    statements.map((sql) =>
      sql.includes("?3")
        ? db.prepare(sql).bind(sendId, by, options.keepExpiry ? 0 : by)
        : db.prepare(sql).bind(sendId, by),
    ),
  );
}

/** A response as the client receives it: the status and the body's exact text. */
async function raw(apiKey: string, method: string, path: string) {
  const res = await call(`${BASE}${path}`, { method, headers: { "app-key": apiKey } });
  return { status: res.status, text: await res.text() };
}

/**
 * The answer with the fields that differ from one request to the next left out: an error
 * envelope's `timestamp` and `request_id`. A success body has none, so it is kept byte for byte.
 */
function comparable(answer: { status: number; text: string }) {
  if (answer.status < 400) return answer;
  const { timestamp: _t, request_id: _r, ...rest } = JSON.parse(answer.text) as Record<string, unknown>;
  return { status: answer.status, body: rest };
}

/** Every read and control request a merchant could make about a send, with its answer. */
async function answers(apiKey: string, sendId: string, recipientQueries: string[]) {
  const out: Record<string, unknown> = {};
  const ask = async (method: string, path: string) => {
    out[`${method} ${path}`] = comparable(await raw(apiKey, method, path));
  };
  await ask("GET", `/status/${sendId}`);
  for (const query of recipientQueries) await ask("GET", `/status/${sendId}/recipients${query}`);
  // Every page, through each page's own cursor, at a few page sizes.
  for (const limit of [1, 2, 3, 1000]) {
    let cursor: string | null = null;
    do {
      const path: string = `/status/${sendId}/recipients?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const answer = await raw(apiKey, "GET", path);
      out[`GET ${path}`] = comparable(answer);
      expect(answer.status).toBe(200);
      cursor = (JSON.parse(answer.text) as { data: { next_cursor: string | null } }).data.next_cursor;
    } while (cursor);
  }
  await ask("DELETE", `/cancel/${sendId}`);
  await ask("POST", `/pause/${sendId}`);
  await ask("POST", `/resume/${sendId}`);
  return out;
}

async function settled(apiKey: string, sendId: string) {
  await waitFor(
    async () => statusResponseSchema.parse((await api(apiKey, "GET", `/status/${sendId}`)).body).data,
    (d) => d.pending === 0,
  );
  // A send's events (written when its key has a webhook) are delivered once the send has settled.
  await waitFor(
    () =>
      rows<{ n: number }>(
        "SELECT count(*) AS n FROM webhook_events WHERE send_id = ? AND status = 'pending'",
        sendId,
      ),
    ([r]) => r?.n === 0,
  );
}

async function readObject(merchantId: string, sendId: string) {
  const object = await env.ARCHIVE.get(archiveKey(merchantId, sendId));
  if (!object) return null;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return JSON.parse(text) as Record<string, unknown> & { send: Record<string, unknown> };
}

/** Waits for every delivery of one released dispatch to be final (the send still has dispatches to come). */
async function dispatchSettled(sendId: string, seq: number, recipients: number) {
  await waitFor(
    () =>
      rows<{ n: number }>(
        `SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND dispatch_seq = ?
           AND status IN ('delivered', 'undelivered', 'rejected', 'expired', 'failed')`,
        sendId,
        seq,
      ),
    ([r]) => r?.n === recipients,
  );
}

/**
 * Releases one dispatch of a send as the cron's release job would at its due time, on the send's
 * shard, without running the whole cron (whose other jobs, that far ahead, would expire or re-queue
 * other test files' deliveries). Dispatches due before it go first, a bounded number per run.
 */
async function release(onShard: ShardEnv, sendId: string, seq: number) {
  const dispatch = () =>
    rowsIn<{ status: string; due_at: number }>(
      onShard.DB,
      "SELECT status, due_at FROM dispatches WHERE send_id = ? AND seq = ?",
      sendId,
      seq,
    ).then(([row]) => row);
  const due = await dispatch();
  expect(due?.status).toBe("scheduled");
  for (let run = 0; run < 20 && (await dispatch())?.status === "scheduled"; run++) {
    if ((await releaseDueDispatches(onShard, due?.due_at as number)) === 0) break;
  }
  expect((await dispatch())?.status).toBe("released");
}

/** A fresh send id, as the gateway makes them (24 hex digits). */
const newSendId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 24);

/**
 * `copies` copies of a send and every row of it, under fresh ids, in a few statements: hundreds of
 * finished sends without as many trips through the pipeline. Keys that must stay unique get the
 * copy's id appended; the rows hanging off a delivery or an event follow their copy.
 */
async function cloneSend(db: D1Database, template: string, copies: number): Promise<string[]> {
  const ids = Array.from({ length: copies }, newSendId);
  const columns = async (table: string) =>
    (await rowsIn<{ name: string }>(db, "SELECT name FROM pragma_table_info(?)", table)).map((c) => c.name);
  const copy = async (table: string, alias: string, from: string, replace: Record<string, string>) => {
    const names = (await columns(table)).filter((c) => replace[c] !== "");
    const values = names.map((c) => replace[c] ?? `${alias}.${c}`);
    return db
      .prepare(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${values.join(", ")} FROM ${from}`)
      .bind(template, JSON.stringify(ids));
  };
  // The copy's delivery of the template's delivery `o`.
  const delivery = `(SELECT n.id FROM deliveries n WHERE n.send_id = j.value
    AND n.dispatch_seq = o.dispatch_seq AND n.recipient_idx = o.recipient_idx)`;
  await db.batch([
    await copy("sends", "s", "sends s, json_each(?2) j WHERE s.id = ?1", {
      id: "j.value",
      idempotency_key: "NULL",
    }),
    await copy("recipients", "r", "recipients r, json_each(?2) j WHERE r.send_id = ?1", {
      send_id: "j.value",
    }),
    await copy("dispatches", "p", "dispatches p, json_each(?2) j WHERE p.send_id = ?1", {
      send_id: "j.value",
    }),
    await copy("deliveries", "d", "deliveries d, json_each(?2) j WHERE d.send_id = ?1", {
      id: "",
      send_id: "j.value",
    }),
    await copy(
      "receipts",
      "r",
      "receipts r JOIN deliveries o ON o.id = r.delivery_id, json_each(?2) j WHERE o.send_id = ?1",
      {
        id: "",
        delivery_id: delivery,
      },
    ),
    await copy(
      "carrier_message_parts",
      "p",
      "carrier_message_parts p JOIN deliveries o ON o.id = p.delivery_id, json_each(?2) j WHERE o.send_id = ?1",
      { carrier_message_id: "p.carrier_message_id || '-' || j.value", delivery_id: delivery },
    ),
    await copy(
      "webhook_events",
      "e",
      "webhook_events e LEFT JOIN deliveries o ON o.id = e.delivery_id, json_each(?2) j WHERE e.send_id = ?1",
      {
        id: "e.id || '-' || j.value",
        send_id: "j.value",
        delivery_id: `CASE WHEN o.id IS NULL THEN NULL ELSE ${delivery} END`,
      },
    ),
    await copy(
      "webhook_attempts",
      "a",
      "webhook_attempts a JOIN webhook_events o ON o.id = a.event_id, json_each(?2) j WHERE o.send_id = ?1",
      { id: "", event_id: "a.event_id || '-' || j.value" },
    ),
  ]);
  return ids;
}

/**
 * A carrier's part id, and a webhook attempt when the send has events but no attempt yet, so every
 * section has rows.
 */
async function addPartAndAttempt(db: D1Database, sendId: string) {
  await db
    .prepare(
      `INSERT INTO carrier_message_parts (carrier, carrier_message_id, delivery_id, part_index, part_total, created_at)
       SELECT 'sandbox', ?2, id, 1, 1, ?3 FROM deliveries WHERE send_id = ?1 ORDER BY id LIMIT 1`,
    )
    .bind(sendId, `archive-${crypto.randomUUID()}`, Date.now())
    .run();
  // Started now, whatever the send's age: the attempts purge (30 days) must not take it before the archive does.
  await db
    .prepare(
      `INSERT INTO webhook_attempts (event_id, attempt, destination, started_at, duration_ms, response_status, verdict)
       SELECT id, 1, 'https://merchant.example/hooks', ?2, 42, 200, 'delivered' FROM webhook_events WHERE send_id = ?1
       AND NOT EXISTS (SELECT 1 FROM webhook_attempts a JOIN webhook_events e ON e.id = a.event_id WHERE e.send_id = ?1)
       LIMIT 1`,
    )
    .bind(sendId, Date.now())
    .run();
}

/** How many of `ids` are still sends in `db`. */
async function stillIn(db: D1Database, ids: readonly string[]) {
  const [row] = await rowsIn<{ n: number }>(
    db,
    "SELECT count(*) AS n FROM sends WHERE id IN (SELECT value FROM json_each(?))",
    JSON.stringify(ids),
  );
  return row?.n ?? 0;
}

/**
 * The merchant's shard as an archive run sees it, measured: every D1 statement it runs (alone or in
 * a batch; each distinct one kept with its parameters, for its plan) with D1's per-statement sizes,
 * and every R2 call with how many puts were in flight at once.
 */
async function measuredShard(merchantId: string) {
  const d1 = { queries: 0, maxParams: 0, maxSql: 0, maxValue: 0, seen: new Map<string, unknown[]>() };
  const encoder = new TextEncoder();
  const onShard = await onMerchantShard(
    merchantId,
    wrapShards((shard) =>
      wrapD1(shard, (sql, params) => {
        d1.queries++;
        d1.maxParams = Math.max(d1.maxParams, params.length);
        d1.maxSql = Math.max(d1.maxSql, encoder.encode(sql).length);
        for (const p of params)
          if (typeof p === "string") d1.maxValue = Math.max(d1.maxValue, encoder.encode(p).length);
        if (!d1.seen.has(sql)) d1.seen.set(sql, params);
      }),
    ),
  );
  const r2 = { calls: 0, puts: 0, inFlight: 0, maxInFlight: 0 };
  const bucket = new Proxy(env.ARCHIVE, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        r2.calls++;
        if (prop === "put") r2.puts++;
        r2.maxInFlight = Math.max(r2.maxInFlight, ++r2.inFlight);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          r2.inFlight--;
        }
      };
    },
  });
  return { env: { ...onShard, ARCHIVE: bucket } as ShardEnv, d1, r2 };
}

/** D1's per-statement limits (https://developers.cloudflare.com/d1/platform/limits/). */
function expectWithinD1Limits(d1: { maxParams: number; maxSql: number; maxValue: number }) {
  expect(d1.maxParams).toBeLessThanOrEqual(100);
  expect(d1.maxSql).toBeLessThan(100_000);
  expect(d1.maxValue).toBeLessThan(1_000_000);
}

/** `FROM t a` / `JOIN t AS a` of a statement: alias → table. */
function aliasesOf(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    const table = (m[1] as string).toLowerCase();
    aliases.set(table, table);
    if (m[2] && !/^(where|on|join|cross|left|inner|indexed|order|group|limit|as)$/i.test(m[2]))
      aliases.set(m[2].toLowerCase(), table);
  }
  return aliases;
}

/**
 * What the archive runs goes through indexes only (test/query-plans.test.ts's rules): no scan of a
 * table a send's rows live in, under its name or an alias; no walk of a status index; and no page
 * (LIMIT) sorted after its read, which would read every matching row first.
 */
async function expectIndexedPlans(db: D1Database, seen: Map<string, unknown[]>) {
  for (const [sql, params] of seen) {
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail);
    const aliases = aliasesOf(sql);
    const why = `${sql}\n${plan.join("\n")}`;
    const scans = plan.filter((line) => {
      const scanned = /^SCAN (\w+)/.exec(line)?.[1]?.toLowerCase();
      return scanned !== undefined && (aliases.get(scanned) ?? scanned) in SEND_TABLES;
    });
    expect(scans, why).toEqual([]);
    expect(
      plan.filter((line) => /deliveries_status_idx|webhook_events_status_idx|dispatches_due_idx/.test(line)),
      why,
    ).toEqual([]);
    if (/\bLIMIT\b/i.test(sql))
      expect(
        plan.filter((line) => /^USE TEMP B-TREE FOR .*ORDER BY/.test(line)),
        why,
      ).toEqual([]);
  }
}

const tomorrow = () => new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);
const limits = { rate_limits: { send: 1000, status: 5000 } };

describe("archive of finished sends to R2", () => {
  it("moves finished sends out of D1 and answers for them byte for byte as before", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant(limits);
    await withWebhook(keyId);
    const other = await newMerchant(limits);
    const onShard = await onMerchantShard(merchantId);
    const db = onShard.DB;
    const send = async (body: Record<string, unknown>) => {
      const res = await api(apiKey, "POST", "/send", body);
      expect(res.status).toBe(201);
      return res.body.data.message_id as string;
    };
    const delivered = await send({ to: ["+243998857000", "+243998857001"], message: "Delivered" });
    const failed = await send({
      to: ["+999000000001", "+999000000002", "+999000000005"],
      message: "Undelivered, rejected and a connector failure (refunded)",
    });
    const many = Array.from({ length: 7 }, (_, i) => `+24381000000${i}`);
    const paged = await send({
      to: [...many, "+999000000003", "+999000000007", "+999000000008"],
      message: "Ten recipients over several pages, with expired, doubled and early receipts",
    });
    const date = tomorrow();
    const scheduled = await send({
      to: ["+243998857010", "+243998857011", "+999000000001"],
      message: "Three dispatches: two go out, the third is cancelled",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "09:00" },
        { date, time: "10:00" },
        { date, time: "11:00" },
      ],
    });
    await release(onShard, scheduled, 0);
    await dispatchSettled(scheduled, 0, 3);
    await release(onShard, scheduled, 1);
    await dispatchSettled(scheduled, 1, 3);
    expect((await api(apiKey, "DELETE", `/cancel/${scheduled}`)).status).toBe(200);
    const ids = [delivered, failed, paged, scheduled];
    for (const id of ids) await settled(apiKey, id);

    // A carrier's part ids, and a webhook attempt, so every section of the object has rows.
    const [firstDelivery] = await rows<{ id: number }>(
      "SELECT id FROM deliveries WHERE send_id = ? ORDER BY id LIMIT 1",
      delivered,
    );
    await db
      .prepare(
        `INSERT INTO carrier_message_parts (carrier, carrier_message_id, delivery_id, part_index, part_total, created_at)
       VALUES ('sandbox', ?, ?, 1, 1, ?)`,
      )
      .bind(`archive-${crypto.randomUUID()}`, firstDelivery?.id, Date.now())
      .run();
    for (const id of ids) await age(db, id, AGE_DAYS);
    // Added after the ageing: the attempts purge (30 days) must not take it before the archive does.
    await db
      .prepare(
        `INSERT INTO webhook_attempts (event_id, attempt, destination, started_at, duration_ms, response_status, verdict)
       SELECT id, 1, 'https://merchant.example/hooks', ?2, 42, 200, 'delivered' FROM webhook_events WHERE send_id = ?1 LIMIT 1`,
      )
      .bind(delivered, Date.now())
      .run();

    const queries = ["", "?limit=4", "?cursor=bogus", "?limit=0", "?limit=1001", "?limit=2&cursor=AAAA"];
    const before: Record<string, unknown> = {};
    const counts: Record<string, Record<string, number>> = {};
    for (const id of ids) {
      before[id] = await answers(apiKey, id, queries);
      counts[id] = await rowCounts(db, id);
    }
    const foreignBefore = comparable(await raw(other.apiKey, "GET", `/status/${delivered}`));
    const rowBefore = await findSend(createDb(db), merchantId, paged);
    const ledger = await rowsIn<{ id: number; amount_micros: number }>(
      db,
      `SELECT id, amount_micros FROM wallet_ledger WHERE send_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      JSON.stringify(ids),
    );
    expect(ledger.length).toBeGreaterThan(ids.length);
    // One event per transition (queued, then three per recipient), each taken by the key's webhook
    // at its first attempt, and the attempt added above.
    expect(counts[delivered]).toMatchObject({
      carrier_message_parts: 1,
      webhook_events: 7,
      webhook_attempts: 8,
    });
    expect(counts[paged]?.receipts).toBeGreaterThan(10);
    expect(counts[scheduled]).toMatchObject({ dispatches: 3, deliveries: 6 });

    // What the archive run reads and deletes goes through indexes only: record it for the plans below.
    const seen = new Map<string, unknown[]>();
    const recording = await onMerchantShard(
      merchantId,
      wrapShards((shard) =>
        wrapD1(shard, (sql, params) => {
          if (!seen.has(sql)) seen.set(sql, params);
        }),
      ),
    );
    for (let run = 0; run < 5; run++) {
      const archived = await archiveSends(recording, archiveRunAt());
      expect(archived).toBeLessThanOrEqual(ARCHIVE_PER_INVOCATION.sends);
      if (
        (
          await rowsIn(
            db,
            "SELECT id FROM sends WHERE id IN (SELECT value FROM json_each(?))",
            JSON.stringify(ids),
          )
        ).length === 0
      )
        break;
    }

    for (const id of ids) {
      // Gone from D1, every table of it…
      expect(await rowCounts(db, id)).toEqual(
        Object.fromEntries(Object.keys(SEND_TABLES).map((t) => [t, 0])),
      );
      // …into one object holding each of those rows.
      const object = await readObject(merchantId, id);
      expect(object).toMatchObject({ version: 1, send: { id, merchant_id: merchantId } });
      for (const [table, n] of Object.entries(counts[id] ?? {})) {
        if (table !== "sends") expect(object?.[table], `${table} of ${id}`).toHaveLength(n);
      }
      // And the same answers, byte for byte.
      expect(await answers(apiKey, id, queries)).toEqual(before[id]);
    }
    // A request that found the send in D1 just before the archive took it reads the rest from the object.
    const late = liveSendRows(onShard, rowBefore as NonNullable<typeof rowBefore>);
    const answered = (path: string) =>
      JSON.parse((before[paged] as Record<string, { text: string }>)[`GET ${path}`]?.text ?? "null").data;
    expect(statusView(late.send, await late.progress())).toEqual(answered(`/status/${paged}`));
    expect(recipientsPageView(late.send, await late.recipientRows([-1, -1], 5), 4)).toEqual(
      answered(`/status/${paged}/recipients?limit=4`),
    );

    // The ledger stays whole, and still adds up to the balances.
    expect(
      await rowsIn(
        db,
        `SELECT id, amount_micros FROM wallet_ledger WHERE send_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
        JSON.stringify(ids),
      ),
    ).toEqual(ledger);
    await expectLedgerBalanced(merchantId);

    // Another merchant finds nothing, exactly as for an id that never existed.
    const missing = comparable(await raw(other.apiKey, "GET", "/status/507f1f77bcf86cd799439011"));
    expect(foreignBefore).toEqual(missing);
    for (const path of [`/status/${delivered}`, `/status/${delivered}/recipients`]) {
      expect(comparable(await raw(other.apiKey, "GET", path))).toEqual(missing);
    }
    for (const [method, path] of [
      ["DELETE", `/cancel/${scheduled}`],
      ["POST", `/pause/${scheduled}`],
    ] as const) {
      const answer = comparable(await raw(other.apiKey, method, path));
      expect(answer).toMatchObject({ status: 404, body: { error_code: "1201" } });
    }

    expect([...seen.keys()].some((sql) => sql.startsWith("DELETE FROM sends"))).toBe(true);
    await expectIndexedPlans(db, seen);
  });

  it("leaves in D1 what is too recent, still open, or paused", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const onShard = await onMerchantShard(merchantId);
    const recent = (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Recent" })).body
      .data.message_id as string;
    // No final receipt until the end of its validity: it stays `sent`.
    const open = (await api(apiKey, "POST", "/send", { to: ["+999000000004"], message: "Open" })).body.data
      .message_id as string;
    const date = tomorrow();
    const paused = (
      await api(apiKey, "POST", "/send", {
        to: ["+243998857000"],
        message: "Paused",
        sending_type: "scheduled",
        scheduled_dates: [{ date, time: "09:00" }],
      })
    ).body.data.message_id as string;
    expect((await api(apiKey, "POST", `/pause/${paused}`)).status).toBe(200);
    await settled(apiKey, recent);
    await waitFor(
      () => rows<{ status: string }>("SELECT status FROM deliveries WHERE send_id = ?", open),
      (r) => r[0]?.status === "sent",
    );
    await age(onShard.DB, recent, AGE_DAYS - 5);
    // Its end of validity stays ahead, so no expiry run closes it meanwhile.
    await age(onShard.DB, open, AGE_DAYS, { keepExpiry: true });
    await age(onShard.DB, paused, AGE_DAYS);

    await archiveSends(onShard, archiveRunAt());
    for (const id of [recent, open, paused]) {
      expect(await rowsIn(onShard.DB, "SELECT id FROM sends WHERE id = ?", id), id).toHaveLength(1);
    }
    // The recent one goes once it is old enough.
    await archiveSends(onShard, archiveRunAt() + 6 * DAY);
    expect(await rowsIn(onShard.DB, "SELECT id FROM sends WHERE id = ?", recent)).toHaveLength(0);
    expect((await api(apiKey, "GET", `/status/${recent}`)).status).toBe(200);
  });

  it("takes a bounded number of sends and deliveries per run: more than that take several runs", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const onShard = await onMerchantShard(merchantId);
    const date = tomorrow();
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const sent = await api(apiKey, "POST", "/send", {
        to: ["+243998857000"],
        message: `Cancelled ${i}`,
        sending_type: "scheduled",
        scheduled_dates: [{ date, time: "09:00" }],
      });
      const id = sent.body.data.message_id as string;
      expect((await api(apiKey, "DELETE", `/cancel/${id}`)).status).toBe(200);
      await settled(apiKey, id);
      await age(onShard.DB, id, AGE_DAYS);
      ids.push(id);
    }
    const left = () => stillIn(onShard.DB, ids);
    expect(await left()).toBe(15);
    // At most the share's sends…
    expect(await archiveSends(onShard, archiveRunAt(), { sends: 10, deliveries: 10_000 })).toBe(10);
    expect(await left()).toBe(5);
    // …and at most its deliveries (one each here).
    expect(await archiveSends(onShard, archiveRunAt(), { sends: 400, deliveries: 3 })).toBe(3);
    expect(await left()).toBe(2);
    // A share too small for even one send still takes the oldest one: no send is too large to go.
    expect(await archiveSends(onShard, archiveRunAt(), { sends: 1, deliveries: 0 })).toBe(1);
    expect(await left()).toBe(1);
    await archiveSends(onShard, archiveRunAt());
    expect(await left()).toBe(0);
    for (const id of ids) expect(await env.ARCHIVE.head(archiveKey(merchantId, id))).not.toBeNull();
    await expectLedgerBalanced(merchantId);
  });

  it("archives several hundred one-recipient sends in one run: a few D1 queries, one R2 put each", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant(limits);
    await withWebhook(keyId);
    const onShard = await onMerchantShard(merchantId);
    const db = onShard.DB;
    const template = (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Code 123456" }))
      .body.data.message_id as string;
    await settled(apiKey, template);
    await age(db, template, AGE_DAYS);
    await addPartAndAttempt(db, template);
    const copies = await cloneSend(db, template, 299);
    const ids = [template, ...copies];
    const counts = await rowCounts(db, template);
    expect(counts).toMatchObject({
      sends: 1,
      recipients: 1,
      deliveries: 1,
      carrier_message_parts: 1,
      // Queued, processing, sent, delivered: each taken by the key's webhook at its first attempt.
      webhook_events: 4,
      webhook_attempts: 4,
    });
    expect(await rowCounts(db, copies[298] as string)).toEqual(counts);
    const sample = [template, copies[0] as string, copies[298] as string];
    const before: Record<string, unknown> = {};
    for (const id of sample) before[id] = await answers(apiKey, id, [""]);

    const run = await measuredShard(merchantId);
    const archived = await archiveSends(run.env, archiveRunAt(), ARCHIVE_PER_INVOCATION);
    // Every one of them, in one run (others' sends of this shard may go along).
    expect(await stillIn(db, ids)).toBe(0);
    expect(archived).toBeGreaterThanOrEqual(ids.length);
    expect(archived).toBeLessThanOrEqual(ARCHIVE_PER_INVOCATION.sends);
    // One R2 call per send, its put, a few at a time.
    expect(run.r2).toMatchObject({ calls: archived, puts: archived });
    expect(run.r2.maxInFlight).toBeGreaterThan(1);
    expect(run.r2.maxInFlight).toBeLessThanOrEqual(ARCHIVE_PUT_CONCURRENCY);
    // The candidates, then per group of up to ARCHIVE_GROUP_SENDS: a batch of 9 to claim and read,
    // a batch of 9 to delete (the sends, the 7 tables, the release).
    const groups = Math.ceil(archived / ARCHIVE_GROUP_SENDS);
    console.log(
      `archive run: ${archived} one-recipient sends, ${run.d1.queries} D1 queries, ${run.r2.puts} R2 puts (≤ ${run.r2.maxInFlight} at once)`,
    );
    expect(run.d1.queries).toBeLessThanOrEqual(1 + groups * 18);
    expectWithinD1Limits(run.d1);

    for (const id of ids) {
      const object = await env.ARCHIVE.head(archiveKey(merchantId, id));
      expect(object?.customMetadata, id).toMatchObject({ format_version: "1" });
    }
    for (const id of sample) {
      expect(await rowCounts(db, id)).toEqual(
        Object.fromEntries(Object.keys(SEND_TABLES).map((t) => [t, 0])),
      );
      const object = await readObject(merchantId, id);
      expect(object).toMatchObject({ version: 1, send: { id, merchant_id: merchantId } });
      for (const [table, n] of Object.entries(counts)) {
        if (table !== "sends") expect(object?.[table], `${table} of ${id}`).toHaveLength(n);
      }
      expect(await answers(apiKey, id, [""])).toEqual(before[id]);
    }
    await expectIndexedPlans(db, run.d1.seen);
    await expectLedgerBalanced(merchantId);
  });

  it("reads sends whose rows fill several pages: a large one alone, compressed as read, and many together", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant(limits);
    await withWebhook(keyId);
    const onShard = await onMerchantShard(merchantId);
    const db = onShard.DB;
    const to = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
    const send = async (body: Record<string, unknown>) => {
      const res = await api(apiKey, "POST", "/send", body);
      expect(res.status).toBe(201);
      return res.body.data.message_id as string;
    };
    // 400 recipients: more than a page of webhook events (three a delivery).
    const large = await send({ to: to("+24381000", 400), message: "Large" });
    // Ten recipients, some failing: copied 149 times, its events, receipts and deliveries fill pages.
    const template = await send({
      to: [...to("+24382000", 7), "+999000000001", "+999000000002", "+999000000003"],
      message: "Ten",
    });
    await settled(apiKey, large);
    await settled(apiKey, template);
    await age(db, large, AGE_DAYS);
    // A day younger: the large send is the oldest candidate, and alone in the first run.
    await age(db, template, AGE_DAYS - 1);
    await addPartAndAttempt(db, template);
    const largeCounts = await rowCounts(db, large);
    expect(largeCounts.webhook_events).toBeGreaterThan(1000);
    // Its status and its recipients in one page (every page size is the first test's business).
    const largeAnswers = async () => [
      comparable(await raw(apiKey, "GET", `/status/${large}`)),
      comparable(await raw(apiKey, "GET", `/status/${large}/recipients?limit=1000`)),
    ];
    const largeBefore = await largeAnswers();

    const alone = await measuredShard(merchantId);
    expect(await archiveSends(alone.env, archiveRunAt(), { sends: 1, deliveries: 10_000 })).toBe(1);
    expect(await stillIn(db, [large])).toBe(0);
    const largeObject = await readObject(merchantId, large);
    for (const [table, n] of Object.entries(largeCounts))
      if (table !== "sends") expect(largeObject?.[table], table).toHaveLength(n);
    expect(await largeAnswers()).toEqual(largeBefore);
    // The large send's events took more than a page, continued within the send.
    expect(
      [...alone.d1.seen.keys()].some((sql) => /FROM webhook_events WHERE[\s\S]*rowid > \?3/.test(sql)),
    ).toBe(true);

    const copies = await cloneSend(db, template, 149);
    const ids = [template, ...copies];
    const counts = await rowCounts(db, template);
    expect((counts.webhook_events ?? 0) * ids.length).toBeGreaterThan(3000);
    const sample = [template, copies[74] as string, copies[148] as string];
    const before: Record<string, unknown> = {};
    for (const id of sample) before[id] = await answers(apiKey, id, ["?limit=4"]);
    const together = await measuredShard(merchantId);
    expect(
      await archiveSends(together.env, archiveRunAt() + DAY, ARCHIVE_PER_INVOCATION),
    ).toBeGreaterThanOrEqual(ids.length);
    expect(await stillIn(db, ids)).toBe(0);
    console.log(
      `archive run: ${ids.length} ten-recipient sends (${counts.webhook_events} events each), ${together.d1.queries} D1 queries, ${together.r2.puts} R2 puts`,
    );
    expectWithinD1Limits(together.d1);
    // Every object holds exactly its send's rows, whatever page they came in.
    const strip = (rows: unknown) =>
      (rows as Record<string, unknown>[]).map(
        ({ id: _id, send_id: _s, delivery_id: _d, event_id: _e, carrier_message_id: _c, ...row }) => row,
      );
    const expected = await readObject(merchantId, template);
    for (const id of ids) {
      const object = await readObject(merchantId, id);
      expect(object?.send.id).toBe(id);
      for (const [table, n] of Object.entries(counts)) {
        if (table === "sends") continue;
        expect(object?.[table], `${table} of ${id}`).toHaveLength(n);
        expect(strip(object?.[table]), `${table} of ${id}`).toEqual(strip(expected?.[table]));
      }
    }
    for (const id of sample) expect(await answers(apiKey, id, ["?limit=4"])).toEqual(before[id]);
    await expectIndexedPlans(db, new Map([...alone.d1.seen, ...together.d1.seen]));
    // Pages past the first were read, alone and together.
    const continued = [...together.d1.seen.keys()].filter(
      (sql) => sql.includes("LIMIT ?2") && sql.includes("?3"),
    );
    expect(continued.length).toBeGreaterThanOrEqual(3);
    await expectLedgerBalanced(merchantId);
  });

  it("keeps in D1, free for the next run, a send whose object could not be written; its group goes on", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const onShard = await onMerchantShard(merchantId);
    const template = (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Outage" })).body
      .data.message_id as string;
    await settled(apiKey, template);
    await age(onShard.DB, template, AGE_DAYS);
    const ids = [template, ...(await cloneSend(onShard.DB, template, 4))];
    const failing = ids[2] as string;
    const counts = await rowCounts(onShard.DB, failing);
    const outage = {
      ...onShard,
      ARCHIVE: new Proxy(env.ARCHIVE, {
        get(target, prop) {
          if (prop === "put")
            return (key: string, ...rest: unknown[]) => {
              if (key === archiveKey(merchantId, failing)) return Promise.reject(new Error("R2 unavailable"));
              return (target.put as (...a: unknown[]) => Promise<unknown>)(key, ...rest);
            };
          const value = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    } as ShardEnv;
    await expect(archiveSends(outage, archiveRunAt())).rejects.toThrow(/1 send\(s\) could not be archived/);
    expect(await stillIn(onShard.DB, ids)).toBe(1);
    expect(await rowCounts(onShard.DB, failing)).toEqual(counts);
    expect(await env.ARCHIVE.head(archiveKey(merchantId, failing))).toBeNull();
    expect(await rowsIn(onShard.DB, "SELECT archive_lease_until FROM sends WHERE id = ?", failing)).toEqual([
      { archive_lease_until: null },
    ]);
    await archiveSends(onShard, archiveRunAt());
    expect(await stillIn(onShard.DB, ids)).toBe(0);
    expect(await readObject(merchantId, failing)).toMatchObject({ send: { id: failing } });
  });

  it("runs as a job of the every-minute cron", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const id = (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Old" })).body.data
      .message_id as string;
    await settled(apiKey, id);
    const db = await shardDb(merchantId);
    await age(db, id, 91);
    const before = await raw(apiKey, "GET", `/status/${id}`);
    // Any cron of now may take it, this one or another test file's: either way it leaves D1.
    await runCron(Date.now());
    expect(await rowsIn(db, "SELECT id FROM sends WHERE id = ?", id)).toHaveLength(0);
    expect(await readObject(merchantId, id)).toMatchObject({ send: { id } });
    expect(await raw(apiKey, "GET", `/status/${id}`)).toEqual(before);
  });

  it("leaves alone a send another run is archiving, until that run's lease ends", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const id = (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Leased" })).body.data
      .message_id as string;
    await settled(apiKey, id);
    const onShard = await onMerchantShard(merchantId);
    await age(onShard.DB, id, AGE_DAYS);
    const lease = (until: number) =>
      onShard.DB.prepare("UPDATE sends SET archive_lease_until = ? WHERE id = ?").bind(until, id).run();
    await lease(Date.now() + 10 * 60_000);
    await archiveSends(onShard, archiveRunAt());
    expect(await rowsIn(onShard.DB, "SELECT id FROM sends WHERE id = ?", id)).toHaveLength(1);
    expect(await env.ARCHIVE.head(archiveKey(merchantId, id))).toBeNull();
    // That run died: once its lease is over, the next run takes the send.
    await lease(Date.now() - 1);
    await archiveSends(onShard, archiveRunAt());
    expect(await rowsIn(onShard.DB, "SELECT id FROM sends WHERE id = ?", id)).toHaveLength(0);
  });

  it("keeps a send that changed while it was being archived, and archives the rest of its group", async () => {
    const { apiKey, merchantId } = await newMerchant(limits);
    const onShard = await onMerchantShard(merchantId);
    const send = async (message: string) =>
      (await api(apiKey, "POST", "/send", { to: ["+243998857000"], message })).body.data.message_id as string;
    const id = await send("Late receipt");
    const others = [await send("Unchanged 1"), await send("Unchanged 2")];
    for (const sent of [id, ...others]) {
      await settled(apiKey, sent);
      await age(onShard.DB, sent, AGE_DAYS);
    }
    const [delivery] = await rowsIn<{ id: number }>(
      onShard.DB,
      "SELECT id FROM deliveries WHERE send_id = ?",
      id,
    );
    const counts = await rowCounts(onShard.DB, id);
    // A late receipt lands after the archive read the group, before it deletes.
    let injected = false;
    const interposing = wrapShards((shard) =>
      wrapD1(shard, async (sql, params) => {
        if (!injected && sql.startsWith("DELETE FROM sends") && String(params[0]).includes(id)) {
          // The three went in one group: one delete for all of them.
          for (const other of others) expect(String(params[0])).toContain(other);
          injected = true;
          await onShard.DB.prepare(
            "INSERT INTO receipts (delivery_id, status, outcome, raw, received_at) VALUES (?, 'delivered', 'ignored', 'late', ?)",
          )
            .bind(delivery?.id, Date.now())
            .run();
        }
      }),
    );
    expect(
      await archiveSends(await onMerchantShard(merchantId, interposing), archiveRunAt()),
    ).toBeGreaterThanOrEqual(2);
    expect(injected).toBe(true);
    // Every row of it stays, the late receipt besides; the others of its group are gone.
    expect(await rowCounts(onShard.DB, id)).toEqual({ ...counts, receipts: (counts.receipts ?? 0) + 1 });
    expect(await stillIn(onShard.DB, others)).toBe(0);
    // Its lease is released: the next run archives it with the receipt, over the object written meanwhile.
    await archiveSends(onShard, archiveRunAt());
    expect(await stillIn(onShard.DB, [id])).toBe(0);
    const object = await readObject(merchantId, id);
    expect(((object?.receipts ?? []) as { raw: string }[]).map((r) => r.raw)).toContain("late");
  });
});

describe("webhook attempts retention", () => {
  it("purges attempts older than WEBHOOK_ATTEMPT_RETENTION_DAYS, in bounded statements, and keeps the rest", async () => {
    // Attempts are purged shard by shard: these go to one, where that shard's purge must find them.
    const shard = "DB_1";
    const db = SHARDS[shard];
    const eventId = `purge-${crypto.randomUUID()}`;
    const insert = (count: number, startedAt: number) =>
      db
        .prepare(
          `INSERT INTO webhook_attempts (event_id, attempt, destination, started_at, duration_ms, verdict)
         SELECT ?1, key + 1, 'https://merchant.example/hooks', ?2, 10, 'retry' FROM json_each(?3)`,
        )
        .bind(eventId, startedAt, JSON.stringify(Array.from({ length: count }, () => 0)))
        .run();
    // The purge runs 10 days ahead with its 30 days, so no other test file's cron (a few days ahead at
    // most) reaches the rows it must delete, nor those it must keep.
    const at = Date.now() + 10 * DAY;
    await insert(1200, at - 31 * DAY);
    await insert(3, at - 29 * DAY);
    const seen: string[] = [];
    const recording = wrapShards((d1) =>
      wrapD1(d1, (sql) => {
        seen.push(sql);
      }),
    );
    expect(await purgeWebhookAttempts(shardEnv(recording, shard), at)).toBeGreaterThanOrEqual(1200);
    const left = await rowsIn<{ started_at: number }>(
      db,
      "SELECT started_at FROM webhook_attempts WHERE event_id = ?",
      eventId,
    );
    expect(left.map((r) => r.started_at)).toEqual([at - 29 * DAY, at - 29 * DAY, at - 29 * DAY]);
    // 500 rows a statement: the 1200 took several.
    expect(seen.filter((sql) => sql.includes("DELETE FROM webhook_attempts")).length).toBeGreaterThanOrEqual(
      3,
    );
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN ${seen[0]}`)
      .bind(at - 30 * DAY, 500)
      .all<{ detail: string }>();
    expect(results.map((r) => r.detail).join("\n")).toContain("webhook_attempts_started_idx");
    expect(results.filter((r) => /^SCAN webhook_attempts\b/.test(r.detail))).toEqual([]);
  });
});
