import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  balanceResponseSchema,
  errorEnvelopeSchema,
  previewResponseSchema,
  sendResponseSchema,
} from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { admin, api, newMerchant, rows, shardDb, withWebhook } from "./helpers";

const tomorrow = () => new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);

async function walletState(merchantId: string) {
  const wallets = await rows<{ type: string; balance_micros: number }>(
    "SELECT type, balance_micros FROM wallets WHERE merchant_id = ? ORDER BY type",
    merchantId,
  );
  const ledger = await rows<{ wallet_type: string; total: number }>(
    "SELECT wallet_type, SUM(amount_micros) AS total FROM wallet_ledger WHERE merchant_id = ? GROUP BY wallet_type",
    merchantId,
  );
  const balance = Object.fromEntries(wallets.map((w) => [w.type, w.balance_micros]));
  const sums = Object.fromEntries(ledger.map((l) => [l.wallet_type, l.total]));
  return { balance, sums };
}

describe("POST /send — accepted sends", () => {
  it("answers the docs' quickstart with exactly the documented fields and writes one consistent batch", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Hello from Lisoloo!",
      sender_id: "LISOLOO",
    });
    expect(res.status).toBe(201);
    const body = sendResponseSchema.parse(res.body);
    expect(Object.keys(res.body.data)).toEqual([
      "message_id",
      "total_recipients",
      "total_messages",
      "total_cost",
      "currency",
      "status",
      "sending_type",
      "segments",
      "encoding",
      "dispatches",
      "unit_price",
      "scheduled_at",
      "duplicates_removed",
    ]);
    expect(body.data).toMatchObject({
      total_recipients: 1,
      total_messages: 1,
      total_cost: 0.02,
      currency: "USD",
      status: "pending",
      sending_type: "immediate",
      segments: 1,
      encoding: "GSM-7",
      dispatches: 1,
      unit_price: 0.02,
      scheduled_at: null,
      duplicates_removed: 0,
    });
    expect(body.data.message_id).toMatch(/^[0-9a-f]{24}$/);
    // ObjectId layout: the first 4 bytes are the creation time in seconds.
    expect(Math.abs(Number.parseInt(body.data.message_id.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(
      5,
    );

    const id = body.data.message_id;
    const [send] = await rows("SELECT * FROM sends WHERE id = ?", id);
    expect(send).toMatchObject({
      merchant_id: merchantId,
      total_cost_micros: 20_000,
      sender_id: "LISOLOO",
      state: "active",
    });
    expect(await rows("SELECT phone FROM recipients WHERE send_id = ?", id)).toEqual([
      { phone: "+243998857000" },
    ]);
    expect(await rows("SELECT seq, status FROM dispatches WHERE send_id = ?", id)).toEqual([
      { seq: 0, status: "released" },
    ]);
    expect(await rows("SELECT phone, status FROM deliveries WHERE send_id = ?", id)).toEqual([
      { phone: "+243998857000", status: "pending" },
    ]);
    expect(await rows("SELECT event_type FROM webhook_events WHERE send_id = ?", id)).toEqual([
      { event_type: "sms.queued" },
    ]);
    expect(
      await rows("SELECT wallet_type, amount_micros, reason FROM wallet_ledger WHERE send_id = ?", id),
    ).toEqual([{ wallet_type: "LISOLOO_SMS", amount_micros: -20_000, reason: "send_debit" }]);
    const state = await walletState(merchantId);
    expect(state.balance.LISOLOO_SMS).toBe(100_000_000 - 20_000);
    expect(state.sums).toEqual(
      state.balance.LISOLOO_POST_PAID === 0 ? { LISOLOO_SMS: state.balance.LISOLOO_SMS } : state.balance,
    );
  });

  it("prices the docs' examples: 3 recipients → 0.06; 200 characters to 50 recipients → 2.00", async () => {
    const { apiKey } = await newMerchant();
    const three = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243 998 857 001", "(+243) 998-857-002"],
      message: "Hi",
    });
    expect(three.status).toBe(201);
    expect(three.body.data).toMatchObject({ total_recipients: 3, total_messages: 3, total_cost: 0.06 });

    const fifty = Array.from({ length: 50 }, (_, i) => `+24381000${String(i).padStart(4, "0")}`);
    const long = await api(apiKey, "POST", "/send", { to: fifty, message: "x".repeat(200) });
    expect(long.status).toBe(201);
    expect(long.body.data).toMatchObject({
      total_recipients: 50,
      segments: 2,
      total_messages: 100,
      total_cost: 2,
    });
  });

  it("removes duplicates after normalisation and says how many", async () => {
    const { apiKey } = await newMerchant();
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "243 998 857 000", "+243-998-857-000"],
      message: "Hi",
    });
    expect(res.body.data).toMatchObject({ total_recipients: 1, duplicates_removed: 2, total_cost: 0.02 });
  });

  it("accepts a scheduled send: 2 dates × 2 recipients → 4 messages, first dispatch in the merchant's zone", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const date = tomorrow();
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Reminder",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "08:00" },
        { date, time: "18:30" },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      status: "scheduled",
      dispatches: 2,
      total_messages: 4,
      total_cost: 0.08,
      scheduled_at: `${date}T08:00:00+01:00`,
    });
    const id = res.body.data.message_id;
    const dispatches = await rows<{ due_at: number; status: string }>(
      "SELECT due_at, status FROM dispatches WHERE send_id = ? ORDER BY seq",
      id,
    );
    expect(dispatches.map((d) => [new Date(d.due_at).toISOString(), d.status])).toEqual([
      [`${date}T07:00:00.000Z`, "scheduled"],
      [`${date}T17:30:00.000Z`, "scheduled"],
    ]);
    // Nothing is handed to anyone yet, but the whole cost is debited at acceptance.
    expect(await rows("SELECT * FROM deliveries WHERE send_id = ?", id)).toEqual([]);
    expect((await walletState(merchantId)).balance.LISOLOO_SMS).toBe(100_000_000 - 80_000);
  });

  it("accepts a recurring send and debits every occurrence", async () => {
    const { apiKey } = await newMerchant({ time_zone: "Europe/Paris" });
    const start = tomorrow();
    const end = new Date(Date.parse(start) + 6 * 86_400_000).toISOString().slice(0, 10);
    const res = await api(apiKey, "POST", "/send", {
      to: ["+33612345678"],
      message: "Daily",
      sending_type: "recurring",
      recurring_schedule: { start_date: start, end_date: end, frequency: "daily", times: ["09:00", "17:00"] },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      status: "scheduled",
      dispatches: 14,
      total_messages: 14,
      sending_type: "recurring",
    });
    expect(res.body.data.scheduled_at).toMatch(new RegExp(`^${start}T09:00:00\\+0[12]:00$`));
  });

  it("uses the merchant's default sender, else LISOLOO, and transliterates when asked", async () => {
    const { apiKey } = await newMerchant({ default_sender_id: "MYSHOP" });
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Ça marche — à bientôt",
      transliterate: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(res.body.data.transliterated.replacements).toEqual(
      expect.arrayContaining([{ from: "—", to: "-", count: 1 }]),
    );
    const [send] = await rows<{ sender_id: string; message: string }>(
      "SELECT sender_id, message FROM sends WHERE id = ?",
      res.body.data.message_id,
    );
    expect(send?.sender_id).toBe("MYSHOP");
    expect(send?.message).toBe("Ça marche - à bientot");
    const plain = await newMerchant();
    const other = await api(plain.apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Ça marche — à bientôt",
    });
    expect(other.body.data).toMatchObject({ encoding: "UCS-2" });
    const [row] = await rows<{ sender_id: string }>(
      "SELECT sender_id FROM sends WHERE id = ?",
      other.body.data.message_id,
    );
    expect(row?.sender_id).toBe("LISOLOO");
  });
});

