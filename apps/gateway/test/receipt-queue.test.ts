import { createExecutionContext, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { statusResponseSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { DispatchMessage } from "../src/pipeline/messages";
import { api, BASE, newMerchant, rows, waitFor } from "./helpers";
import { expectBilledByTheRule, expectLedgerBalanced, messageBatch, recordingQueues } from "./wrap-bindings";

const statusCounts = (id: string) =>
  rows<{ status: string; n: number }>(
    "SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY 1 ORDER BY 1",
    id,
  );

/** Hands dispatch chunks to the Worker's consumer as the send queue would; every one is acknowledged. */
async function consumeChunks(bindings: Cloudflare.Env, chunks: DispatchMessage[]) {
  const batch = messageBatch("lisoloo-send-sandbox", chunks, "backlog");
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(chunks.length);
  await waitOnExecutionContext(ctx);
}

describe("receipts behind a campaign backlog", () => {
  it("reach their deliveries through the receipt queue while the send queue still holds the backlog", async () => {
    const { merchantId, apiKey } = await newMerchant({ rate_limits: { send: 1000 } });
    // The send queue holds what it is given (a backlog nobody consumes yet); the receipt queue is the
    // real one, recorded on the way, whose consumer runs as deployed.
    const backlog = recordingQueues({ hold: true });
    const receipts = recordingQueues();
    const bindings: Cloudflare.Env = {
      ...env,
      SEND_QUEUE: backlog.queues.SEND_QUEUE,
      RECEIPT_QUEUE: receipts.queues.RECEIPT_QUEUE,
    };
    const to = Array.from({ length: 1000 }, (_, i) => `+24383${String(i).padStart(7, "0")}`);
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/send`, {
        method: "POST",
        headers: { "app-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({ to, message: "Campaign" }),
      }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { data: { message_id: string } }).data.message_id;
    const chunks = backlog.sentTo.SEND_QUEUE.filter((m): m is DispatchMessage => m.type === "dispatch");
    expect(chunks).toHaveLength(10);

    // The first chunk is submitted; the other nine stay queued behind it.
    const [first, ...rest] = chunks as [DispatchMessage, ...DispatchMessage[]];
    await consumeChunks(bindings, [first]);

    // Its receipts went to the receipt queue, none to the send queue…
    const firstIds = await rows<{ id: number }>(
      "SELECT id FROM deliveries WHERE send_id = ? AND recipient_idx < 100 ORDER BY id",
      id,
    );
    expect([...new Set(receipts.submitted())].sort((a, b) => a - b)).toEqual(firstIds.map((d) => d.id));
    expect(backlog.sentTo.SEND_QUEUE.filter((m) => m.type === "receipts")).toEqual([]);
    expect(backlog.sentTo.RECEIPT_QUEUE).toEqual([]);
    // …whose consumer applies them: the first hundred are delivered while the backlog is untouched.
    expect(
      await waitFor(
        () => statusCounts(id),
        (counts) => counts.some((c) => c.status === "delivered" && c.n === 100),
      ),
    ).toEqual([
      { status: "delivered", n: 100 },
      { status: "pending", n: 900 },
    ]);
    expect(backlog.sentTo.SEND_QUEUE).toHaveLength(10);
    const status = statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data;
    expect(status).toMatchObject({ status: "pending", total_recipients: 1000, delivered: 100, pending: 900 });

    // The backlog drains in its turn, and every delivery ends delivered.
    await consumeChunks(bindings, rest);
    await waitFor(
      () => statusCounts(id),
      (counts) => counts.length === 1 && counts[0]?.status === "delivered",
    );
    expect(await statusCounts(id)).toEqual([{ status: "delivered", n: 1000 }]);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
  });
});
