import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { cancelResponseSchema } from "@lisoloo/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import type { QueueMessage } from "../src/pipeline/messages";
import { api, newMerchant, rows, SHARDS, shardDb, waitFor } from "./helpers";
import {
  acceptWhileQueueDown,
  expectBilledByTheRule,
  expectLedgerBalanced,
  onMerchantShard,
  recordingQueues,
  runCron,
  wrapD1,
  wrapShards,
} from "./wrap-bindings";

/** Each race runs this many times; the invariants must hold whichever side wins each time. */
const ITERATIONS = 30;
/**
 * Every iteration sends and cancels, pauses or resumes: more than the default minute allows. With the
 * merchant's shard: the database holding its sends, and the name its queue messages carry.
 */
const merchant = async () => {
  const m = await newMerchant({ rate_limits: { send: 1000 } });
  return { ...m, db: await shardDb(m.merchantId), shard: (await onMerchantShard(m.merchantId)).SHARD };
};
const PRICE = 20_000;

// Observers inside the database under test: triggers run in the writing transaction, so they see
// exactly what each write saw, whatever the interleaving. They change nothing but this table.
const observers = [
  "CREATE TABLE IF NOT EXISTS race_violations (what TEXT NOT NULL, send_id TEXT, detail TEXT)",
  `CREATE TRIGGER IF NOT EXISTS race_release_while_held AFTER UPDATE OF status ON dispatches
     WHEN NEW.status = 'released' AND (SELECT state FROM sends WHERE id = NEW.send_id) <> 'active'
   BEGIN
     INSERT INTO race_violations VALUES ('released while ' || (SELECT state FROM sends WHERE id = NEW.send_id), NEW.send_id, NEW.seq);
   END`,
  `CREATE TRIGGER IF NOT EXISTS race_cancelled_moved AFTER UPDATE OF status ON deliveries
     WHEN OLD.status = 'cancelled' AND NEW.status <> 'cancelled'
   BEGIN
     INSERT INTO race_violations VALUES ('cancelled delivery became ' || NEW.status, NEW.send_id, NEW.id);
   END`,
  `CREATE TRIGGER IF NOT EXISTS race_marked_unclaimed AFTER UPDATE OF submitting_at ON deliveries
     WHEN NEW.submitting_at IS NOT NULL AND OLD.submitting_at IS NULL AND NEW.status <> 'processing'
   BEGIN
     INSERT INTO race_violations VALUES ('marked for a carrier while ' || NEW.status, NEW.send_id, NEW.id);
   END`,
];

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `a` and `b` concurrently, one started a little after the other by an offset that changes
 * with the iteration (from `a` 30 ms late to `b` 10 ms late), so that over the iterations they meet
 * at different points: before, inside and after each other's reads and writes. Only the order
 * varies; nothing is asserted about time.
 */
function race<A, B>(iteration: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  const offset = ((iteration * 7) % 41) - 30;
  return Promise.all([offset < 0 ? pause(-offset).then(a) : a(), offset > 0 ? pause(offset).then(b) : b()]);
}

/**
 * The real D1, pausing 0–2 ms before each statement or batch: the other side of a race gets in between.
 * `jitteryShards` gives every shard's database of the bindings such pauses.
 */
function jittery(db: D1Database, iteration: number) {
  let seed = iteration + 1;
  const next = () => {
    seed = (seed * 48271) % 2147483647;
    return seed % 3;
  };
  return wrapD1(db, async (_sql, _params, position) => {
    if (position === 0) await pause(next());
  });
}

const jitteryShards = (iteration: number, base: Cloudflare.Env = env) =>
  wrapShards((db) => jittery(db, iteration), base);

