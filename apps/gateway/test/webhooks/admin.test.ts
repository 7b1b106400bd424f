import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { ADMIN, admin, call, rows } from "../helpers";
import {
  drivenDispatcher,
  insertEvent,
  insertSend,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receivedAt, receiverEndpoint, scriptReceiver } from "./receiver";

describe("GET /admin/v1/messages/{message_id}/webhooks", () => {
  it("lists a send's events with every attempt: status, latency and the start of the answer", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [
      { status: 500, body: "x".repeat(5000) },
      { status: 200, body: "thanks" },
    ]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const clock = new TestClock();
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
    // The route finds the message in the shard holding its send, as every event has one.
    const sendId = await insertSend(merchant.merchantId, merchant.keyId, null);
    const { eventId } = await insertEvent({
      keyId: merchant.keyId,
      sendId,
      eventType: "sms.delivered",
      sequence: 4,
    });
    await notifyWebhooks(merchant.shard, [eventId]);
    await runAlarm(stub);

    const pending = await admin("GET", `/messages/${sendId}/webhooks`);
    expect(pending.status).toBe(200);
    const [first] = pending.body.data.events;
    expect(first).toMatchObject({
      event_id: eventId,
      event_type: "sms.delivered",
      sequence: 4,
      status: "pending",
      attempt_count: 1,
    });
    expect(Date.parse(first.next_attempt_at) - clock.now).toBeGreaterThanOrEqual(27_000);
    expect(first.attempts).toHaveLength(1);
    expect(first.attempts[0]).toMatchObject({
      attempt: 1,
      response_status: 500,
      verdict: "retry",
      error: null,
    });
    expect(first.attempts[0].response_body).toBe("x".repeat(1024));
    expect(first.attempts[0].duration_ms).toBeGreaterThanOrEqual(0);

    clock.advanceTo(Date.parse(first.next_attempt_at));
    await runAlarm(stub);
    const done = await admin("GET", `/messages/${sendId}/webhooks`);
    expect(done.body.data.events[0]).toMatchObject({
      status: "delivered",
      attempt_count: 2,
      next_attempt_at: null,
    });
    expect(
      done.body.data.events[0].attempts.map((a: { response_status: number }) => a.response_status),
    ).toEqual([500, 200]);
    expect(done.body.data.events[0].attempts[1].response_body).toBe("thanks");
  });

  it("answers 404 1201 for a message it has never seen", async () => {
    const res = await admin("GET", "/messages/ffffffffffffffffffffffff/webhooks");
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("1201");
  });

  it("is for operators only", async () => {
    const res = await call(`${ADMIN}/messages/ffffffffffffffffffffffff/webhooks`);
    expect(res.status).toBe(401);
  });
});

describe("POST /admin/v1/webhooks/{event_id}/replay", () => {
  it.each([
    ["an unknown event", () => Promise.resolve(crypto.randomUUID()), 404],
    [
      "an event still being delivered",
      async () => {
        const merchant = await merchantWithWebhook(receiverEndpoint().url);
        return (await insertEvent({ keyId: merchant.keyId })).eventId;
      },
      409,
    ],
  ])("refuses %s", async (_, makeId, status) => {
    const res = await admin("POST", `/webhooks/${await makeId()}/replay`);
    expect(res.status).toBe(status);
  });

  it("sends a delivered event again, with the same event_id", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const clock = new TestClock();
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
    const { eventId } = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [eventId]);
    await runAlarm(stub);

    const replay = await admin("POST", `/webhooks/${eventId}/replay`);
    expect(replay.status).toBe(202);
    await runAlarm(stub);
    const received = await receivedAt(endpoint.path);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
  });
});

describe("POST /admin/v1/keys/{key_id}/webhook/ping", () => {
  it("sends a signed webhook.ping and reports the answer", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 204 }]);
    const merchant = await merchantWithWebhook(endpoint.url, { username: "ops", password: "secret" });

    const res = await admin("POST", `/keys/${merchant.keyId}/webhook/ping`);

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      event_type: "webhook.ping",
      delivered: true,
      response_status: 204,
      destination: endpoint.url,
    });
    const [request] = await receivedAt(endpoint.path);
    if (!request) throw new Error("no ping arrived");
    const body = new Webhook(merchant.secret).verify(request.body, request.headers);
    expect(body).toMatchObject({
      event_id: res.body.data.event_id,
      event_type: "webhook.ping",
      message_id: null,
      environment: "sandbox",
    });
    expect(request.headers.authorization).toBe(`Basic ${btoa("ops:secret")}`);
  });

  it("reports a failing endpoint without retrying it", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 503, body: "down for maintenance" }]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const res = await admin("POST", `/keys/${merchant.keyId}/webhook/ping`);
    expect(res.body.data).toMatchObject({
      delivered: false,
      response_status: 503,
      response_body: "down for maintenance",
    });
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
  });

  it.each([
    ["a key without webhook_url", async () => (await merchantWithWebhook(null)).keyId, 409],
    ["an unknown key", () => Promise.resolve("key_00000000000000000000"), 404],
  ])("refuses %s", async (_, makeKey, status) => {
    const res = await admin("POST", `/keys/${await makeKey()}/webhook/ping`);
    expect(res.status).toBe(status);
  });
});

describe("POST /admin/v1/keys/{key_id}/webhook/rotate-secret", () => {
  it("answers 404 for an unknown key", async () => {
    const res = await admin("POST", "/keys/key_00000000000000000000/webhook/rotate-secret");
    expect(res.status).toBe(404);
  });

  it("retires the oldest secret when rotating twice within the overlap", async () => {
    const merchant = await merchantWithWebhook(receiverEndpoint().url);
    const first = await admin("POST", `/keys/${merchant.keyId}/webhook/rotate-secret`);
    const second = await admin("POST", `/keys/${merchant.keyId}/webhook/rotate-secret`);
    const [row] = await rows<{ current: string; previous: string }>(
      "SELECT webhook_signing_secret AS current, webhook_previous_signing_secret AS previous FROM api_keys WHERE id = ?",
      merchant.keyId,
    );
    expect(row).toEqual({
      current: second.body.data.webhook.webhook_signing_secret,
      previous: first.body.data.webhook.webhook_signing_secret,
    });
  });
});
