import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openSecret } from "../src/crypto/secret-box";
import { admin, api, newMerchant, rows } from "./helpers";

describe("operator API: merchants", () => {
  it("creates a merchant with both wallets, its opening balances as ledger rows, and shows it", async () => {
    const created = await admin("POST", "/merchants", {
      name: "Pharmacie Kin",
      time_zone: "Africa/Lubumbashi",
      currency: "CDF",
      unit_price: 55.5,
      default_sender_id: "PHARMA",
      allowed_countries: ["CD"],
      rate_limits: { send: 600 },
      wallets: { LISOLOO_SMS: 10_000, LISOLOO_POST_PAID: 2_500 },
    });
    expect(created.status).toBe(201);
    const merchant = created.body.data;
    expect(merchant).toMatchObject({
      merchant_id: expect.stringMatching(/^mch_[0-9a-f]{20}$/),
      name: "Pharmacie Kin",
      time_zone: "Africa/Lubumbashi",
      currency: "CDF",
      unit_price: 55.5,
      default_sender_id: "PHARMA",
      allowed_countries: ["CD"],
      rate_limits: { send: 600 },
    });
    const wallets = await admin("GET", `/merchants/${merchant.merchant_id}/wallets`);
    expect(wallets.body.data.wallets).toEqual([
      { type: "LISOLOO_SMS", balance: 10_000 },
      { type: "LISOLOO_POST_PAID", balance: 2_500 },
    ]);
    expect(
      wallets.body.data.ledger.map((l: { reason: string; amount: number }) => [l.reason, l.amount]).sort(),
    ).toEqual([
      ["topup", 10_000],
      ["topup", 2_500],
    ]);
    const shown = await admin("GET", `/merchants/${merchant.merchant_id}`);
    expect(shown.body.data).toEqual(merchant);
    const patched = await admin("PATCH", `/merchants/${merchant.merchant_id}`, {
      unit_price: null,
      allowed_countries: null,
    });
    expect(patched.body.data).toMatchObject({
      unit_price: null,
      allowed_countries: null,
      name: "Pharmacie Kin",
    });
  });

  it.each([
    ["no name", { unit_price: 1 }, "1109", "name"],
    ["an unknown time zone", { name: "x", time_zone: "Mars/Olympus" }, "1110", "time_zone"],
    ["a negative price", { name: "x", unit_price: -1 }, "1110", "unit_price"],
    ["an unknown field", { name: "x", colour: "red" }, "1110", "colour"],
    ["a lowercase country", { name: "x", allowed_countries: ["cd"] }, "1110", "allowed_countries[0]"],
  ])("refuses a merchant with %s, naming the field", async (_label, body, code, field) => {
    const res = await admin("POST", "/merchants", body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(code);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe("operator API: wallets", () => {
  it("tops up and adjusts through ledger rows; never below zero; references are single-use", async () => {
    const { merchantId, apiKey } = await newMerchant({ wallets: { LISOLOO_SMS: 1 } });
    expect(
      (
        await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/topups`, {
          amount: 2.5,
          reference: `inv-${merchantId}`,
        })
      ).status,
    ).toBe(201);
    const again = await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/topups`, {
      amount: 2.5,
      reference: `inv-${merchantId}`,
    });
    expect(again.status).toBe(400);
    expect(again.body.details[0].field).toBe("reference");
    expect(
      (
        await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_POST_PAID/adjustments`, {
          amount: 3,
          note: "credit line",
        })
      ).status,
    ).toBe(201);
    const over = await admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/adjustments`, {
      amount: -10,
      note: "too much",
    });
    expect(over.status).toBe(400);
    expect(over.body.details[0]).toMatchObject({ field: "amount" });
    expect((await admin("POST", `/merchants/${merchantId}/wallets/OTHER/topups`, { amount: 1 })).status).toBe(
      404,
    );
    const balance = await api(apiKey, "GET", "/balance");
    expect(balance.body.data.balance).toBe(6.5);
    const [sums] = await rows<{ ledger: number; wallets: number }>(
      `SELECT (SELECT SUM(amount_micros) FROM wallet_ledger WHERE merchant_id = ?1) AS ledger,
              (SELECT SUM(balance_micros) FROM wallets WHERE merchant_id = ?1) AS wallets`,
      merchantId,
    );
    expect(sums?.ledger).toBe(sums?.wallets);
  });

  it("50 concurrent top-ups and debits keep the ledger equal to the balance", async () => {
    const { merchantId, apiKey } = await newMerchant({
      wallets: { LISOLOO_SMS: 0.1 },
      rate_limits: { send: 1000 },
    });
    await Promise.all([
      ...Array.from({ length: 25 }, () =>
        admin("POST", `/merchants/${merchantId}/wallets/LISOLOO_SMS/topups`, { amount: 0.02 }),
      ),
      ...Array.from({ length: 25 }, (_, i) =>
        api(apiKey, "POST", "/send", { to: [`+24381${String(i).padStart(7, "0")}`], message: "Hi" }),
      ),
    ]);
    const [state] = await rows<{ ledger: number; balance: number }>(
      `SELECT (SELECT SUM(amount_micros) FROM wallet_ledger WHERE merchant_id = ?1 AND wallet_type = 'LISOLOO_SMS') AS ledger,
              (SELECT balance_micros FROM wallets WHERE merchant_id = ?1 AND type = 'LISOLOO_SMS') AS balance`,
      merchantId,
    );
    expect(state?.ledger).toBe(state?.balance);
    expect(state?.balance).toBeGreaterThanOrEqual(0);
  });
});

describe("secrets", () => {
  afterEach(() => vi.restoreAllMocks());

  it("stores the webhook Basic password encrypted, never returns it, and logs no key or password", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const password = `pw-${crypto.randomUUID()}`;
    const { keyId, apiKey } = await newMerchant();
    const put = await admin("PUT", `/keys/${keyId}/webhook`, {
      // The local test receiver: the pipeline really delivers to it, and nothing leaves the machine.
      webhook_url: `${env.WEBHOOK_RECEIVER_URL}/hooks/${crypto.randomUUID()}`,
      webhook_basic_auth_username: "shop",
      webhook_basic_auth_password: password,
    });
    expect(put.status).toBe(200);
    expect(put.body.data.webhook).toMatchObject({
      webhook_basic_auth_username: "shop",
      webhook_basic_auth_password_set: true,
    });
    expect(JSON.stringify(put.body)).not.toContain(password);
    expect(JSON.stringify((await admin("GET", `/keys/${keyId}`)).body)).not.toContain(password);

    const [row] = await rows<{ webhook_basic_auth_password_enc: string }>(
      "SELECT webhook_basic_auth_password_enc FROM api_keys WHERE id = ?",
      keyId,
    );
    expect(row?.webhook_basic_auth_password_enc).not.toContain(password);
    expect(await openSecret("test-credentials-key", row?.webhook_basic_auth_password_enc as string)).toBe(
      password,
    );
    await expect(openSecret("another-key", row?.webhook_basic_auth_password_enc as string)).rejects.toThrow();

    // Exercise the paths that log: failures, refusals, a send and its pipeline.
    await api(apiKey, "POST", "/send", "{broken", { "content-type": "application/json" });
    await api(`${apiKey.slice(0, -1)}x`, "GET", "/balance");
    await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" });
    await new Promise((r) => setTimeout(r, 500));
    for (const line of lines) {
      expect(line).not.toContain(apiKey);
      expect(line).not.toContain(apiKey.slice(8, -4));
      expect(line).not.toContain(password);
    }

    const cleared = await admin("DELETE", `/keys/${keyId}/webhook`);
    expect(cleared.body.data.webhook).toMatchObject({
      webhook_basic_auth_username: null,
      webhook_basic_auth_password_set: false,
    });
  });

  it.each([
    "http://hooks.example.com/x",
    "https://user:pass@hooks.example.com/x",
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://metadata.google.internal/x",
  ])("refuses webhook_url %s with 1105", async (url) => {
    const { keyId } = await newMerchant();
    const res = await admin("PUT", `/keys/${keyId}/webhook`, { webhook_url: url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error_code: "1105",
      details: [{ field: "webhook_url", code: "INVALID_CALLBACK_URL" }],
    });
  });
});
