// Accept and pipeline throughput of one gateway (one shard or two), with several merchants so that
// every shard takes sends: the same phases, in the same order, whatever the configuration.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { terminalDeliveryStatuses } from "@lisoloo/protocol";
import { deliveryTimes, openLocalD1 } from "../lib/d1.mjs";
import { createBenchKey, recipients } from "../lib/gateway.mjs";
import { closedLoop, keepAliveAgent, postSend } from "../lib/load.mjs";
import { profileTable, startProfile } from "../lib/profile.mjs";
import { summarize } from "../lib/stats.mjs";

const TEXT = "Your Lisoloo code is 482913. Valid 5 min";
const TERMINAL = terminalDeliveryStatuses.map((s) => `'${s}'`).join(", ");

/** Deliveries not final yet, across every database of the gateway. */
function pendingDeliveries(db) {
  return Number(
    db.prepare(`SELECT count(*) AS n FROM deliveries WHERE status NOT IN (${TERMINAL})`).get()?.n ?? 0,
  );
}

async function drain(db, seconds) {
  const started = performance.now();
  while (pendingDeliveries(db) > 0) {
    if (performance.now() - started > seconds * 1000) return null;
    await sleep(250);
  }
  return (performance.now() - started) / 1000;
}

/**
 * A CPU profile of the Worker isolate while `sends` sends of `perSend` recipients (4 in flight) from a
 * key with a webhook to `receiver` go from accept to their last webhook event received.
 */
async function profileSends(gateway, db, agent, receiver, sends, perSend, offset) {
  const { apiKey } = await createBenchKey(gateway, { webhookUrl: receiver.url });
  const profiler = await startProfile(gateway);
  const ids = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, sends) }, async () => {
      while (next < sends) {
        const i = next++;
        ids.push(
          (await postSend(agent, gateway, apiKey, recipients(perSend, offset + i * perSend), TEXT)).id,
        );
      }
    }),
  );
  await drain(db, 120);
  const mine = new Set(ids);
  const events = () =>
    /** @type {{ n: number, pending: number }} */ (
      db
        .prepare(
          `SELECT count(*) AS n, coalesce(sum(status = 'pending'), 0) AS pending
           FROM webhook_events WHERE send_id IN (SELECT value FROM json_each(?))`,
        )
        .get(JSON.stringify(ids))
    );
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const e = events();
    if (e.pending === 0 && receiver.arrivals.filter((a) => mine.has(a.event.message_id)).length >= e.n) break;
    await sleep(100);
  }
  const summary = await profiler.stop();
  const idle = summary.groups.find((g) => g.name.startsWith("idle"))?.ms ?? 0;
  return {
    summary,
    table: profileTable(summary),
    busyMs: summary.totalMs - idle,
    sends,
    recipients: sends * perSend,
    events: events().n,
  };
}

/**
 * @param {import("../lib/gateway.mjs").Gateway} gateway
 * @param {{ merchants: number, clients: number, seconds: number, burst: number, perSend: number, singles: number,
 *   profileWith?: Awaited<ReturnType<typeof import("../lib/receiver.mjs").startReceiver>> }} options
 */
export async function measureThroughput(gateway, options) {
  const keys = [];
  for (let i = 0; i < options.merchants; i++) keys.push((await createBenchKey(gateway)).apiKey);
  const db = openLocalD1(gateway);
  const agent = keepAliveAgent(options.clients);
  const notes = [];
  try {
    const placement = Object.fromEntries(
      db
        .prepare("SELECT shard, count(*) AS n FROM directory_merchants GROUP BY shard ORDER BY shard")
        .all()
        .map((r) => [String(r.shard), Number(r.n)]),
    );

    // Warm-up: every merchant's key, shard and code path once.
    for (const [i, key] of keys.entries()) {
      await postSend(agent, gateway, key, recipients(1, i), TEXT);
      await postSend(agent, gateway, key, recipients(200, 10_000 + i * 200), TEXT);
    }
    await drain(db, 60);

    // Pipeline: `burst` sends of `perSend` recipients at once, spread over the merchants.
    const started = performance.now();
    const accepted = await Promise.all(
      Array.from({ length: options.burst }, (_, i) =>
        postSend(
          agent,
          gateway,
          keys[i % keys.length],
          recipients(options.perSend, 100_000 + i * options.perSend),
          TEXT,
        ),
      ),
    );
    const acceptedBy = performance.now();
    const drained = await drain(db, 300);
    const times = deliveryTimes(
      db,
      accepted.map((a) => a.id),
    );
    const firstAccepted = Math.min(...times.map((t) => t.accepted));
    const lastFinished = Math.max(...times.map((t) => t.finished));
    const pipeline = {
      deliveries: times.length,
      delivered: times.filter((t) => t.status === "delivered").length,
      acceptSeconds: (acceptedBy - started) / 1000,
      clientSeconds: drained === null ? null : (acceptedBy - started) / 1000 + drained,
      serverSeconds: (lastFinished - firstAccepted) / 1000,
    };

    /** @type {{ bulk: Awaited<ReturnType<typeof profileSends>>, single: Awaited<ReturnType<typeof profileSends>> } | null} */
    let profile = null;
    if (options.profileWith) {
      const bulk = await profileSends(gateway, db, agent, options.profileWith, 1, options.perSend, 300_000);
      const single = await profileSends(gateway, db, agent, options.profileWith, options.singles, 1, 400_000);
      profile = { bulk, single };
    }

    // Accept, 1 recipient per request, round robin over the merchants.
    const oneBody = JSON.stringify({ to: recipients(1), message: TEXT });
    const thousandBody = JSON.stringify({ to: recipients(options.perSend), message: TEXT });
    const post = (i, body) => ({
      method: /** @type {const} */ ("POST"),
      url: `${gateway.api}/send`,
      headers: { "app-key": keys[i % keys.length], "content-type": "application/json" },
      body,
    });
    const okSend = (a) => (a.status === 201 ? JSON.parse(a.body).data.total_recipients : null);
    const one = await closedLoop({
      clients: options.clients,
      seconds: options.seconds,
      maxRequests: 1_000_000,
      call: (i) => post(i, oneBody),
      accept: okSend,
      agent,
    });
    const oneDrained = await drain(db, 120);
    notes.push(
      oneDrained === null
        ? "the 1-recipient backlog was not drained within 120 s"
        : `the 1-recipient backlog drained ${oneDrained.toFixed(1)} s after the last accept`,
    );
    // Last: its backlog outlives the run (the gateway is stopped with it).
    const thousand = await closedLoop({
      clients: options.clients,
      seconds: options.seconds,
      maxRequests: 400,
      call: (i) => post(i, thousandBody),
      accept: okSend,
      agent,
    });
    const refused = (r) => Object.values(r.refused).reduce((a, b) => a + b, 0);
    return {
      placement,
      pipeline,
      profile,
      acceptOne: {
        perSecond: one.ok / one.seconds,
        refused: refused(one),
        sample: one.sampleRefusal,
        ...summarize(one.latencies),
      },
      acceptThousand: {
        perSecond: thousand.ok / thousand.seconds,
        recipientsPerSecond: thousand.units / thousand.seconds,
        refused: refused(thousand),
        sample: thousand.sampleRefusal,
        ...summarize(thousand.latencies),
      },
      notes,
    };
  } finally {
    agent.destroy();
    db.close();
  }
}
