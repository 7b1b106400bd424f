import { describe, expect, it } from "vitest";
import type { ShardEnv } from "../../src/env";
import { dispatchersOf } from "../../src/webhooks/dispatcher/address";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { merchantWithWebhook } from "./fixtures";
import { receiverEndpoint, waitForDistinct } from "./receiver";

const burstSize = 3000;
/** The pipeline hands events over per receipts batch; the queue's batches hold at most 100. */
const handOverSize = 100;

/** Writes `count` pending outbox events for `keyId` in its shard, as state changes do. */
async function writeEvents(shard: ShardEnv, keyId: string, count: number): Promise<string[]> {
  const now = Date.now();
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  const sendId = crypto.randomUUID().replaceAll("-", "").slice(0, 24);
  for (let start = 0; start < count; start += 500) {
    const rows = ids.slice(start, start + 500).map((id, i) => ({
      id,
      sequence: start + i,
      payload: JSON.stringify({
        recipient_phone: `+24381${String(start + i).padStart(7, "0")}`,
        status: "sent",
      }),
    }));
    await shard.DB.prepare(
      `INSERT INTO webhook_events (id, send_id, key_id, event_type, sequence, payload, occurred_at, status, created_at)
       SELECT value ->> '$.id', ?2, ?3, 'sms.sent', value ->> '$.sequence', value ->> '$.payload', ?4, 'pending', ?4
       FROM json_each(?1)`,
    )
      .bind(JSON.stringify(rows), sendId, keyId, now)
      .run();
  }
  return ids;
}

/** How many of `ids` are delivered, and how many attempts were recorded for them. */
async function outboxCounts(
  shard: ShardEnv,
  ids: readonly string[],
): Promise<{ delivered: number; attempts: number }> {
  const row = await shard.DB.prepare(
    `SELECT
       (SELECT COUNT(*) FROM webhook_events WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'delivered') AS delivered,
       (SELECT COUNT(*) FROM webhook_attempts WHERE event_id IN (SELECT value FROM json_each(?1))) AS attempts`,
  )
    .bind(JSON.stringify(ids))
    .first<{ delivered: number; attempts: number }>();
  return row ?? { delivered: 0, attempts: 0 };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe(`a burst of ${burstSize} events to one healthy destination`, () => {
  it("delivers every event, records one attempt each and leaves nothing queued", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url, { username: "shop", password: "s3cret" });
    const ids = await writeEvents(merchant.shard, merchant.keyId, burstSize);

    const handedAt = Date.now();
    const handOvers: Promise<void>[] = [];
    for (let start = 0; start < ids.length; start += handOverSize)
      handOvers.push(notifyWebhooks(merchant.shard, ids.slice(start, start + handOverSize)));
    await Promise.all(handOvers);
    const received = await waitForDistinct(endpoint.path, burstSize, 120_000);

    expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set(ids));
    // The attempt record lands just after the answer: give the last ones a moment.
    let counts = await outboxCounts(merchant.shard, ids);
    for (let tries = 0; counts.delivered < burstSize && tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      counts = await outboxCounts(merchant.shard, ids);
    }
    // A healthy receiver answers 200 to each request, so each event took exactly one recorded attempt.
    expect(counts).toEqual({ delivered: burstSize, attempts: received.length });
    expect(received).toHaveLength(burstSize);
    for (const lane of dispatchersOf(merchant.shard, endpoint.url)) expect(await lane.queued()).toEqual([]);

    // Reported, never asserted: timing depends on the machine. Latency runs from the hand-over, the
    // moment a state change's writer calls notifyWebhooks after committing its events.
    const arrivals = received.map((r) => r.receivedAt).sort((a, b) => a - b);
    const latencies = arrivals.map((t) => t - handedAt);
    const seconds = ((arrivals.at(-1) ?? handedAt) - handedAt) / 1000;
    console.log(
      JSON.stringify({
        bench: "webhook-burst",
        events: burstSize,
        seconds,
        events_per_second: Math.round(burstSize / seconds),
        handed_to_received_ms: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      }),
    );
  }, 180_000);
});