describe("POST /send — refusals", () => {
  const valid = { to: ["+243998857000"], message: "Hello" };
  it.each([
    ["empty recipients", { ...valid, to: [] }, 400, "1101", "to"],
    ["recipients not an array", { ...valid, to: "+243998857000" }, 400, "1101", "to"],
    ["a bad sender id", { ...valid, sender_id: "THIS-IS-TOO-LONG" }, 400, "1102", "sender_id"],
    [
      "a past date",
      { ...valid, sending_type: "scheduled", scheduled_dates: [{ date: "2020-01-01", time: "08:00" }] },
      400,
      "1103",
      "scheduled_dates[0]",
    ],
    ["a bad phone number", { ...valid, to: ["+243998857000", "abc"] }, 400, "1104", "to[1]"],
    [
      "a private callback URL",
      { ...valid, callback_url: "https://10.0.0.1/hook" },
      400,
      "1105",
      "callback_url",
    ],
    ["a missing message", { to: valid.to }, 400, "1109", "message"],
    ["an unknown field", { ...valid, recipients: ["+243998857000"] }, 400, "1110", "recipients"],
    ["a message over 1600 characters", { ...valid, message: "a".repeat(1601) }, 400, "1110", "message"],
    [
      "scheduled_dates on an immediate send",
      { ...valid, scheduled_dates: [{ date: "2099-01-01", time: "08:00" }] },
      400,
      "1110",
      "scheduled_dates",
    ],
    [
      "more than 1000 recipients",
      { ...valid, to: Array.from({ length: 1001 }, (_, i) => `+2438100${String(i).padStart(5, "0")}`) },
      400,
      "1203",
      "to",
    ],
  ])("refuses %s", async (_label, body, status, code, field) => {
    const { apiKey, merchantId } = await newMerchant();
    const res = await api(apiKey, "POST", "/send", body);
    expect(res.status).toBe(status);
    const envelope = errorEnvelopeSchema.parse(res.body);
    expect(envelope.error_code).toBe(code);
    expect(envelope.details?.map((d) => d.field)).toContain(field);
    // Nothing half-written: no send, no debit.
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toEqual([]);
    expect((await walletState(merchantId)).balance.LISOLOO_SMS).toBe(100_000_000);
  });

  it("names every mistake of a body with several", async () => {
    const { apiKey } = await newMerchant();
    const res = await api(apiKey, "POST", "/send", {
      to: ["bad", "+243998857000", "also bad"],
      sender_id: "",
      callback_url: "http://example.com",
      extra: 1,
    });
    expect(res.status).toBe(400);
    const fields = (res.body.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(
      expect.arrayContaining(["to[0]", "to[2]", "message", "sender_id", "callback_url", "extra"]),
    );
  });

  it.each([
    ["not JSON", "{nope", "application/json", 400, "1106"],
    ["a JSON array", "[]", "application/json", 400, "1106"],
    [
      "a wrong content type",
      JSON.stringify({ to: ["+243998857000"], message: "Hi" }),
      "text/plain",
      400,
      "1106",
    ],
    [
      "a body over 256 KiB",
      JSON.stringify({ to: ["+243998857000"], message: "x".repeat(300_000) }),
      "application/json",
      413,
      "1304",
    ],
  ])("refuses %s", async (_label, raw, type, status, code) => {
    const { apiKey } = await newMerchant();
    const res = await api(apiKey, "POST", "/send", raw, { "content-type": type });
    expect(res.status).toBe(status);
    expect(errorEnvelopeSchema.parse(res.body).error_code).toBe(code);
  });

  it("refuses destinations outside the merchant's allow-list with 1305, naming each", async () => {
    const { apiKey } = await newMerchant({ allowed_countries: ["CD"] });
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+33612345678", "+2348012345678"],
      message: "Hi",
    });
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe("1305");
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(["to[1]", "to[2]"]);
    // The sandbox's magic numbers are always allowed.
    expect(
      (await api(apiKey, "POST", "/send", { to: ["+243998857000", "+999000000001"], message: "Hi" })).status,
    ).toBe(201);
  });

  it("answers 402 1202 when the wallets cannot cover the cost, and 1205 without wallets", async () => {
    const poor = await newMerchant({ wallets: { LISOLOO_SMS: 0.03 } });
    const res = await api(poor.apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Hi",
    });
    expect(res.status).toBe(402);
    expect(res.body.error_code).toBe("1202");
    expect((await walletState(poor.merchantId)).balance.LISOLOO_SMS).toBe(30_000);

    const none = await newMerchant({ wallets: {} });
    await (await shardDb(none.merchantId))
      .prepare("DELETE FROM wallets WHERE merchant_id = ?")
      .bind(none.merchantId)
      .run();
    const noWallet = await api(none.apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" });
    expect(noWallet.status).toBe(400);
    expect(noWallet.body.error_code).toBe("1205");
    expect((await api(none.apiKey, "GET", "/balance")).body.error_code).toBe("1205");
  });
});

