import { describe, expect, it } from "vitest";
import { laneOf } from "../../src/webhooks/dispatcher/address";
import { inFlightPerLane, maxInFlightPerDestination } from "../../src/webhooks/dispatcher/dispatcher";
import { WAITING_FOR_EARLIER } from "../../src/webhooks/dispatcher/queue-store";
import { handOverEvents } from "../../src/webhooks/outbox/notify";
import type { KeyWebhookSettings } from "../../src/webhooks/outbox/outbox-store";
import type { RoutedEvent } from "../../src/webhooks/outbox/route";
import { drivenLanes, lanes, merchantWithWebhook, TestClock } from "./fixtures";
import { receiverEndpoint } from "./receiver";

describe("a destination's dispatcher lanes", () => {
  it("are several in the deployment the tests run (wrangler.jsonc), so every test crosses them", () => {
    expect(lanes).toBeGreaterThan(1);
  });

  it("take a delivery's events by its id and a send's own event on the first", () => {
    expect(laneOf(null, 8)).toBe(0);
    expect([0, 1, 7, 8, 9, 1234].map((id) => laneOf(id, 8))).toEqual([0, 1, 7, 0, 1, 2]);
    expect(laneOf(1234, 1)).toBe(0);
  });

  it("share the destination's places between them", () => {
    expect(inFlightPerLane(1)).toBe(maxInFlightPerDestination);
    expect(inFlightPerLane(8) * 8).toBe(maxInFlightPerDestination);
    expect(inFlightPerLane(16)).toBeGreaterThanOrEqual(1);
  });

  it("each hold every event of their deliveries, in the delivery's order, and nothing of the others'", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    // Their clock is ten days ahead: what is handed over stays queued for the test to look at.
    const driven = await drivenLanes(merchant.shard, endpoint.url, new TestClock());
    const key: KeyWebhookSettings = {
      webhookUrl: endpoint.url,
      basicAuthUsername: null,
      basicAuthPasswordEnc: null,
      signingSecret: "whsec_test",
      previousSigningSecret: null,
      previousSecretUntil: null,
      disabledAt: null,
    };
    const event = (deliveryId: number | null, sequence: number): RoutedEvent => ({
      id: crypto.randomUUID(),
      sendId: "msg_lanes",
      deliveryId,
      keyId: merchant.keyId,
      eventType: deliveryId === null ? "sms.queued" : "sms.sent",
      sequence,
      destination: endpoint.url,
      payload: "{}",
      occurredAt: Date.now(),
      status: "pending",
      attempts: 0,
      key,
    });
    const deliveries = Array.from({ length: 3 * lanes }, (_, i) => 5_000 + i);
    const routed = [
      event(null, 0),
      ...[1, 2, 3].flatMap((sequence) => deliveries.map((d) => event(d, sequence))),
    ];
    await handOverEvents(merchant.shard, routed);

    const laneById = new Map(routed.map((e) => [e.id, laneOf(e.deliveryId, lanes)]));
    for (const [lane, stub] of driven.stubs.entries()) {
      const queued = await stub.queued();
      const expected = routed.filter((e) => laneById.get(e.id) === lane).map((e) => e.id);
      expect(queued.map((q) => q.eventId).sort(), `lane ${lane}`).toEqual(expected.sort());
      // Each delivery's first event is due, its later ones wait for it, in its own lane.
      const due = new Set(
        queued.filter((q) => q.nextAttemptAt !== WAITING_FOR_EARLIER).map((q) => q.eventId),
      );
      const firsts = routed.filter((e) => laneById.get(e.id) === lane && e.sequence <= 1).map((e) => e.id);
      expect([...due].sort(), `lane ${lane}`).toEqual(firsts.sort());
    }
  });
});
