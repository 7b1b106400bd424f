import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  cancelResponseSchema,
  pauseResponseSchema,
  resumeResponseSchema,
  statusResponseSchema,
} from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, newMerchant, rows, shardDb, waitFor, withWebhook } from "./helpers";
import { expectLedgerBalanced } from "./wrap-bindings";

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const dispatchRows = (id: string) =>
  rows<{ seq: number; status: string; due_at: number }>(
    "SELECT seq, status, due_at FROM dispatches WHERE send_id = ? ORDER BY seq",
    id,
  );
const deliveryCount = async (id: string) =>
  (await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE send_id = ?", id))[0]?.n;

describe("scheduled and recurring sends are released by the cron, at and only at their instants", () => {
  it("releases a two-date send in the merchant's zone, never twice, and catches up after an outage", async () => {
    const { apiKey } = await newMerchant({ time_zone: "Europe/Paris" });
    const date = day(2);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+33612345678", "+33612345679"],
      message: "RDV demain",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "09:00" },
        { date, time: "14:30" },
      ],
    });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id as string;
    const [first, second] = await dispatchRows(id);
    // 09:00 in Paris is 07:00 or 08:00 UTC depending on the season; the stored instant says which.
    expect(
      new Date(first?.due_at as number).toLocaleString("en-GB", {
        timeZone: "Europe/Paris",
        hour: "2-digit",
        minute: "2-digit",
      }),
    ).toBe("09:00");

    await runCron((first?.due_at as number) - 60_000);
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["scheduled", "scheduled"]);
    expect(await deliveryCount(id)).toBe(0);

    await runCron(first?.due_at as number);
    await runCron(first?.due_at as number); // a second run in the same minute releases nothing more
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["released", "scheduled"]);
    expect(await deliveryCount(id)).toBe(2);
    await waitFor(
      () =>
        rows<{ n: number }>(
          "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'delivered'",
          id,
        ),
      (r) => r[0]?.n === 2,
    );

    // The cron was down at 14:30; the first run after it releases the missed dispatch.
    await runCron((second?.due_at as number) + 45 * 60_000);
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["released", "released"]);
    await waitFor(
      () =>
        rows<{ n: number }>(
          "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'delivered'",
          id,
        ),
      (r) => r[0]?.n === 4,
    );
    const status = statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data;
    expect(status).toMatchObject({ status: "delivered", delivered: 4, pending: 0, next_dispatch_at: null });
  });

  it("ten concurrent cron runs release a dispatch once: one delivery per recipient and dispatch", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const to = Array.from({ length: 50 }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
    const sent = await api(apiKey, "POST", "/send", {
      to,
      message: "Once",
      sending_type: "scheduled",
      scheduled_dates: [{ date: day(2), time: "10:00" }],
    });
    const id = sent.body.data.message_id as string;
    const [due] = await dispatchRows(id);
    await Promise.all(Array.from({ length: 10 }, (_, i) => runCron((due?.due_at as number) + i)));
    expect(await deliveryCount(id)).toBe(50);
    await waitFor(
      () =>
        rows<{ n: number }>(
          "SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'delivered'",
          id,
        ),
      (r) => r[0]?.n === 50,
    );
    const processing = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM webhook_events WHERE send_id = ? AND event_type = 'sms.processing'",
      id,
    );
    expect(processing[0]?.n).toBe(50);
    // The database itself refuses a second delivery for the same recipient and dispatch.
    await expect(
      (await shardDb(merchantId))
        .prepare(
          "INSERT INTO deliveries (send_id, dispatch_seq, recipient_idx, phone, status, expires_at, updated_at) VALUES (?, 0, 0, '+1', 'pending', 0, 0)",
        )
        .bind(id)
        .run(),
    ).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("releases a weekly recurring send on its days only", async () => {
    const { apiKey } = await newMerchant();
    const start = day(1);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Weekly",
      sending_type: "recurring",
      recurring_schedule: {
        start_date: start,
        end_date: day(15),
        frequency: "weekly",
        days_of_week: ["mon", "thu"],
        times: ["08:00"],
      },
    });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id as string;
    const dispatches = await dispatchRows(id);
    expect(dispatches.length).toBe(sent.body.data.dispatches);
    for (const d of dispatches) {
      const local = new Date(d.due_at).toLocaleString("en-GB", {
        timeZone: "Africa/Kinshasa",
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
      });
      expect(["Mon 08:00", "Thu 08:00"]).toContain(local);
    }
    await runCron((dispatches[0]?.due_at as number) + 1000);
    expect((await dispatchRows(id)).filter((d) => d.status === "released")).toHaveLength(1);
    await runCron((dispatches[1]?.due_at as number) - 1000);
    expect((await dispatchRows(id)).filter((d) => d.status === "released")).toHaveLength(1);
  });
});

describe("a dispatch released after a long outage", () => {
  it("is skipped and refunded once it is due longer ago than its validity, never sent late", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const date = day(2);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Take your medication",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "08:00" },
        { date, time: "09:30" },
        { date: day(3), time: "08:00" },
      ],
      validity_period: 3600,
    });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id as string;
    const [first, second] = await dispatchRows(id);

    // The cron comes back at 10:00: 08:00 is two hours late (validity one hour), 09:30 half an hour.
    const back = (first?.due_at as number) + 2 * 3600_000;
    await runCron(back);
    await runCron(back + 60_000);
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["skipped", "released", "scheduled"]);
    expect(
      await rows("SELECT DISTINCT dispatch_seq, expires_at FROM deliveries WHERE send_id = ?", id),
    ).toEqual([{ dispatch_seq: 1, expires_at: (second?.due_at as number) + 3600_000 }]);
    expect(
      await rows(
        "SELECT reference, amount_micros FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
        id,
      ),
    ).toEqual([{ reference: `stale:${id}:0`, amount_micros: 40_000 }]);
    await waitFor(
      async () => (await api(apiKey, "GET", `/status/${id}`)).body.data,
      (d) => d.delivered === 2 && d.cancelled === 2 && d.pending === 2,
    );
    await expectLedgerBalanced(merchantId);
  });
});