describe("money under concurrency", () => {
  it("50 parallel sends against a wallet that affords exactly 20: 20 accepted, 30 refused, balance 0", async () => {
    const { apiKey, merchantId } = await newMerchant({
      wallets: { LISOLOO_SMS: 0.4 },
      rate_limits: { send: 1000 },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(apiKey, "POST", "/send", { to: [`+24381${String(i).padStart(7, "0")}`], message: "Hi" }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    for (const r of results.filter((r) => r.status === 402)) expect(r.body.error_code).toBe("1202");
    const state = await walletState(merchantId);
    expect(state.balance.LISOLOO_SMS).toBe(0);
    expect(state.sums.LISOLOO_SMS).toBe(0);
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toHaveLength(20);
  });

  it("a prepaid wallet that runs dry mid-debit is topped by postpaid", async () => {
    const { apiKey, merchantId } = await newMerchant({
      wallets: { LISOLOO_SMS: 0.05, LISOLOO_POST_PAID: 1 },
    });
    const res = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001", "+243998857002", "+243998857003"],
      message: "Hi",
    });
    expect(res.status).toBe(201);
    const ledger = await rows(
      "SELECT wallet_type, amount_micros FROM wallet_ledger WHERE send_id = ? ORDER BY wallet_type",
      res.body.data.message_id,
    );
    expect(ledger).toEqual([
      { wallet_type: "LISOLOO_POST_PAID", amount_micros: -30_000 },
      { wallet_type: "LISOLOO_SMS", amount_micros: -50_000 },
    ]);
    const state = await walletState(merchantId);
    expect(state.balance).toEqual({ LISOLOO_POST_PAID: 970_000, LISOLOO_SMS: 0 });
    expect(state.sums).toEqual(state.balance);
  });

  it("the database itself refuses an overdraft, whatever the caller", async () => {
    const { merchantId } = await newMerchant({ wallets: { LISOLOO_SMS: 1 } });
    const db = await shardDb(merchantId);
    await expect(
      db
        .prepare(
          "INSERT INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, created_at) VALUES (?, 'LISOLOO_SMS', -2000000, 'adjustment', 0)",
        )
        .bind(merchantId)
        .run(),
    ).rejects.toThrow(/CHECK constraint failed/);
    await expect(
      db.prepare("UPDATE wallet_ledger SET amount_micros = 1 WHERE merchant_id = ?").bind(merchantId).run(),
    ).rejects.toThrow(/append-only/);
    expect((await walletState(merchantId)).balance.LISOLOO_SMS).toBe(1_000_000);
  });
});

describe("Idempotency-Key on /send", () => {
  it("20 parallel identical requests → one send, one debit, identical bodies", async () => {
    const { apiKey, merchantId } = await newMerchant({ rate_limits: { send: 1000 } });
    const body = { to: ["+243998857000"], message: "Once" };
    const key = crypto.randomUUID();
    const first = await api(apiKey, "POST", "/send", body, { "idempotency-key": key });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api(apiKey, "POST", "/send", body, { "idempotency-key": key })),
    );
    expect(first.status).toBe(201);
    for (const r of results) {
      expect(r.status).toBe(201);
      expect(r.body).toEqual(first.body);
      expect(r.headers.get("idempotent-replayed")).toBe("true");
    }
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toHaveLength(1);
    expect(
      await rows("SELECT id FROM wallet_ledger WHERE merchant_id = ? AND reason = 'send_debit'", merchantId),
    ).toHaveLength(1);

    const racing = crypto.randomUUID();
    const raced = await Promise.all(
      Array.from({ length: 20 }, () => api(apiKey, "POST", "/send", body, { "idempotency-key": racing })),
    );
    expect(
      raced.filter((r) => r.status === 201 && r.headers.get("idempotent-replayed") !== "true"),
    ).toHaveLength(1);
    for (const r of raced) expect([201, 409]).toContain(r.status);
    expect(
      await rows("SELECT id FROM sends WHERE merchant_id = ? AND idempotency_key = ?", merchantId, racing),
    ).toHaveLength(1);

    const other = await api(
      apiKey,
      "POST",
      "/send",
      { ...body, message: "Twice" },
      { "idempotency-key": key },
    );
    expect(other.status).toBe(422);
    expect(other.body.error_code).toBe("1108");
  });
});

