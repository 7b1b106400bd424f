import { createExecutionContext, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { DispatchMessage } from "../src/pipeline/messages";
import { BASE, newMerchant, rowsIn } from "./helpers";
import { expectLedgerBalanced, onMerchantShard, recordingQueues, wrapD1, wrapShards } from "./wrap-bindings";

type Delivery = {
  id: number;
  send_id: string;
  status: string;
  claim: string | null;
  carrier_message_id: string | null;
};

/** One-recipient sends accepted while the queues hold their messages: what the consumer would get. */
async function acceptHeld(apiKey: string, count: number) {
  const held = recordingQueues({ hold: true });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/send`, {
        method: "POST",
        headers: { "app-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          to: [`+24381${String(1_000_000 + i).padStart(7, "0")}`],
          message: `Code ${i}`,
        }),
      }),
      { ...env, ...held.queues },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { data: { message_id: string } }).data.message_id);
  }
  const messages = held.sentTo.SEND_QUEUE.filter((m): m is DispatchMessage => m.type === "dispatch");
  expect(messages).toHaveLength(count);
  return { ids, messages };
}

/**
 * Hands `bodies` to the consumer as one batch (fixed message ids, so a second call is a redelivery),
 * counting D1 round trips (a batch or a lone statement is one) on every shard.
 */
async function consume(bodies: DispatchMessage[], ids: string[], failOn?: string) {
  let roundTrips = 0;
  const held = recordingQueues({ hold: true });
  const bindings = {
    ...wrapShards((db) =>
      wrapD1(db, (sql, _params, position) => {
        if (position === 0) roundTrips++;
        if (failOn !== undefined && sql.includes(failOn)) throw new Error("D1 unavailable");
      }),
    ),
    ...held.queues,
  };
  const { createMessageBatch } = await import("cloudflare:test");
  const batch = createMessageBatch(
    "lisoloo-send-sandbox",
    bodies.map((body, i) => ({ id: ids[i] as string, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  const result = await getQueueResult(batch, ctx);
  await waitOnExecutionContext(ctx);
  return { roundTrips, result, submitted: [...new Set(held.submitted())] };
}

async function deliveriesOf(merchantId: string, sendIds: string[]): Promise<Delivery[]> {
  const { DB } = await onMerchantShard(merchantId);
  return rowsIn<Delivery>(
    DB,
    `SELECT id, send_id, status, claim, carrier_message_id FROM deliveries
     WHERE send_id IN (SELECT value FROM json_each(?1)) ORDER BY id`,
    JSON.stringify(sendIds),
  );
}

describe("one-recipient sends handed over together", () => {
  it("ten chunks in one batch cost the D1 round trips of one, each delivery claimed under its own message", async () => {
    const { merchantId, apiKey } = await newMerchant();
    const alone = await acceptHeld(apiKey, 1);
    const one = await consume(alone.messages, ["alone-0"]);
    const { ids, messages } = await acceptHeld(apiKey, 10);
    const tokens = messages.map((_, i) => `together-${crypto.randomUUID()}-${i}`);
    const ten = await consume(messages, tokens);

    expect(ten.result.retryMessages).toEqual([]);
    expect(ten.result.explicitAcks).toHaveLength(10);
    expect(ten.roundTrips).toBe(one.roundTrips);
    const deliveries = await deliveriesOf(merchantId, ids);
    expect(deliveries).toHaveLength(10);
    expect(ten.submitted.sort((a, b) => a - b)).toEqual(deliveries.map((d) => d.id));
    for (const d of deliveries) {
      expect(d.carrier_message_id).not.toBeNull();
      // Claimed under the token of the message that carried its send, not a neighbour's.
      const index = messages.findIndex((m) => m.sendId === d.send_id);
      expect(d.claim).toBe(tokens[index]);
    }

    // The same batch delivered again (a redelivery after the runtime lost its acks) submits nothing.
    const again = await consume(messages, tokens);
    expect(again.result.retryMessages).toEqual([]);
    expect(again.submitted).toEqual([]);
  });

  it("a group fails as one, and its retry submits nothing a carrier may already hold", async () => {
    const { merchantId, apiKey } = await newMerchant();
    const { ids, messages } = await acceptHeld(apiKey, 5);
    const tokens = messages.map((_, i) => `failing-${crypto.randomUUID()}-${i}`);
    // Submitted, then the write of the carrier ids fails: whether the carrier has them is unknown.
    const failing = await consume(messages, tokens, "carrier_message_id = COALESCE");
    expect(failing.submitted).toHaveLength(5);
    expect(failing.result.retryMessages.map((m) => m.msgId).sort()).toEqual([...tokens].sort());
    const retried = await consume(messages, tokens);
    expect(retried.result.retryMessages).toEqual([]);
    expect(retried.submitted).toEqual([]);
    const deliveries = await deliveriesOf(merchantId, ids);
    expect(deliveries.map((d) => [d.status, d.carrier_message_id])).toEqual(
      Array.from({ length: 5 }, () => ["processing", null]),
    );
    await expectLedgerBalanced(merchantId);
  });
});