describe("cancel, pause and resume", () => {
  it("pausing holds dispatches; resuming skips and refunds the ones whose time passed", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const date = day(2);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Held",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "08:00" },
        { date, time: "12:00" },
        { date, time: "18:00" },
      ],
    });
    const id = sent.body.data.message_id as string;
    const paused = await api(apiKey, "POST", `/pause/${id}`);
    expect(paused.status).toBe(200);
    expect(pauseResponseSchema.parse(paused.body).data).toEqual({
      message_id: id,
      status: "paused",
      paused_dispatches: 3,
    });
    expect((await api(apiKey, "GET", `/status/${id}`)).body.data.status).toBe("paused");
    expect((await api(apiKey, "POST", `/pause/${id}`)).body.error_code).toBe("1204");

    const [first] = await dispatchRows(id);
    await runCron((first?.due_at as number) + 1000);
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["scheduled", "scheduled", "scheduled"]);

    // While paused, the first dispatch's time passes.
    await (await shardDb(merchantId))
      .prepare("UPDATE dispatches SET due_at = ? WHERE send_id = ? AND seq = 0")
      .bind(Date.now() - 60_000, id)
      .run();
    const resumed = await api(apiKey, "POST", `/resume/${id}`);
    expect(resumed.status).toBe(200);
    expect(resumeResponseSchema.parse(resumed.body).data).toMatchObject({
      message_id: id,
      status: "scheduled",
      skipped: 1,
      refunded_amount: 0.04,
      currency: "USD",
      next_dispatch_at: `${date}T11:00:00Z`, // 12:00 in Kinshasa
    });
    expect((await dispatchRows(id)).map((d) => d.status)).toEqual(["skipped", "scheduled", "scheduled"]);
    expect(
      await rows(
        "SELECT wallet_type, amount_micros FROM wallet_ledger WHERE send_id = ? AND reason = 'refund'",
        id,
      ),
    ).toEqual([{ wallet_type: "LISOLOO_SMS", amount_micros: 40_000 }]);
    const status = (await api(apiKey, "GET", `/status/${id}`)).body.data;
    expect(status).toMatchObject({ status: "scheduled", cancelled: 2, pending: 4, total_deliveries: 6 });
    expect((await api(apiKey, "POST", `/resume/${id}`)).body.error_code).toBe("1204");
    const [wallet] = await rows<{ balance_micros: number }>(
      "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
      merchantId,
    );
    expect(wallet?.balance_micros).toBe(100_000_000 - 120_000 + 40_000);
  });

  it("cancelling refunds everything not yet handed to a carrier, to the wallets it came from", async () => {
    const { apiKey, merchantId } = await newMerchant({
      wallets: { LISOLOO_SMS: 0.05, LISOLOO_POST_PAID: 1 },
    });
    const date = day(3);
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Never",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "08:00" },
        { date, time: "09:00" },
      ],
    });
    const id = sent.body.data.message_id as string;
    const cancelled = await api(apiKey, "DELETE", `/cancel/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelResponseSchema.parse(cancelled.body).data).toEqual({
      message_id: id,
      status: "cancelled",
      cancelled_deliveries: 4,
      refunded_amount: 0.08,
      currency: "USD",
    });
    const ledger = await rows<{ wallet_type: string; amount_micros: number; reason: string }>(
      "SELECT wallet_type, amount_micros, reason FROM wallet_ledger WHERE send_id = ? ORDER BY id",
      id,
    );
    expect(ledger).toEqual([
      { wallet_type: "LISOLOO_SMS", amount_micros: -50_000, reason: "send_debit" },
      { wallet_type: "LISOLOO_POST_PAID", amount_micros: -30_000, reason: "send_debit" },
      { wallet_type: "LISOLOO_POST_PAID", amount_micros: 30_000, reason: "refund" },
      { wallet_type: "LISOLOO_SMS", amount_micros: 50_000, reason: "refund" },
    ]);
    const wallets = await rows(
      "SELECT type, balance_micros FROM wallets WHERE merchant_id = ? ORDER BY type",
      merchantId,
    );
    expect(wallets).toEqual([
      { type: "LISOLOO_POST_PAID", balance_micros: 1_000_000 },
      { type: "LISOLOO_SMS", balance_micros: 50_000 },
    ]);
    expect((await api(apiKey, "GET", `/status/${id}`)).body.data).toMatchObject({
      status: "cancelled",
      cancelled: 4,
      pending: 0,
    });
    const again = await api(apiKey, "DELETE", `/cancel/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe("1204");
    await runCron(Date.now() + 4 * 86_400_000);
    expect(await deliveryCount(id)).toBe(0);
  });

  it("refuses to cancel what carriers already have, and to pause an immediate send", async () => {
    const { apiKey } = await newMerchant();
    const sent = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Fast" });
    const id = sent.body.data.message_id as string;
    await waitFor(
      async () => (await api(apiKey, "GET", `/status/${id}`)).body.data.status,
      (s) => s === "delivered",
    );
    const cancel = await api(apiKey, "DELETE", `/cancel/${id}`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error_code).toBe("1204");
    expect((await api(apiKey, "POST", `/pause/${id}`)).body.error_code).toBe("1204");
    expect((await api(apiKey, "POST", `/resume/${id}`)).body.error_code).toBe("1204");
    const other = await newMerchant();
    expect((await api(other.apiKey, "DELETE", `/cancel/${id}`)).status).toBe(404);
  });
});
