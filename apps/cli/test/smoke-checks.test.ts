// The smoke test's judgements on their own: where webhooks can go, the billing rule, and the
// receiver with the webhook check fed requests signed as the gateway signs them, or not.
import { randomUUID } from "node:crypto";
import { signWebhook } from "@lisoloo/client/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../src/smoke/receiver.mjs";
import { webhookPlan } from "../src/smoke/run.mjs";
import { checkBilling } from "../src/smoke/send-checks.mjs";
import type { SmokeSettings } from "../src/smoke/settings.mjs";
import { checkWebhook } from "../src/smoke/webhook-check.mjs";

const settings = (overrides: Partial<SmokeSettings>): SmokeSettings => ({
  baseUrl: "https://sms.example.org",
  apiKey: undefined,
  adminToken: "token",
  webhookUrl: undefined,
  webhookPort: undefined,
  timeoutMs: 1000,
  json: false,
  ...overrides,
});

describe("webhookPlan: where the gateway can post the smoke test's webhooks", () => {
  it.each([
    [
      "a local gateway: straight to the receiver",
      settings({ baseUrl: "http://127.0.0.1:8787" }),
      { port: 0 },
    ],
    [
      "localhost too, on the port asked",
      settings({ baseUrl: "http://localhost:8787", webhookPort: 9000 }),
      { port: 9000 },
    ],
    [
      "a deployed gateway with a public URL",
      settings({ webhookUrl: "https://abc.trycloudflare.com/", webhookPort: 9000 }),
      { port: 9000, url: "https://abc.trycloudflare.com/" },
    ],
  ])("%s", (_name, given, plan) => {
    expect(webhookPlan(given, null)).toEqual({ url: undefined, ...plan });
  });

  it.each([
    ["a deployed gateway without --webhook-url", settings({}), null, "give --webhook-url <public https URL>"],
    ["no admin token", settings({ adminToken: undefined, apiKey: "k" }), null, "no admin token"],
    ["nothing may be sent", settings({ baseUrl: "http://127.0.0.1:8787" }), "production: …", "production: …"],
  ])("%s: skipped, saying why", (_name, given, noSends, reason) => {
    const plan = webhookPlan(given, noSends);
    expect(plan).toEqual({ skip: expect.stringContaining(reason) });
  });
});

describe("checkBilling: debit at acceptance, the 1501 refunded, carrier outcomes billed", () => {
  const send = {
    message_id: "6b0f2b1448336ebf4445a880",
    total_recipients: 3,
    total_messages: 3,
    total_cost: 0.06,
    currency: "USD",
    status: "pending" as const,
    sending_type: "immediate" as const,
    segments: 1,
    encoding: "GSM-7" as const,
    dispatches: 1,
    unit_price: 0.02,
    scheduled_at: null,
    duplicates_removed: 0,
  };
  const wallet = (balance: number) => ({
    balance,
    sms_wallet_balance: balance,
    postpaid_wallet_balance: 0,
    currency: "USD",
    unit_price: 0.02,
    available_sms: Math.floor(balance / 0.02),
  });

  it("passes when the balance moved by the debit less one refund", () => {
    expect(checkBilling(wallet(100), wallet(99.96), send)).toEqual({
      outcome: "passed",
      seen: "GET /balance 100.00 → 99.96 USD: debit 0.06, refund 0.02 for the 1501, carrier outcomes billed",
      value: undefined,
    });
  });

  it.each([
    ["no refund", wallet(99.94), "expected 99.96"],
    ["the carrier outcomes refunded too", wallet(100), "expected 99.96"],
    ["nothing debited", wallet(100.02), "expected 99.96"],
  ])("fails on %s", (_name, after, text) => {
    const result = checkBilling(wallet(100), after, send);
    expect(result.outcome).toBe("failed");
    expect(result.seen).toContain(text);
  });

  it("fails when total_cost is not total_messages × unit_price", () => {
    const result = checkBilling(wallet(100), wallet(99.97), { ...send, total_cost: 0.05 });
    expect(result).toMatchObject({
      outcome: "failed",
      seen: expect.stringContaining("is not total_messages"),
    });
  });
});

