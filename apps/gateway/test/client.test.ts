import { exports } from "cloudflare:workers";
import {
  createLisolooClient,
  LisolooApiError,
  type LisolooClientOptions,
  type LisolooResponseEvent,
  verifyWebhook,
  WebhookVerificationError,
} from "@lisoloo/client";
import { createWebhookHandler } from "@lisoloo/client/webhooks";
import { describe, expect, it } from "vitest";
import { admin, newMerchant } from "./helpers";
import { merchantWithWebhook } from "./webhooks/fixtures";
import { receiverEndpoint, waitForRequest } from "./webhooks/receiver";

/** The published client, talking to the Worker under test through its real fetch handler. */
function clientFor(apiKey: string, options: Partial<LisolooClientOptions> = {}) {
  return createLisolooClient({
    apiKey,
    baseUrl: "http://gateway.test",
    fetch: (input, init) => exports.default.fetch(new Request(input, init)),
    ...options,
  });
}

const distinctIds = (received: { headers: Record<string, string> }[]) =>
  new Set(received.map((r) => r.headers["webhook-id"])).size;

const phones = (n: number) =>
  Array.from({ length: n }, () => `+24381${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`);

describe("@lisoloo/client against the gateway", () => {
  it("sends, waits for delivered, reads every recipient and the balance", async () => {
    const { apiKey } = await newMerchant({ unit_price: 0.02, wallets: { LISOLOO_SMS: 10 } });
    const client = clientFor(apiKey);
    const to = [...new Set(phones(3))];

    const sent = await client.send({ to, message: "Bonjour de Lisoloo" });
    expect(sent).toMatchObject({
      total_recipients: to.length,
      total_messages: to.length,
      status: "pending",
      encoding: "GSM-7",
      currency: "USD",
    });
    expect(sent.total_cost).toBeCloseTo(0.02 * to.length, 6);

    const final = await client.waitForFinal(sent.message_id, { intervalMs: 200, timeoutMs: 30_000 });
    expect(final).toMatchObject({
      message_id: sent.message_id,
      status: "delivered",
      delivered: to.length,
      failed: 0,
      pending: 0,
      total_deliveries: to.length,
    });

    const recipients = [];
    for await (const item of client.allRecipients(sent.message_id, { limit: 2 })) recipients.push(item);
    expect(recipients.map((r) => r.phone).sort()).toEqual([...to].sort());
    expect(recipients.every((r) => r.status === "delivered" && r.carrier === "sandbox")).toBe(true);

    const balance = await client.balance();
    expect(balance.sms_wallet_balance).toBeCloseTo(10 - 0.02 * to.length, 6);
    expect(balance.balance).toBeCloseTo(10 - 0.02 * to.length, 6);

    await expect(client.health()).resolves.toMatchObject({ status: "ok", environment: "sandbox" });
  }, 60_000);

  it("accepts a send repeated under one Idempotency-Key once, and debits once", async () => {
    const { apiKey } = await newMerchant({ unit_price: 0.02, wallets: { LISOLOO_SMS: 5 } });
    const client = clientFor(apiKey);
    const body = { to: phones(1), message: "Une seule fois" };
    const key = `order-${crypto.randomUUID()}`;
    const first = await client.send(body, { idempotencyKey: key });
    const again = await client.send(body, { idempotencyKey: key });
    expect(again).toEqual(first);
    const other = await client.send(body);
    expect(other.message_id).not.toBe(first.message_id);
    expect((await client.balance()).balance).toBeCloseTo(5 - 2 * 0.02, 6);
  });

  it("reads the gateway's request id, rate limit and replay headers through withResponse and the hooks", async () => {
    const { apiKey } = await newMerchant({ unit_price: 0.02, wallets: { LISOLOO_SMS: 5 } });
    const seen: LisolooResponseEvent[] = [];
    const client = clientFor(apiKey, { onResponse: (event) => seen.push(event) });
    const body = { to: phones(1), message: "Une fois" };
    const key = `order-${crypto.randomUUID()}`;
    const first = await client.withResponse.send(body, { idempotencyKey: key });
    const again = await client.withResponse.send(body, { idempotencyKey: key });
    expect(first.response).toMatchObject({
      status: 201,
      requestId: expect.stringMatching(/^req_/),
      idempotentReplayed: false,
      rateLimit: { limit: 60, remaining: 59, reset: expect.any(Number) },
    });
    expect(again.response).toMatchObject({ status: 201, idempotentReplayed: true, rateLimit: { limit: 60 } });
    expect(again.data).toEqual(first.data);
    const health = await client.withResponse.health();
    expect(health.response.rateLimit).toBeNull();
    expect(seen.map((event) => [event.status, event.requestId])).toEqual(
      [first, again, health].map(({ response }) => [response.status, response.requestId]),
    );
  });

  it("gives a real 429 its RateLimit headers", async () => {
    const { apiKey } = await newMerchant();
    const client = clientFor(apiKey, { retry: false });
    for (let i = 0; i < 30; i++) await client.balance();
    const error = await client.balance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooApiError);
    expect(error).toMatchObject({
      error_code: "1301",
      rateLimit: { limit: 30, remaining: 0, reset: (error as LisolooApiError).retry_after },
    });
  });

  it("surfaces a real 1104 with every bad index as LisolooApiError, in French when asked", async () => {
    const { apiKey } = await newMerchant();
    for (const [language, message] of [
      ["en", "Invalid phone number"],
      ["fr", "Numéro de téléphone invalide"],
    ] as const) {
      const client = clientFor(apiKey, { language });
      const error = await client
        .send({ to: ["12ab", "+243998857000", "call me"], message: "Bonjour" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LisolooApiError);
      expect(error).toMatchObject({
        status: 400,
        error_code: "1104",
        error_name: "INVALID_PHONE_NUMBER",
        message,
        retryable: false,
        retry_after: null,
        request_id: expect.stringMatching(/^req_/),
      });
      expect((error as LisolooApiError).details?.map((d) => [d.field, d.code])).toEqual([
        ["to[0]", "INVALID_PHONE_NUMBER"],
        ["to[2]", "INVALID_PHONE_NUMBER"],
      ]);
    }
    // Nothing was accepted, so nothing was debited.
    expect((await clientFor(apiKey).balance()).balance).toBe(100);
  });

  it.each([
    ["an unknown message", "1201", 404, (key: string) => clientFor(key).status("0123456789abcdef01234567")],
    ["an unknown key", "1001", 401, () => clientFor(`sk_test_${"A".repeat(32)}`).balance()],
    ["a final send cancelled", "1204", 409, null],
  ] as const)(
    "maps %s to %s",
    async (_name, code, status, call) => {
      const { apiKey } = await newMerchant();
      let attempt: Promise<unknown>;
      if (call) {
        attempt = call(apiKey);
      } else {
        const client = clientFor(apiKey);
        const sent = await client.send({ to: phones(1), message: "Fini" });
        await client.waitForFinal(sent.message_id, { intervalMs: 200, timeoutMs: 30_000 });
        attempt = client.cancel(sent.message_id);
      }
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LisolooApiError);
      expect(error).toMatchObject({ error_code: code, status });
    },
    60_000,
  );

  it("verifies the webhooks the gateway really sends, and refuses them once tampered", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const client = clientFor(merchant.apiKey);
    const sent = await client.send({ to: phones(1), message: "Suivi" });
    const received = await waitForRequest(endpoint.path, (r) => distinctIds(r) >= 4, 30_000);

    const types = new Set<string>();
    for (const request of received) {
      const event = await verifyWebhook(request.body, request.headers, merchant.secret);
      expect(event.message_id).toBe(sent.message_id);
      expect(event.event_id).toBe(request.headers["webhook-id"]);
      types.add(event.event_type);
    }
    expect([...types].sort()).toEqual(["sms.delivered", "sms.processing", "sms.queued", "sms.sent"]);

    const [first] = received;
    if (!first) throw new Error("no webhook arrived");
    const tampered = first.body.replace(sent.message_id, "0".repeat(24));
    const error = await verifyWebhook(tampered, first.headers, merchant.secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ reason: "no_matching_signature" });
  }, 60_000);

  it("answers the gateway's real events, and its webhook.ping, 204 without a body through createWebhookHandler", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    await clientFor(merchant.apiKey).send({ to: phones(1), message: "Suivi" });
    const ping = await admin("POST", `/keys/${merchant.keyId}/webhook/ping`);
    expect(ping.body.data).toMatchObject({ event_type: "webhook.ping" });
    const received = await waitForRequest(endpoint.path, (r) => distinctIds(r) >= 5, 30_000);

    const seen: string[] = [];
    const handle = createWebhookHandler({
      secret: merchant.secret,
      onEvent: (event) => {
        seen.push(event.event_type);
      },
    });
    for (const request of received) {
      const {
        "content-type": type,
        "webhook-id": id,
        "webhook-timestamp": at,
        "webhook-signature": signature,
      } = request.headers;
      const headers = {
        "content-type": type ?? "",
        "webhook-id": id ?? "",
        "webhook-timestamp": at ?? "",
        "webhook-signature": signature ?? "",
      };
      const response = await handle(
        new Request(endpoint.url, { method: "POST", headers, body: request.body }),
      );
      expect([response.status, response.body]).toEqual([204, null]);
    }
    expect(received.map((r) => r.headers["webhook-id"])).toContain(ping.body.data.event_id);
    expect([...new Set(seen)].sort()).toEqual(["sms.delivered", "sms.processing", "sms.queued", "sms.sent"]);
  }, 60_000);
});
