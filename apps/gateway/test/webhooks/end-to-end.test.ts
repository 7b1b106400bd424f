import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type DeliveryStatus, deliveryStatusRank, webhookEventSchema } from "@lisoloo/protocol";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { api } from "../helpers";
import { merchantWithWebhook } from "./fixtures";
import { receiverEndpoint, waitForDistinct } from "./receiver";

const magic = [
  "+999000000001",
  "+999000000002",
  "+999000000003",
  "+999000000004",
  "+999000000005",
  "+999000000006",
  "+999000000007",
  "+999000000008",
];

describe("webhooks of a whole 1000-recipient sandbox send", () => {
  it("arrive once per documented transition, signed, authenticated, in per-delivery order", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url, { username: "shop", password: "s3cret pass" });
    const ordinary = Array.from({ length: 992 }, (_, i) => `+24382${String(i).padStart(7, "0")}`);
    const sent = await api(merchant.apiKey, "POST", "/send", {
      to: [...magic, ...ordinary],
      message: "Code 4711",
      validity_period: 60,
    });
    expect(sent.status).toBe(201);
    const messageId = sent.body.data.message_id as string;

    // Every delivery but the no-final-receipt number ends on its own; then validity runs out for it.
    const expectedBeforeTimeout = 1 + 992 * 3 + (3 + 2 + 3 + 2 + 2 + 3 + 3 + 2);
    // Generous deadlines: a loaded CI machine is slower, and this test is about what arrives, not when.
    await waitForDistinct(endpoint.path, expectedBeforeTimeout, 150_000);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 61_000 }), env, ctx);
    await waitOnExecutionContext(ctx);
    const received = await waitForDistinct(endpoint.path, expectedBeforeTimeout + 1, 60_000);
    await new Promise((r) => setTimeout(r, 300));

    const verifier = new Webhook(merchant.secret);
    const basic = `Basic ${btoa("shop:s3cret pass")}`;
    const events = new Map<string, ReturnType<typeof webhookEventSchema.parse>>();
    for (const request of received) {
      expect(request.headers.authorization).toBe(basic);
      expect(request.headers["user-agent"]).toBe("Lisoloo-Webhooks/1");
      const event = webhookEventSchema.parse(verifier.verify(request.body, request.headers));
      expect(event.event_id).toBe(request.headers["webhook-id"]);
      expect(event.message_id).toBe(messageId);
      events.set(event.event_id, event);
    }
    const all = [...events.values()];
    // Reported, never asserted: how long after its state changed each event reached the receiver.
    const firstArrival = new Map<string, number>();
    for (const r of received) {
      const id = r.headers["webhook-id"] as string;
      firstArrival.set(id, Math.min(firstArrival.get(id) ?? r.receivedAt, r.receivedAt));
    }
    const latencies = all
      .filter((e) => e.data.status !== "delivery_unknown")
      .map((e) => (firstArrival.get(e.event_id) as number) - Date.parse(e.occurred_at))
      .sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.ceil((p / 100) * latencies.length) - 1];
    console.log(
      JSON.stringify({
        bench: "webhook-end-to-end",
        events: all.length,
        latency_ms: { p50: at(50), p99: at(99), max: at(100) },
      }),
    );
    expect(all).toHaveLength(expectedBeforeTimeout + 1);
    expect(all.filter((e) => e.event_type === "sms.queued")).toHaveLength(1);

    const perPhone = new Map<string, typeof all>();
    for (const e of all) {
      if (e.event_type === "sms.queued") continue;
      const phone = e.data.recipient_phone;
      perPhone.set(phone, [...(perPhone.get(phone) ?? []), e]);
    }
    expect(perPhone.size).toBe(1000);
    const rank = (e: (typeof all)[number]) =>
      "status" in e.data ? deliveryStatusRank[e.data.status as DeliveryStatus] : -1;
    for (const [phone, list] of perPhone) {
      const ordered = [...list].sort((a, b) => a.sequence - b.sequence);
      // Sequence numbers strictly increase and follow the lifecycle: no event reports a lower status.
      for (let i = 1; i < ordered.length; i++) {
        expect(ordered[i]?.sequence, phone).toBeGreaterThan(ordered[i - 1]?.sequence as number);
        expect(rank(ordered[i] as (typeof all)[number]), phone).toBeGreaterThan(
          rank(ordered[i - 1] as (typeof all)[number]),
        );
      }
      expect(ordered[0]?.event_type).toBe("sms.processing");
    }
    const kinds = (phone: string) =>
      (perPhone.get(phone) ?? []).sort((a, b) => a.sequence - b.sequence).map((e) => e.event_type);
    expect(kinds(ordinary[0] as string)).toEqual(["sms.processing", "sms.sent", "sms.delivered"]);
    expect(kinds("+999000000001")).toEqual(["sms.processing", "sms.sent", "sms.failed"]);
    expect(kinds("+999000000004")).toEqual(["sms.processing", "sms.sent", "sms.failed"]);
    expect(kinds("+999000000005")).toEqual(["sms.processing", "sms.failed"]);
    expect(kinds("+999000000008")).toEqual(["sms.processing", "sms.delivered"]);
    const failed = all
      .filter((e) => e.event_type === "sms.failed")
      .map((e) => [e.data.recipient_phone, e.data.status, e.data.error_code]);
    expect(failed.sort()).toEqual([
      ["+999000000001", "undelivered", "1504"],
      ["+999000000002", "rejected", "1502"],
      ["+999000000003", "expired", "1505"],
      ["+999000000004", "delivery_unknown", "1503"],
      ["+999000000005", "failed", "1501"],
    ]);
  }, 240_000);
});