describe("the receiver and the webhook check", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const login = { username: "lisoloo_smoke", password: "pa55word-pa55word" };
  const messageId = "6b0f2b1448336ebf4445a880";
  const wait = (timeoutMs = 2000) => ({ timeoutMs, signal: new AbortController().signal });
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver(0);
    receiver.expect({ secret, login });
  });
  afterEach(() => receiver.close());

  const envelope = (type: string, sequence: number, data: Record<string, unknown>) => ({
    event_id: randomUUID(),
    event_type: type,
    timestamp: "2026-05-27T10:15:01Z",
    message_id: messageId,
    occurred_at: "2026-05-27T10:15:01Z",
    sequence,
    environment: "sandbox",
    data,
  });
  const recipient = (phone: string) => ({
    recipient_phone: phone,
    carrier: "sandbox",
    dispatch_at: "2026-05-27T10:15:00Z",
  });
  const failedFor = (phone: string, status: string, code: string) =>
    envelope("sms.failed", 2, {
      ...recipient(phone),
      failed_at: "2026-05-27T10:15:02Z",
      status,
      error_code: code,
      reason: "Sandbox",
    });
  const smokeEvents = () => [
    envelope("sms.queued", 0, {
      status: "pending",
      sending_type: "immediate",
      total_recipients: 3,
      total_messages: 3,
      total_cost: 0.03,
      currency: "USD",
      unit_price: 0.01,
      segments: 1,
      encoding: "GSM-7",
      dispatches: 1,
      scheduled_at: null,
    }),
    envelope("sms.delivered", 3, {
      ...recipient("+243998857000"),
      status: "delivered",
      delivered_at: "2026-05-27T10:15:02Z",
      segments: 1,
    }),
    failedFor("+999000000001", "undelivered", "1504"),
    failedFor("+999000000005", "failed", "1501"),
  ];

  async function post(payload: unknown, options: { secret?: string; auth?: string | null } = {}) {
    const signed = await signWebhook({ secret: options.secret ?? secret, payload });
    const auth =
      options.auth === undefined ? `Basic ${btoa(`${login.username}:${login.password}`)}` : options.auth;
    const res = await fetch(`http://127.0.0.1:${receiver.port}/`, {
      method: "POST",
      headers: { ...signed.headers, ...(auth ? { authorization: auth } : {}) },
      body: signed.body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  it("passes once sms.queued and each recipient's final event arrived signed, a retry counted once", async () => {
    const events = smokeEvents();
    for (const event of [...events, events[1]]) expect(await post(event)).toBe(204);
    const result = await checkWebhook(receiver, messageId, wait());
    expect(result).toEqual({
      outcome: "passed",
      seen: `4 events of ${messageId} arrived signed (verifyWebhook) with the Basic login: sms.queued, sms.delivered +243998857000, sms.failed 1504 +999000000001, sms.failed 1501 +999000000005`,
      value: undefined,
    });
  });

  it("fails naming what is missing when the wait ends first", async () => {
    for (const event of smokeEvents().slice(0, 3)) await post(event);
    await post(failedFor("+999000000005", "undelivered", "1504")); // the wrong outcome for that number
    const result = await checkWebhook(receiver, messageId, wait(200));
    expect(result.outcome).toBe("failed");
    expect(result.seen).toContain("missing sms.failed 1501 +999000000005");
  });

  it.each([
    [
      "signed with another secret",
      { secret: "whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldA==" },
      401,
      "did not verify (no_matching_signature)",
    ],
    ["without the Basic login", { auth: null }, 401, "without the Basic login"],
    [
      "with another Basic login",
      { auth: `Basic ${btoa("lisoloo_smoke:guess")}` },
      401,
      "without the Basic login",
    ],
  ])("a request %s is refused, and fails the check", async (_name, options, status, reason) => {
    const events = smokeEvents();
    for (const event of events) await post(event);
    expect(await post(smokeEvents()[0], options)).toBe(status);
    const result = await checkWebhook(receiver, messageId, wait());
    expect(result.outcome).toBe("failed");
    expect(result.seen).toContain(reason);
  });

  it("refuses everything until it knows the secret", async () => {
    const fresh = await startReceiver(0);
    try {
      const res = await fetch(`http://127.0.0.1:${fresh.port}/`, { method: "POST", body: "{}" });
      expect(res.status).toBe(401);
      expect(fresh.arrivals()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
