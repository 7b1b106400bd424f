import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FIRST_PARTS_SQL, TAKEN_PARTS_SQL } from "../src/carriers/smpp/connector";
import { HANDED_OVER_SQL, STORE_PARTS_SQL } from "../src/carriers/smpp/id-writer";
import worker from "../src/index";
import { applyReceipts } from "../src/pipeline/apply-receipts";
import { claimChunk } from "../src/pipeline/dispatch-chunk";
import { newMerchant, shardDb } from "./helpers";
import { liveMerchant, numbersFor, productionGateway, smppCarrier } from "./smpp/harness";
import { acceptWhileQueueDown, onMerchantShard, runCron, wrapD1, wrapShards } from "./wrap-bindings";

/**
 * What the pipeline and the cron ran against the shards' D1 databases, recorded from the real code
 * paths: each statement once, with its parameters and the (real) database it ran on.
 */
function recordingD1() {
  const seen = new Map<string, { params: unknown[]; db: D1Database }>();
  const bindings = wrapShards((db) =>
    wrapD1(db, (sql, params) => {
      if (!seen.has(sql)) seen.set(sql, { params, db });
    }),
  );
  return { bindings, seen };
}

// The deliveries table grows with every message ever sent: a statement of the pipeline or the cron
// that scans it, or walks the status index (every delivery in a status), slows down with history.
// The one deliberate exception is the pending sweep, whose walk is bounded by its two-minute window.
const STATUS_WALK_ALLOWED = /d\.status = 'pending' AND d\.updated_at < \?1/;

describe("query plans of the pipeline and the cron", () => {
  it("never scan deliveries nor walk a status through the status index", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const recorded = recordingD1();
    const { bindings } = recorded;
    const onShard = await onMerchantShard(merchantId, bindings);

    // A chunk through the consumer: claim, mark, submit, carrier ids, a connector refusal.
    const id = await acceptWhileQueueDown(apiKey, ["+243998857000", "+999000000005", "+243998857001"]);
    const batch = createMessageBatch("lisoloo-send-sandbox", [
      {
        id: `plan-${id}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "dispatch", shard: onShard.SHARD, sendId: id, seq: 0, from: 0, to: 2 },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, bindings, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    // A claim whose message is lost, and a send whose validity runs out: every sweep has work.
    await claimChunk(
      onShard,
      { type: "dispatch", shard: onShard.SHARD, sendId: id, seq: 0, from: 2, to: 3 },
      `lost-${id}`,
      Date.now(),
    );
    await acceptWhileQueueDown(apiKey, ["+243998857002"], { validity_period: 60 });
    await runCron(Date.now() + 3 * 60_000, bindings);

    const statements = [...recorded.seen].filter(([sql]) => /\bdeliveries\b/.test(sql));
    expect(statements.length).toBeGreaterThan(10);
    for (const [sql, { params, db }] of statements) {
      if (/^\s*INSERT\b[^;]*\bVALUES\b/i.test(sql)) continue;
      const { results } = await db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const plan = results.map((r) => r.detail);
      expect(
        plan.filter((line) => /^SCAN (deliveries|d)\b/.test(line)),
        `${sql}\n${plan.join("\n")}`,
      ).toEqual([]);
      if (!STATUS_WALK_ALLOWED.test(sql))
        expect(
          plan.filter((line) => line.includes("deliveries_status_idx")),
          `${sql}\n${plan.join("\n")}`,
        ).toEqual([]);
    }
  });

  it("read carrier message parts through their indexes: SMPP binds, retries after a transient failure, receipts", async () => {
    const recorded = recordingD1();
    const slug = `plans-${crypto.randomUUID().slice(0, 6)}`;
    // A refused bind: every hand-over ends transient, so the second one resumes the deliveries and
    // looks up the parts a carrier already took.
    await smppCarrier(slug, { password: "wrong123" });
    const { merchantId, liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey, recorded.bindings);
    await gateway.send({ to: numbersFor(2).phones, message: "Plans", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await gateway.dispatch();
    // A receipt by the carrier's id: by delivery, by the delivery's own carrier id, by a part's.
    const onShard = await onMerchantShard(merchantId, recorded.bindings);
    await applyReceipts(onShard, slug, [
      { carrierMessageId: "a0000001", status: "delivered", at: new Date().toISOString() },
      { deliveryId: 1, status: "sent", at: new Date().toISOString() },
    ]);
    const parts = JSON.stringify([{ id: "a0000001", delivery: 1, index: 1, total: 2 }]);
    const merchantDb = await shardDb(merchantId);
    const statements: [string, { params: unknown[]; db: D1Database }][] = [
      ...[...recorded.seen].filter(([sql]) => /\bcarrier_message_parts\b/.test(sql)),
      [STORE_PARTS_SQL, { params: [slug, Date.now(), parts], db: merchantDb }],
      [HANDED_OVER_SQL, { params: [parts, Date.now()], db: merchantDb }],
      [TAKEN_PARTS_SQL, { params: ["[1, 2]"], db: merchantDb }],
      [FIRST_PARTS_SQL, { params: ["[1, 2]"], db: merchantDb }],
    ];
    // The bind's own, the connector's, the pipeline's resumed hand-over, the receipt path's two.
    expect(statements.length).toBeGreaterThanOrEqual(7);
    for (const [sql, { params, db }] of statements) {
      const { results } = await db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const plan = results.map((r) => r.detail);
      expect(
        plan.filter((line) => /^SCAN (deliveries|d|carrier_message_parts|p)\b/.test(line)),
        `${sql}\n${plan.join("\n")}`,
      ).toEqual([]);
      expect(
        plan.filter((line) => line.includes("deliveries_status_idx")),
        `${sql}\n${plan.join("\n")}`,
      ).toEqual([]);
    }
  });
});
