import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { statusResponseSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, newMerchant, rows, waitFor, withWebhook } from "./helpers";

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const magic = {
  "+999000000001": ["undelivered", "1504"],
  "+999000000002": ["rejected", "1502"],
  "+999000000003": ["expired", "1505"],
  "+999000000004": ["delivery_unknown", "1503"],
  "+999000000005": ["failed", "1501"],
  "+999000000006": ["delivered", null],
  "+999000000007": ["delivered", null],
  "+999000000008": ["delivered", null],
} as const;

describe("the send pipeline in the sandbox", () => {
  it("walks a single send to delivered through the queue, with one event per transition", async () => {
    const { apiKey, keyId } = await newMerchant();
    await withWebhook(keyId);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Hello from Lisoloo!",
    });
    const id = sent.body.data.message_id as string;
    const status = await waitFor(
      async () => statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data,
      (d) => d.status === "delivered",
    );
    expect(status).toMatchObject({ delivered: 1, failed: 0, pending: 0, total_deliveries: 1 });
    const [delivery] = await rows<Record<string, unknown>>("SELECT * FROM deliveries WHERE send_id = ?", id);
    expect(delivery).toMatchObject({
      status: "delivered",
      carrier: "sandbox",
      carrier_message_id: expect.stringMatching(/^sbx-/),
    });
    expect(delivery?.processing_at).not.toBeNull();
    expect(delivery?.sent_at).not.toBeNull();
    expect(delivery?.delivered_at).not.toBeNull();
    const events = await rows<{ event_type: string; sequence: number }>(
      "SELECT event_type, sequence FROM webhook_events WHERE send_id = ? ORDER BY sequence",
      id,
    );
    expect(events).toEqual([
      { event_type: "sms.queued", sequence: 0 },
      { event_type: "sms.processing", sequence: 1 },
      { event_type: "sms.sent", sequence: 2 },
      { event_type: "sms.delivered", sequence: 3 },
    ]);
  });

  it("ends a 1000-recipient send with every magic number's documented outcome, refunding only the 1501", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant({ wallets: { LISOLOO_SMS: 100 } });
    await withWebhook(keyId);
    const ordinary = Array.from({ length: 1000 - 8 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const to = [...ordinary.slice(0, 500), ...Object.keys(magic), ...ordinary.slice(500)];
    const sent = await api(apiKey, "POST", "/send", {
      to,
      message: "Votre code est 123456",
      validity_period: 60,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data.total_cost).toBe(20);
    const id = sent.body.data.message_id as string;

    // Everything but the no-final-receipt number reaches a final status on its own.
    const progress = await waitFor(
      async () => statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data,
      (d) => d.pending === 1,
      30_000,
    );
    expect(progress.status).toBe("sent");

    // The validity period ends: the cron closes the last one as delivery_unknown.
    await runCron(Date.now() + 61_000);
    const final = statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data;
    expect(final).toMatchObject({
      status: "partially_delivered",
      delivered: 992 + 3,
      failed: 5,
      pending: 0,
      cancelled: 0,
      total_deliveries: 1000,
    });

    const outcomes = await rows<{ phone: string; status: string; error_code: string | null }>(
      "SELECT phone, status, error_code FROM deliveries WHERE send_id = ? AND phone LIKE '+999%' ORDER BY phone",
      id,
    );
    expect(outcomes.map((o) => [o.phone, o.status, o.error_code])).toEqual(
      Object.entries(magic).map(([p, [s, c]]) => [p, s, c]),
    );
    expect(
      await rows(
        "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND phone LIKE '+24381%' AND status = 'delivered'",
        id,
      ),
    ).toEqual([{ n: 992 }]);

    // Duplicated and out-of-order receipts were recorded, not applied.
    const seven = await rows<{ outcome: string }>(
      "SELECT r.outcome FROM receipts r JOIN deliveries d ON d.id = r.delivery_id WHERE d.send_id = ? AND d.phone = '+999000000007' ORDER BY r.id",
      id,
    );
    expect(seven.map((r) => r.outcome).sort()).toEqual([
      "applied",
      "applied",
      "ignored_duplicate",
      "ignored_duplicate",
    ]);
    const eight = await rows<{ status: string; outcome: string }>(
      "SELECT r.status, r.outcome FROM receipts r JOIN deliveries d ON d.id = r.delivery_id WHERE d.send_id = ? AND d.phone = '+999000000008' ORDER BY r.id",
      id,
    );
    expect(eight).toEqual([
      { status: "delivered", outcome: "applied" },
      { status: "sent", outcome: "ignored_terminal" },
    ]);

    // Only the connector failure is refunded: one segment at 0.02.
    expect(
      await rows(
        "SELECT wallet_type, amount_micros, reason FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
        id,
      ),
    ).toEqual([{ wallet_type: "LISOLOO_SMS", amount_micros: 20_000, reason: "refund" }]);
    const [wallet] = await rows<{ balance_micros: number }>(
      "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
      merchantId,
    );
    expect(wallet?.balance_micros).toBe(100_000_000 - 20_000_000 + 20_000);

    // Per delivery: event sequences strictly increase, one event per reported transition.
    const events = await rows<{ delivery_id: number; event_type: string; sequence: number }>(
      "SELECT delivery_id, event_type, sequence FROM webhook_events WHERE send_id = ? AND delivery_id IS NOT NULL ORDER BY delivery_id, sequence",
      id,
    );
    const perDelivery = new Map<number, string[]>();
    for (const e of events)
      perDelivery.set(e.delivery_id, [...(perDelivery.get(e.delivery_id) ?? []), e.event_type]);
    const byPhone = new Map(
      (
        await rows<{ id: number; phone: string }>("SELECT id, phone FROM deliveries WHERE send_id = ?", id)
      ).map((d) => [d.phone, perDelivery.get(d.id)]),
    );
    expect(byPhone.get(ordinary[0] as string)).toEqual(["sms.processing", "sms.sent", "sms.delivered"]);
    expect(byPhone.get("+999000000002")).toEqual(["sms.processing", "sms.failed"]);
    expect(byPhone.get("+999000000005")).toEqual(["sms.processing", "sms.failed"]);
    expect(byPhone.get("+999000000007")).toEqual(["sms.processing", "sms.sent", "sms.delivered"]);
    expect(byPhone.get("+999000000008")).toEqual(["sms.processing", "sms.delivered"]);
    // ordinary, then +999…001 to …008 in order.
    expect(events.length).toBe(992 * 3 + 3 + 2 + 3 + 3 + 2 + 3 + 3 + 2);
  }, 60_000);
});
