import { webhookEventSchema } from "@lisoloo/protocol";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { admin, api, rows } from "../helpers";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  insertSend,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import {
  type ReceivedRequest,
  receivedAt,
  receiverEndpoint,
  waitForRequest,
  waitForRequests,
} from "./receiver";

describe("a webhook as the receiver sees it", () => {
  it("arrives signed, with Basic auth and the documented envelope", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url, { username: "shop", password: "pa:ss wörd" });
    const occurredAt = Date.now() - 5000;
    const data = {
      recipient_phone: "+243998857000",
      carrier: "sandbox",
      dispatch_at: "2026-06-01T07:00:00Z",
      status: "sent",
      sent_at: new Date(occurredAt).toISOString(),
    };
    const { eventId, sendId } = await insertEvent({
      keyId: merchant.keyId,
      eventType: "sms.sent",
      sequence: 3,
      data,
      occurredAt,
    });

    await notifyWebhooks(merchant.shard, [eventId]);
    const [request] = await waitForRequests(endpoint.path, 1);

    expect(request).toBeDefined();
    if (!request) return;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toBe("Lisoloo-Webhooks/1");
    expect(request.headers["webhook-id"]).toBe(eventId);
    expect(request.headers.authorization).toBe(
      `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode("shop:pa:ss wörd")))}`,
    );
    // An independent implementation of Standard Webhooks accepts the signature.
    const verified = new Webhook(merchant.secret).verify(request.body, request.headers);
    const event = webhookEventSchema.parse(verified);
    expect(event).toMatchObject({
      event_id: eventId,
      event_type: "sms.sent",
      message_id: sendId,
      sequence: 3,
      environment: "sandbox",
      data,
    });
    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual([
      "event_id",
      "event_type",
      "timestamp",
      "message_id",
      "data",
      "occurred_at",
      "sequence",
      "environment",
    ]);
    expect(body.occurred_at).toBe(new Date(occurredAt).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(Date.parse(body.timestamp)).toBeGreaterThan(occurredAt);
    expect(
      Math.abs(Number(request.headers["webhook-timestamp"]) * 1000 - Date.parse(body.timestamp)),
    ).toBeLessThan(1000);

    const row = await eventRow(eventId);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, destination: endpoint.url });
    const [attempt] = await attemptRows(eventId);
    expect(attempt).toMatchObject({
      attempt: 1,
      response_status: 200,
      response_body: "ok",
      verdict: "delivered",
      error: null,
    });
  });

  it("sends no Authorization header when only the user name is set", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    await admin("PUT", `/keys/${merchant.keyId}/webhook`, { webhook_basic_auth_username: "shop" });
    const { eventId } = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [eventId]);
    const [request] = await waitForRequests(endpoint.path, 1);
    expect(request?.headers["webhook-id"]).toBe(eventId);
    expect(request?.headers.authorization).toBeUndefined();
  });
});

describe("where an event goes", () => {
  it("a real send's sms.queued reaches its callback_url with the send's totals", async () => {
    const keyHook = receiverEndpoint();
    const callback = receiverEndpoint();
    const merchant = await merchantWithWebhook(keyHook.url);
    const sent = await api(merchant.apiKey, "POST", "/send", {
      to: ["+243998857000", "+243810000001"],
      message: "Hello",
      callback_url: callback.url,
    });
    expect(sent.status).toBe(201);
    const messageId = sent.body.data.message_id as string;
    const [queued] = await rows<{ id: string }>(
      "SELECT id FROM webhook_events WHERE send_id = ? AND event_type = 'sms.queued'",
      messageId,
    );
    if (!queued) throw new Error("no sms.queued in the outbox");

    // Whether or not the send path has handed it over already, handing it again delivers it once.
    await notifyWebhooks(merchant.shard, [queued.id]);
    const isQueued = (r: ReceivedRequest) => r.headers["webhook-id"] === queued.id;
    await waitForRequest(callback.path, (received) => received.some(isQueued));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const received = await receivedAt(callback.path);
    const queuedRequests = received.filter(isQueued);
    expect(queuedRequests).toHaveLength(1);
    const event = webhookEventSchema.parse(
      new Webhook(merchant.secret).verify(queuedRequests[0]?.body ?? "", queuedRequests[0]?.headers ?? {}),
    );
    expect(event).toMatchObject({
      event_id: queued.id,
      event_type: "sms.queued",
      message_id: messageId,
      data: { total_recipients: 2, total_messages: 2, status: "pending", sending_type: "immediate" },
    });
    // Whatever else the send emitted so far went to the same place, signed and well-formed.
    for (const request of received) {
      const other = webhookEventSchema.parse(
        new Webhook(merchant.secret).verify(request.body, request.headers),
      );
      expect(other.message_id).toBe(messageId);
    }
    expect(await receivedAt(keyHook.path)).toEqual([]);
  });

  it("goes to the send's callback_url instead of the key's webhook_url", async () => {
    const keyHook = receiverEndpoint();
    const callback = receiverEndpoint();
    const merchant = await merchantWithWebhook(keyHook.url);
    const sendId = await insertSend(merchant.merchantId, merchant.keyId, callback.url);
    const { eventId } = await insertEvent({ keyId: merchant.keyId, sendId });

    await notifyWebhooks(merchant.shard, [eventId]);

    const received = await waitForRequests(callback.path, 1);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId]);
    expect(await receivedAt(keyHook.path)).toEqual([]);
    expect((await eventRow(eventId)).destination).toBe(callback.url);
  });

  it("is kept as no_destination when neither URL is set", async () => {
    const merchant = await merchantWithWebhook(null);
    const sendId = await insertSend(merchant.merchantId, merchant.keyId, null);
    const { eventId } = await insertEvent({ keyId: merchant.keyId, sendId });

    await notifyWebhooks(merchant.shard, [eventId]);

    const row = await eventRow(eventId);
    expect(row).toMatchObject({ status: "no_destination", destination: null, attempts: 0 });
    expect(row.reason).toMatch(/callback_url/);
  });
});

describe("secret rotation", () => {
  it("signs with both secrets for 24 hours, then with the new one only", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const rotated = await admin("POST", `/keys/${merchant.keyId}/webhook/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.data.webhook.webhook_signing_secret as string;
    const until = Date.parse(rotated.body.data.webhook.previous_secret_valid_until);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(merchant.secret);
    expect(until - Date.now()).toBeGreaterThan(24 * 3600 * 1000 - 60_000);

    const during = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [during.eventId]);
    const [request] = await waitForRequests(endpoint.path, 1);
    if (!request) throw new Error("no request");
    expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const secret of [newSecret, merchant.secret]) {
      expect(new Webhook(secret).verify(request.body, request.headers)).toMatchObject({
        event_id: during.eventId,
      });
    }

    // A day and a second later, by the dispatcher's clock.
    const clock = new TestClock(until + 1000);
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
    const after = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [after.eventId]);
    expect(await runAlarm(stub)).toBe(true);
    const late = (await receivedAt(endpoint.path))[1];
    if (!late) throw new Error("no second request");
    const timestamp = new Date(Number(late.headers["webhook-timestamp"]) * 1000);
    expect(late.headers["webhook-signature"]).toBe(
      new Webhook(newSecret).sign(after.eventId, timestamp, late.body),
    );
    expect(late.headers["webhook-signature"]).not.toBe(
      new Webhook(merchant.secret).sign(after.eventId, timestamp, late.body),
    );
  });
});
