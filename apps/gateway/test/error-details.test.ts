import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { errorEnvelopeSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { generateApiKey, withChecksum } from "../src/auth/key-format";
import worker from "../src/index";
import { admin, api, BASE, call, newMerchant, rows } from "./helpers";

type Detail = { field: string; message: string; code: string };

/** The parsed envelope of a response, checked against the protocol's schema. */
async function envelope(res: Response) {
  return { status: res.status, body: errorEnvelopeSchema.parse(await res.json()) };
}

function expectError(
  res: { status: number; body: Record<string, unknown> },
  status: number,
  code: string,
  message: string,
  details: Detail[] | null,
) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({
    status_code: status,
    error_code: code,
    message,
    detail: message,
    details,
  });
}

const head = `sk_test_${"a".repeat(26)}`;
const goodChecksum = withChecksum(head);
const badChecksum = goodChecksum.slice(0, -1) + (goodChecksum.endsWith("0") ? "1" : "0");

describe("401 1001 says which part of the app-key is wrong", () => {
  it.each<[string, Record<string, string>, string]>([
    ["no app-key header", {}, "The app-key header is missing"],
    ["a blank app-key header", { "app-key": "   " }, "The app-key header is missing"],
    [
      "the key in Authorization instead",
      { authorization: `Bearer ${generateApiKey("sandbox")}` },
      "The app-key header is missing; the key goes in app-key, not in Authorization",
    ],
    [
      "a wrong prefix",
      { "app-key": `pk_test_${"a".repeat(32)}` },
      "Malformed key: must start with sk_test_ or sk_live_",
    ],
    [
      "a Bearer scheme in app-key",
      { "app-key": `Bearer ${generateApiKey("sandbox")}` },
      "Malformed key: must start with sk_test_ or sk_live_",
    ],
    [
      "a truncated key",
      { "app-key": generateApiKey("sandbox").slice(0, -1) },
      "Malformed key: expected 32 letters and digits after sk_test_, got 31",
    ],
    [
      "a key with a stray character",
      { "app-key": `sk_test_${"a".repeat(31)}-` },
      "Malformed key: only letters and digits may follow the prefix",
    ],
    [
      "a mistyped key (bad checksum)",
      { "app-key": badChecksum },
      "Malformed key: its checksum does not match, so a character was mistyped or changed",
    ],
    [
      "a production key on the sandbox deployment",
      { "app-key": generateApiKey("production") },
      "A production key (sk_live_): this deployment serves the sandbox and accepts only sk_test_ keys",
    ],
    [
      "the documentation's placeholder production key on the sandbox (its prefix is enough)",
      { "app-key": `sk_live_${"x".repeat(32)}` },
      "A production key (sk_live_): this deployment serves the sandbox and accepts only sk_test_ keys",
    ],
    [
      "a well-formed key nobody issued",
      { "app-key": generateApiKey("sandbox") },
      "Key not accepted: it is unknown here, or it was revoked or regenerated",
    ],
  ])("%s", async (_label, headers, message) => {
    const res = await envelope(await call(`${BASE}/balance`, { headers }));
    expectError(res, 401, "1001", "Missing or invalid app-key", [
      { field: "app-key", message, code: "INVALID_APP_KEY" },
    ]);
  });

  it("a sandbox key on the production deployment names the environment the deployment serves", async () => {
    // A valid production environment: http://localhost webhooks are refused there.
    const production = { ...env, ENVIRONMENT: "production", ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false" };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/balance`, { headers: { "app-key": generateApiKey("sandbox") } }),
      production,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expectError(await envelope(res), 401, "1001", "Missing or invalid app-key", [
      {
        field: "app-key",
        message: "A sandbox key (sk_test_): this deployment serves production and accepts only sk_live_ keys",
        code: "INVALID_APP_KEY",
      },
    ]);
  });

  it("never tells an unknown key from a revoked or a replaced one", async () => {
    const revoked = await newMerchant();
    await admin("POST", `/keys/${revoked.keyId}/revoke`);
    const replaced = await newMerchant();
    expect((await admin("POST", `/keys/${replaced.keyId}/regenerate`, {})).status).toBe(201);

    const answers = await Promise.all(
      [generateApiKey("sandbox"), revoked.apiKey, replaced.apiKey].map(async (key) => {
        const res = await call(`${BASE}/balance`, { headers: { "app-key": key } });
        const headers = [...res.headers].filter(([name]) => name !== "x-request-id");
        const { timestamp: _t, request_id: _r, ...body } = (await res.json()) as Record<string, unknown>;
        return { status: res.status, headers, body };
      }),
    );
    expect(answers[0]?.status).toBe(401);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});

describe("400 1106 says whether the Content-Type, the JSON or its shape is wrong", () => {
  const json = JSON.stringify({ to: ["+243998857000"], message: "Hi" });
  const contentType = "Content-Type must be application/json";
  const notJson = "Request body is not valid JSON";
  const notObject = "Request body must be a JSON object";
  it.each<[string, string | null, string, string, Detail]>([
    [
      "no Content-Type",
      null,
      json,
      contentType,
      {
        field: "Content-Type",
        message: "The header is missing; send Content-Type: application/json",
        code: "INVALID_JSON",
      },
    ],
    [
      "a text/plain Content-Type",
      "text/plain",
      json,
      contentType,
      { field: "Content-Type", message: 'Must be application/json, got "text/plain"', code: "INVALID_JSON" },
    ],
    [
      "a form Content-Type",
      "application/x-www-form-urlencoded",
      "to=%2B243998857000&message=Hi",
      contentType,
      {
        field: "Content-Type",
        message: 'Must be application/json, got "application/x-www-form-urlencoded"',
        code: "INVALID_JSON",
      },
    ],
    [
      "an empty body",
      "application/json",
      "",
      notJson,
      { field: "body", message: "The body is empty", code: "INVALID_JSON" },
    ],
    [
      "a syntax error",
      "application/json",
      "{nope",
      notJson,
      { field: "body", message: "Body is not valid JSON (line 1, column 2)", code: "INVALID_JSON" },
    ],
    [
      "a trailing comma on the second line",
      "application/json; charset=utf-8",
      '{"to": ["+243998857000"],\n "message": "Hi",}',
      notJson,
      { field: "body", message: "Body is not valid JSON (line 2, column 18)", code: "INVALID_JSON" },
    ],
    [
      "a truncated body",
      "application/json",
      '{"to": [',
      notJson,
      {
        field: "body",
        message: "Body is not valid JSON: it ends before the value is complete",
        code: "INVALID_JSON",
      },
    ],
    [
      "an array",
      "application/json",
      "[]",
      notObject,
      { field: "body", message: "Must be a JSON object, got an array", code: "INVALID_JSON" },
    ],
    [
      "a string",
      "application/json",
      '"hi"',
      notObject,
      { field: "body", message: "Must be a JSON object, got a string", code: "INVALID_JSON" },
    ],
    [
      "a number",
      "application/json",
      "42",
      notObject,
      { field: "body", message: "Must be a JSON object, got a number", code: "INVALID_JSON" },
    ],
    [
      "a boolean",
      "application/json",
      "true",
      notObject,
      { field: "body", message: "Must be a JSON object, got a boolean", code: "INVALID_JSON" },
    ],
    [
      "null",
      "application/json",
      "null",
      notObject,
      { field: "body", message: "Must be a JSON object, got null", code: "INVALID_JSON" },
    ],
  ])("%s", async (_label, type, raw, message, detail) => {
    const { apiKey } = await newMerchant();
    // Bytes, not a string: fetch would otherwise add a text/plain Content-Type of its own.
    const res = await call(`${BASE}/send`, {
      method: "POST",
      headers: { "app-key": apiKey, ...(type === null ? {} : { "content-type": type }) },
      body: new TextEncoder().encode(raw),
    });
    expectError(await envelope(res), 400, "1106", message, [detail]);
  });
});

describe("402 1202 says how much was needed and how much is available", () => {
  const recipients = (n: number) =>
    Array.from({ length: n }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
  it.each<[string, Parameters<typeof newMerchant>[0], number, string]>([
    ["prepaid short", { wallets: { LISOLOO_SMS: 0.03 } }, 2, "Needed 0.04 USD, available 0.03 USD"],
    ["an empty prepaid wallet", { wallets: { LISOLOO_SMS: 0 } }, 1, "Needed 0.02 USD, available 0.00 USD"],
    [
      "prepaid and postpaid together short",
      { wallets: { LISOLOO_SMS: 0.5, LISOLOO_POST_PAID: 0.25 } },
      50,
      "Needed 1.00 USD, available 0.75 USD",
    ],
    [
      "a price finer than cents",
      { unit_price: 0.025, wallets: { LISOLOO_SMS: 0.05 } },
      3,
      "Needed 0.075 USD, available 0.05 USD",
    ],
    [
      "the merchant's own currency",
      { currency: "CDF", unit_price: 50, wallets: { LISOLOO_SMS: 20 } },
      1,
      "Needed 50.00 CDF, available 20.00 CDF",
    ],
  ])("%s", async (_label, options, count, message) => {
    const { apiKey, merchantId } = await newMerchant(options);
    const res = await api(apiKey, "POST", "/send", { to: recipients(count), message: "Hi" });
    expectError(res, 402, "1202", "Insufficient balance", [
      { field: "total_cost", message, code: "INSUFFICIENT_BALANCE" },
    ]);
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchantId)).toEqual([]);
  });

  it("reports it for sends the wallet's CHECK refused in a race", async () => {
    const { apiKey } = await newMerchant({ wallets: { LISOLOO_SMS: 0.08 }, rate_limits: { send: 1000 } });
    const results = await Promise.all(
      recipients(10).map((to) => api(apiKey, "POST", "/send", { to: [to], message: "Hi" })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(6);
    for (const res of refused) {
      expectError(res, 402, "1202", "Insufficient balance", [
        { field: "total_cost", message: "Needed 0.02 USD, available 0.00 USD", code: "INSUFFICIENT_BALANCE" },
      ]);
    }
  });
});