describe("Idempotency-Key backstop", () => {
  it("answers the first send again when the key guard lost its record: the send row's unique key holds", async () => {
    const { apiKey, keyId, merchantId } = await newMerchant();
    const body = { to: ["+243998857000"], message: "Only once" };
    const key = crypto.randomUUID();
    const first = await api(apiKey, "POST", "/send", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    // The key guard's record is gone (storage loss, a stale lock taken over): only D1 remembers.
    const guard = env.KEY_GUARD.get(env.KEY_GUARD.idFromName(keyId));
    await runInDurableObject(guard, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM idempotency");
    });
    const again = await api(apiKey, "POST", "/send", body, { "idempotency-key": key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data).toEqual(first.body.data);
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toHaveLength(1);
    expect(
      await rows("SELECT id FROM wallet_ledger WHERE merchant_id = ? AND reason = 'send_debit'", merchantId),
    ).toHaveLength(1);
  });
});

describe("rate limits on /send", () => {
  it("the 61st send in a minute gets 429 1301 with Retry-After; other keys and buckets are unaffected", async () => {
    const { apiKey, merchantId } = await newMerchant({ wallets: { LISOLOO_SMS: 1000 } });
    // Pin the window: do not start a burst in the last seconds of a minute.
    if (Date.now() % 60_000 > 50_000)
      await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 50));
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push((await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: `n${i}` })).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const over = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "one too many" });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ error_code: "1301", retryable: true });
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.body.retry_after).toBe(retryAfter);
    expect(over.headers.get("ratelimit-remaining")).toBe("0");
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toHaveLength(60);
    expect((await api(apiKey, "GET", "/balance")).status).toBe(200);
    const other = await newMerchant();
    expect((await api(other.apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" })).status).toBe(
      201,
    );
  });
});