const violations = (sendId: string) =>
  rows<{ what: string }>("SELECT what FROM race_violations WHERE send_id = ?", sendId);

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const everyDeliveryFinal = (sendId: string) =>
  waitFor(
    () =>
      rows<{ n: number }>(
        `SELECT count(*) AS n FROM deliveries WHERE send_id = ?
           AND status IN ('pending', 'processing', 'accepted', 'enroute', 'sent')`,
        sendId,
      ),
    (r) => r[0]?.n === 0,
  );

/** A scheduled send of `recipients` with two dispatches, the first made due a minute ago. */
async function scheduledWithFirstDue({ apiKey, db }: { apiKey: string; db: D1Database }, recipients: number) {
  const to = Array.from({ length: recipients }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
  const sent = await api(apiKey, "POST", "/send", {
    to,
    message: "Race",
    sending_type: "scheduled",
    scheduled_dates: [
      { date: day(3), time: "08:00" },
      { date: day(4), time: "08:00" },
    ],
  });
  expect(sent.status).toBe(201);
  const id = sent.body.data.message_id as string;
  await db
    .prepare("UPDATE dispatches SET due_at = ? WHERE send_id = ? AND seq = 0")
    .bind(Date.now() - 60_000, id)
    .run();
  return id;
}

beforeAll(async () => {
  for (const db of Object.values(SHARDS)) for (const sql of observers) await db.prepare(sql).run();
});

describe("races, run many times, checked by their invariants", () => {
  it("cancel vs the consumer's claim: each delivery cancelled or submitted, never both; refunds once", async () => {
    const { apiKey, merchantId, shard } = await merchant();
    for (let i = 0; i < ITERATIONS; i++) {
      const to = Array.from({ length: 5 }, (_, r) => `+24399${String(i * 10 + r).padStart(7, "0")}`);
      const id = await acceptWhileQueueDown(apiKey, to);
      const carrier = recordingQueues();
      const batch = createMessageBatch("lisoloo-send-sandbox", [
        {
          id: `claim-${id}`,
          timestamp: new Date(),
          attempts: 1,
          body: { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 5 },
        },
      ]);
      const ctx = createExecutionContext();
      const [cancel] = await race(
        i,
        () => api(apiKey, "DELETE", `/cancel/${id}`),
        () =>
          worker
            .queue(batch, jitteryShards(i, { ...env, ...carrier.queues }), ctx)
            .then(() => getQueueResult(batch, ctx)),
      );

      const submitted = new Set(carrier.submitted());
      const deliveries = await rows<{ id: number; status: string; carrier_message_id: string | null }>(
        "SELECT id, status, carrier_message_id FROM deliveries WHERE send_id = ?",
        id,
      );
      const cancelled = deliveries.filter((d) => d.status === "cancelled");
      for (const d of deliveries) {
        if (d.status === "cancelled") {
          expect(submitted.has(d.id)).toBe(false);
          expect(d.carrier_message_id).toBeNull();
        } else expect(submitted.has(d.id)).toBe(true);
      }
      if (cancel.status === 200) {
        const data = cancelResponseSchema.parse(cancel.body).data;
        expect(data.cancelled_deliveries).toBe(cancelled.length);
        expect(Math.round(data.refunded_amount * 1e6)).toBe(cancelled.length * PRICE);
      } else {
        expect(cancel.body.error_code).toBe("1204");
        expect(cancelled).toHaveLength(0);
      }
      await everyDeliveryFinal(id);
      await expectBilledByTheRule(id);
      expect(await violations(id)).toEqual([]);
    }
    await expectLedgerBalanced(merchantId);
  });

  it("pause vs release: nothing released after a committed pause", async () => {
    const m = await merchant();
    const { apiKey, merchantId } = m;
    for (let i = 0; i < ITERATIONS; i++) {
      const id = await scheduledWithFirstDue(m, 2);
      const [paused] = await race(
        i,
        () => api(apiKey, "POST", `/pause/${id}`),
        () => runCron(Date.now(), jitteryShards(i)),
      );
      expect(paused.status).toBe(200);
      expect(await violations(id)).toEqual([]);
      const [first] = await rows<{ status: string }>(
        "SELECT status FROM dispatches WHERE send_id = ? AND seq = 0",
        id,
      );
      const created = await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE send_id = ?", id);
      // Released before the pause committed, or held by it: nothing in between.
      expect(
        first?.status === "released"
          ? created[0]?.n === 2
          : first?.status === "scheduled" && created[0]?.n === 0,
      ).toBe(true);
      // Later runs release nothing while it stays paused.
      await runCron(Date.now() + 60_000);
      expect((await rows("SELECT status FROM dispatches WHERE send_id = ? AND seq = 0", id))[0]).toEqual(
        first,
      );
      await everyDeliveryFinal(id);
      await expectBilledByTheRule(id);
    }
    await expectLedgerBalanced(merchantId);
  });

  it("resume vs release: a dispatch is released or skipped, never both, and refunded once", async () => {
    const m = await merchant();
    const { apiKey, merchantId, db } = m;
    for (let i = 0; i < ITERATIONS; i++) {
      const id = await scheduledWithFirstDue(m, 2);
      expect((await api(apiKey, "POST", `/pause/${id}`)).status).toBe(200);
      // The first dispatch's time passed while paused; the second comes due during the race.
      await db
        .prepare("UPDATE dispatches SET due_at = ? WHERE send_id = ? AND seq = 1")
        .bind(Date.now() + 500, id)
        .run();
      const [resumed] = await race(
        i,
        () => api(apiKey, "POST", `/resume/${id}`),
        () => runCron(Date.now() + 5_000, jitteryShards(i)),
      );
      expect(resumed.status).toBe(200);
      expect(await violations(id)).toEqual([]);
      const dispatches = await rows<{ seq: number; status: string; closed_by: string | null }>(
        "SELECT seq, status, closed_by FROM dispatches WHERE send_id = ? ORDER BY seq",
        id,
      );
      expect(dispatches[0]?.status).toBe("skipped");
      expect(["scheduled", "released", "skipped"]).toContain(dispatches[1]?.status);
      const created = await rows<{ seq: number }>(
        "SELECT DISTINCT dispatch_seq AS seq FROM deliveries WHERE send_id = ?",
        id,
      );
      expect(created.map((c) => c.seq)).toEqual(dispatches[1]?.status === "released" ? [1] : []);
      // The refunds: every skipped dispatch once, nothing else (checked with the deliveries once final).
      await runCron(Date.now() + 10_000);
      await everyDeliveryFinal(id);
      await expectBilledByTheRule(id);
    }
    await expectLedgerBalanced(merchantId);
  });

  it("cancel vs receipts: what a carrier holds is billed, every other delivery refunded exactly once", async () => {
    const { apiKey, merchantId, shard } = await merchant();
    for (let i = 0; i < ITERATIONS; i++) {
      const to = [
        `+24399${String(i * 10).padStart(7, "0")}`,
        "+999000000005", // the connector refuses it: failed 1501, refunded
        `+24399${String(i * 10 + 1).padStart(7, "0")}`,
        `+24399${String(i * 10 + 2).padStart(7, "0")}`,
        `+24399${String(i * 10 + 3).padStart(7, "0")}`,
        `+24399${String(i * 10 + 4).padStart(7, "0")}`,
      ];
      const id = await acceptWhileQueueDown(apiKey, to);
      // The first three are handed to the carrier; its receipts are held back for the race.
      const held = recordingQueues({ hold: true });
      const first = createMessageBatch("lisoloo-send-sandbox", [
        {
          id: `first-${id}`,
          timestamp: new Date(),
          attempts: 1,
          body: { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 3 },
        },
      ]);
      const firstCtx = createExecutionContext();
      await worker.queue(first, { ...env, ...held.queues }, firstCtx);
      expect((await getQueueResult(first, firstCtx)).explicitAcks).toHaveLength(1);

      // Racing: the merchant cancels, the carrier's receipts arrive, and the rest of the dispatch
      // dead-letters (the gateway's own 1501 for what no carrier took).
      const receipts = createMessageBatch(
        "lisoloo-receipts-sandbox",
        held.sentTo.RECEIPT_QUEUE.map((body: QueueMessage, n) => ({
          id: `rcpt-${id}-${n}`,
          timestamp: new Date(),
          attempts: 1,
          body,
        })),
      );
      const dead = createMessageBatch("lisoloo-send-dlq-sandbox", [
        {
          id: `dead-${id}`,
          timestamp: new Date(),
          attempts: 6,
          body: { type: "dispatch", shard, sendId: id, seq: 0, from: 0, to: 6 },
        },
      ]);
      const [receiptsCtx, deadCtx] = [createExecutionContext(), createExecutionContext()];
      const jittered = jitteryShards(i);
      const [cancel] = await race(
        i,
        () => api(apiKey, "DELETE", `/cancel/${id}`),
        () =>
          Promise.all([
            worker.queue(receipts, jittered, receiptsCtx).then(() => getQueueResult(receipts, receiptsCtx)),
            worker.queue(dead, jittered, deadCtx).then(() => getQueueResult(dead, deadCtx)),
          ]),
      );
      expect([200, 409]).toContain(cancel.status);

      await everyDeliveryFinal(id);
      const outcome = await rows<{ recipient_idx: number; status: string; error_code: string | null }>(
        "SELECT recipient_idx, status, error_code FROM deliveries WHERE send_id = ? ORDER BY recipient_idx",
        id,
      );
      expect(outcome.slice(0, 3).map((d) => [d.status, d.error_code])).toEqual([
        ["delivered", null],
        ["failed", "1501"],
        ["delivered", null],
      ]);
      for (const d of outcome.slice(3)) expect(["cancelled", "failed"]).toContain(d.status);
      await expectBilledByTheRule(id);
      const [refunds] = await rows<{ total: number }>(
        "SELECT SUM(amount_micros) AS total FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
        id,
      );
      expect(refunds?.total).toBe(4 * PRICE);
      expect(await violations(id)).toEqual([]);
    }
    await expectLedgerBalanced(merchantId);
  });
});

describe("the release re-checks the send in the same statement", () => {
  it.each(["pause", "cancel"] as const)(
    "a %s committed between the release's read and its write wins",
    async (action) => {
      const m = await merchant();
      const { apiKey, merchantId } = m;
      const id = await scheduledWithFirstDue(m, 2);
      // Let the cron read the due dispatch, then commit the merchant's request before it writes.
      let interposed = false;
      const interposing = wrapShards((db) =>
        wrapD1(db, async (sql, params) => {
          // The release writes a list of due dispatches (JSON) at once: this send's among them.
          if (
            interposed ||
            !sql.startsWith("UPDATE dispatches SET status = 'released'") ||
            !String(params[0]).includes(id)
          )
            return;
          interposed = true;
          const res =
            action === "pause"
              ? await api(apiKey, "POST", `/pause/${id}`)
              : await api(apiKey, "DELETE", `/cancel/${id}`);
          expect(res.status).toBe(200);
        }),
      );
      await runCron(Date.now(), interposing);
      expect(interposed).toBe(true);
      expect(await violations(id)).toEqual([]);
      expect(await rows("SELECT seq, status FROM dispatches WHERE send_id = ? ORDER BY seq", id)).toEqual([
        { seq: 0, status: action === "pause" ? "scheduled" : "cancelled" },
        { seq: 1, status: action === "pause" ? "scheduled" : "cancelled" },
      ]);
      expect(await rows("SELECT id FROM deliveries WHERE send_id = ?", id)).toEqual([]);
      await expectBilledByTheRule(id);
      await expectLedgerBalanced(merchantId);
    },
  );
});
