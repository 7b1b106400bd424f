import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { events, newSecret, pingEvent } from "../../test/webhook-events.js";
import { signWebhook } from "./sign.js";
import { verifyWebhook, verifyWebhookSignature } from "./verify.js";

const NOW = 1_780_000_000;

describe("signWebhook", () => {
  it.each(Object.entries(events))(
    "signs %s so that verifyWebhook and standardwebhooks accept it",
    async (_t, make) => {
      const secret = newSecret();
      const event = make();
      const signed = await signWebhook({ secret, payload: event });
      expect(signed.body).toBe(JSON.stringify(event));
      expect(signed.headers["content-type"]).toBe("application/json");
      await expect(verifyWebhook(signed.body, signed.headers, secret)).resolves.toEqual(event);
      expect(new Webhook(secret).verify(signed.body, signed.headers)).toEqual(event);
    },
  );

  it("uses the event's event_id as webhook-id, as the gateway does, unless told otherwise", async () => {
    const secret = newSecret();
    const event = events["sms.sent"]();
    expect((await signWebhook({ secret, payload: event })).headers["webhook-id"]).toBe(event.event_id);
    const chosen = await signWebhook({ secret, payload: event, id: "msg_chosen" });
    expect(chosen.headers["webhook-id"]).toBe("msg_chosen");
    expect(new Webhook(secret).verify(chosen.body, chosen.headers)).toEqual(event);
    const bare = await signWebhook({ secret, payload: "not an event" });
    expect(bare.headers["webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends a string payload byte for byte, and signs the time it is given", async () => {
    const secret = newSecret();
    const body = '{ "event_type" : "sms.sent" }';
    for (const timestamp of [NOW, new Date(NOW * 1000 + 999)]) {
      const signed = await signWebhook({ secret, payload: body, timestamp });
      expect(signed.body).toBe(body);
      expect(signed.headers["webhook-timestamp"]).toBe(String(NOW));
      await expect(
        verifyWebhookSignature(signed.body, signed.headers, secret, { now: NOW * 1000 }),
      ).resolves.toEqual({ id: signed.headers["webhook-id"], timestamp: NOW });
      // Ten minutes later the same request is a replay.
      await expect(
        verifyWebhookSignature(signed.body, signed.headers, secret, { now: (NOW + 600) * 1000 }),
      ).rejects.toMatchObject({ reason: "timestamp_too_old" });
    }
  });

  it("signs with every secret given, as during a rotation", async () => {
    const [older, newer] = [newSecret(), newSecret()];
    const signed = await signWebhook({ secret: [newer, older], payload: pingEvent() });
    expect(signed.headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [older, newer]) {
      await expect(verifyWebhookSignature(signed.body, signed.headers, secret)).resolves.toBeDefined();
      expect(() => new Webhook(secret).verify(signed.body, signed.headers)).not.toThrow();
    }
    await expect(verifyWebhookSignature(signed.body, signed.headers, newSecret())).rejects.toMatchObject({
      reason: "no_matching_signature",
    });
  });

  it.each([
    [{ secret: "whsec_" }, /empty/],
    [{ secret: [] }, /secret/],
    [{ timestamp: Date.now() }, /Unix seconds/],
    [{ timestamp: NOW + 0.5 }, /Unix seconds/],
    [{ payload: undefined }, /payload/],
  ])("refuses %j", async (override, message) => {
    const options = { secret: newSecret(), payload: events["sms.sent"](), ...override };
    await expect(signWebhook(options)).rejects.toThrow(message);
  });
});