describe("POST /preview and GET /balance", () => {
  it("preview prices like send and stores nothing", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const res = await api(apiKey, "POST", "/preview", {
      to: ["+243998857000", "+243998857001"],
      message: "é".repeat(161),
    });
    expect(res.status).toBe(200);
    const body = previewResponseSchema.parse(res.body);
    expect(body.data).toMatchObject({ total_recipients: 2, segments: 2, encoding: "GSM-7" });
    const ucs = await api(apiKey, "POST", "/preview", { to: ["+243998857000"], message: "ê".repeat(71) });
    expect(ucs.body.data).toMatchObject({ encoding: "UCS-2", segments: 2, total_cost: 0.04 });
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toEqual([]);
    expect((await walletState(merchantId)).balance.LISOLOO_SMS).toBe(100_000_000);
  });

  it("balance answers the documented shape: both wallets, their sum, the unit price, available_sms", async () => {
    const { apiKey, merchantId } = await newMerchant({
      unit_price: 0.025,
      wallets: { LISOLOO_SMS: 10, LISOLOO_POST_PAID: 2.5 },
    });
    const res = await api(apiKey, "GET", "/balance");
    expect(res.status).toBe(200);
    expect(balanceResponseSchema.parse(res.body)).toEqual({
      status_code: 200,
      success: true,
      data: {
        balance: 12.5,
        sms_wallet_balance: 10,
        postpaid_wallet_balance: 2.5,
        currency: "USD",
        unit_price: 0.025,
        available_sms: 500,
      },
    });
    await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/topups`, { amount: 0.5 });
    expect((await api(apiKey, "GET", "/balance")).body.data).toMatchObject({
      balance: 13,
      sms_wallet_balance: 10.5,
      available_sms: 520,
    });
  });

  it("balance reports 0 for a wallet the merchant does not have", async () => {
    const { apiKey, merchantId } = await newMerchant({
      unit_price: 0.02,
      wallets: { LISOLOO_POST_PAID: 20.5 },
    });
    await (await shardDb(merchantId))
      .prepare("DELETE FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'")
      .bind(merchantId)
      .run();
    const res = await api(apiKey, "GET", "/balance");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      balance: 20.5,
      sms_wallet_balance: 0,
      postpaid_wallet_balance: 20.5,
      currency: "USD",
      unit_price: 0.02,
      available_sms: 1025,
    });
  });
});
