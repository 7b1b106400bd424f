import { describe, expect, it } from "vitest";
import { WAITING_FOR_EARLIER } from "../../src/webhooks/dispatcher/queue-store";
import { api, rows, waitFor } from "../helpers";
import { drivenLanes, merchantWithWebhook, TestClock } from "./fixtures";
import { receivedAt, receiverEndpoint, scriptReceiver } from "./receiver";

type Received = { event_type: string; sequence: number };

describe("a recipient's webhook events", () => {
  it("go out in sequence order: a later one waits until the earlier ones are delivered, retries included", async () => {
    const endpoint = receiverEndpoint();
    // The first two requests (sms.queued and sms.processing, in either order) fail; the rest succeed.
    await scriptReceiver(endpoint.path, [
      { status: 500 },
      { status: 500 },
      ...Array.from({ length: 4 }, () => ({ status: 200 })),
    ]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const clock = new TestClock();
    // The send's own event and the delivery's may take different lanes: drive them all.
    const lanes = await drivenLanes(merchant.shard, endpoint.url, clock);
    const sent = await api(merchant.apiKey, "POST", "/send", { to: ["+243998857000"], message: "Code 4711" });
    expect(sent.status).toBe(201);
    const messageId = sent.body.data.message_id as string;

    // The real pipeline writes all four events and hands them over; the dispatcher's clock keeps
    // them until its alarm runs. Only the send's own event and the delivery's first are due.
    const queued = await waitFor(
      () => lanes.queued(),
      (q) => q.length === 4,
    );
    const events = await rows<{ id: string; event_type: string; sequence: number }>(
      "SELECT id, event_type, sequence FROM webhook_events WHERE send_id = ? ORDER BY sequence",
      messageId,
    );
    const typeOf = new Map(events.map((e) => [e.id, e.event_type]));
    const waiting = queued
      .filter((q) => q.nextAttemptAt === WAITING_FOR_EARLIER)
      .map((q) => typeOf.get(q.eventId));
    expect(waiting.sort()).toEqual(["sms.delivered", "sms.sent"]);

    // Both due attempts fail: the later events are not attempted meanwhile.
    expect(await lanes.runAlarms()).toBe(true);
    const afterFailures = (await receivedAt(endpoint.path)).map((r) => JSON.parse(r.body) as Received);
    expect(afterFailures.map((e) => e.event_type).sort()).toEqual(["sms.processing", "sms.queued"]);
    const attempted = await rows<{ event_type: string; n: number }>(
      `SELECT e.event_type, count(a.id) AS n FROM webhook_events e LEFT JOIN webhook_attempts a ON a.event_id = e.id
       WHERE e.send_id = ? GROUP BY 1 ORDER BY 1`,
      messageId,
    );
    expect(attempted).toEqual([
      { event_type: "sms.delivered", n: 0 },
      { event_type: "sms.processing", n: 1 },
      { event_type: "sms.queued", n: 1 },
      { event_type: "sms.sent", n: 0 },
    ]);

    // At the retry, everything is answered 200: the recipient's events arrive in sequence order.
    clock.advanceTo(clock.now + 10 * 60_000);
    expect(await lanes.runAlarms()).toBe(true);
    await waitFor(
      () => rows<{ status: string }>("SELECT status FROM webhook_events WHERE send_id = ?", messageId),
      (list) => list.length === 4 && list.every((e) => e.status === "delivered"),
    );
    const recipient = (await receivedAt(endpoint.path))
      .map((r) => JSON.parse(r.body) as Received)
      .filter((e) => e.event_type !== "sms.queued");
    expect(recipient.map((e) => [e.event_type, e.sequence])).toEqual([
      ["sms.processing", 1],
      ["sms.processing", 1],
      ["sms.sent", 2],
      ["sms.delivered", 3],
    ]);
    expect(await lanes.queued()).toEqual([]);
  });

  it("are noted as held in D1 while they wait, so the sweep does not hand them over again", async () => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [{ status: 500 }]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const sent = await api(merchant.apiKey, "POST", "/send", { to: ["+243998857001"], message: "Code 4712" });
    expect(sent.status).toBe(201);
    const messageId = sent.body.data.message_id as string;
    // The dispatcher runs on the system clock: the first attempts go out at once and fail.
    const state = () =>
      rows<{ event_type: string; attempts: number; taken: number }>(
        `SELECT event_type, attempts, taken_at IS NOT NULL AS taken FROM webhook_events
         WHERE send_id = ? ORDER BY sequence, event_type`,
        messageId,
      );
    const settled = await waitFor(
      state,
      (list) =>
        list.length === 4 &&
        list.every(
          (e) =>
            e.taken === 1 &&
            (e.event_type === "sms.sent" || e.event_type === "sms.delivered" || e.attempts === 1),
        ),
    );
    expect(settled).toEqual([
      { event_type: "sms.queued", attempts: 1, taken: 1 },
      { event_type: "sms.processing", attempts: 1, taken: 1 },
      { event_type: "sms.sent", attempts: 0, taken: 1 },
      { event_type: "sms.delivered", attempts: 0, taken: 1 },
    ]);
  });
});
