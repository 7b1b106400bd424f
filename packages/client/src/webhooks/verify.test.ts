import type { WebhookEvent } from "@lisoloo/protocol/schemas";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { events, newSecret } from "../../test/webhook-events.js";
import { WebhookVerificationError, type WebhookVerificationReason } from "./verification-error.js";
import { verifyWebhook, verifyWebhookSignature } from "./verify.js";

const NOW = 1_780_000_000; // Unix seconds, fixed so timestamps are exact.
const nowMs = NOW * 1000;

/** A request as the gateway would send it, signed by the reference library. */
function signed(body: string, secret: string, at = NOW, id = `msg_${crypto.randomUUID()}`) {
  const signature = new Webhook(secret).sign(id, new Date(at * 1000), body);
  return {
    body,
    headers: { "webhook-id": id, "webhook-timestamp": String(at), "webhook-signature": signature },
  };
}

async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationReason> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe("verifyWebhook", () => {
  it.each(Object.entries(events))("returns a signed %s event, typed", async (_type, make) => {
    const secret = newSecret();
    const event = make();
    const request = signed(JSON.stringify(event), secret);
    const verified: WebhookEvent = await verifyWebhook(request.body, request.headers, secret, { now: nowMs });
    expect(verified).toEqual(event);
  });

  it("reads Fetch Headers, mixed-case records and Node's repeated headers alike", async () => {
    const secret = newSecret();
    const event = events["sms.sent"]();
    const { body, headers } = signed(JSON.stringify(event), secret);
    const forms = [
      new Headers(headers),
      {
        "Webhook-Id": headers["webhook-id"],
        "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
        "Webhook-Signature": headers["webhook-signature"],
      },
      { ...headers, "webhook-signature": ["v1,bm90IGl0", headers["webhook-signature"]], host: undefined },
    ];
    for (const form of forms) {
      await expect(verifyWebhook(body, form, secret, { now: nowMs })).resolves.toEqual(event);
    }
  });

  it("accepts the body as the exact bytes received, non-ASCII included", async () => {
    const secret = newSecret();
    const event = events["sms.failed"]();
    event.data.reason = "Numéro injoignable — réessayez";
    const request = signed(JSON.stringify(event), secret);
    const bytes = new TextEncoder().encode(request.body);
    await expect(verifyWebhook(bytes, request.headers, secret, { now: nowMs })).resolves.toEqual(event);
    await expect(verifyWebhook(request.body, request.headers, secret, { now: nowMs })).resolves.toEqual(
      event,
    );
  });

  const tampering: [string, (r: ReturnType<typeof signed>) => ReturnType<typeof signed>][] = [
    ["a changed body", (r) => ({ ...r, body: r.body.replace('"sandbox"', '"production"') })],
    ["a body with one more space", (r) => ({ ...r, body: `${r.body} ` })],
    ["another webhook-id", (r) => ({ ...r, headers: { ...r.headers, "webhook-id": "msg_other" } })],
    [
      "a webhook-timestamp one second later",
      (r) => ({ ...r, headers: { ...r.headers, "webhook-timestamp": String(NOW + 1) } }),
    ],
    [
      "the signature under another version tag",
      (r) => ({
        ...r,
        headers: { ...r.headers, "webhook-signature": r.headers["webhook-signature"].replace("v1,", "v2,") },
      }),
    ],
    [
      "a signature that is not base64",
      (r) => ({ ...r, headers: { ...r.headers, "webhook-signature": "v1,***" } }),
    ],
    [
      "a truncated signature",
      (r) => ({
        ...r,
        headers: { ...r.headers, "webhook-signature": r.headers["webhook-signature"].slice(0, -4) },
      }),
    ],
  ];

  it.each(tampering)("refuses %s", async (_name, tamper) => {
    const secret = newSecret();
    const request = tamper(signed(JSON.stringify(events["sms.delivered"]()), secret));
    expect(await refusal(verifyWebhook(request.body, request.headers, secret, { now: nowMs }))).toBe(
      "no_matching_signature",
    );
  });

  it("refuses a request signed with another secret", async () => {
    const request = signed(JSON.stringify(events["sms.sent"]()), newSecret());
    expect(await refusal(verifyWebhook(request.body, request.headers, newSecret(), { now: nowMs }))).toBe(
      "no_matching_signature",
    );
  });

  it.each([
    { age: 300, tolerance: undefined, reason: null },
    { age: 301, tolerance: undefined, reason: "timestamp_too_old" },
    { age: 3600, tolerance: undefined, reason: "timestamp_too_old" },
    { age: -300, tolerance: undefined, reason: null },
    { age: -301, tolerance: undefined, reason: "timestamp_too_new" },
    { age: 10, tolerance: 10, reason: null },
    { age: 11, tolerance: 10, reason: "timestamp_too_old" },
    { age: -11, tolerance: 10, reason: "timestamp_too_new" },
  ] as const)(
    "a signature $age s old with tolerance $tolerance → $reason",
    async ({ age, tolerance, reason }) => {
      const secret = newSecret();
      const event = events["sms.queued"]();
      const request = signed(JSON.stringify(event), secret, NOW - age);
      const options = {
        now: new Date(nowMs),
        ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
      };
      const outcome = verifyWebhook(request.body, request.headers, secret, options);
      if (reason === null) await expect(outcome).resolves.toEqual(event);
      else expect(await refusal(outcome)).toBe(reason);
    },
  );

  it("checks the timestamp against the real clock by default", async () => {
    const secret = newSecret();
    const event = events["sms.sent"]();
    const fresh = signed(JSON.stringify(event), secret, Math.floor(Date.now() / 1000));
    await expect(verifyWebhook(fresh.body, fresh.headers, secret)).resolves.toEqual(event);
    const stale = signed(JSON.stringify(event), secret, Math.floor(Date.now() / 1000) - 600);
    expect(await refusal(verifyWebhook(stale.body, stale.headers, secret))).toBe("timestamp_too_old");
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"] as const)(
    "refuses a request without %s",
    async (name) => {
      const secret = newSecret();
      const request = signed(JSON.stringify(events["sms.sent"]()), secret);
      const headers: Record<string, string> = { ...request.headers };
      delete headers[name];
      expect(await refusal(verifyWebhook(request.body, headers, secret, { now: nowMs }))).toBe(
        "missing_header",
      );
      expect(
        await refusal(verifyWebhook(request.body, { ...headers, [name]: " " }, secret, { now: nowMs })),
      ).toBe("missing_header");
    },
  );

  it.each(["17800000OO", "1780000000.5", "-1780000000", "1e9"])("refuses the timestamp %j", async (stamp) => {
    const secret = newSecret();
    const request = signed(JSON.stringify(events["sms.sent"]()), secret);
    const headers = { ...request.headers, "webhook-timestamp": stamp };
    expect(await refusal(verifyWebhook(request.body, headers, secret, { now: nowMs }))).toBe(
      "invalid_timestamp",
    );
  });

  it("accepts a header with several signatures when any one matches", async () => {
    const secret = newSecret();
    const event = events["sms.delivered"]();
    const request = signed(JSON.stringify(event), secret);
    const other = signed(request.body, newSecret(), NOW, request.headers["webhook-id"]);
    const good = request.headers["webhook-signature"];
    for (const header of [
      `${other.headers["webhook-signature"]} ${good}`,
      `${good} ${other.headers["webhook-signature"]}`,
      `v2,abcd v1,!!! ${good}`,
    ]) {
      const headers = { ...request.headers, "webhook-signature": header };
      await expect(verifyWebhook(request.body, headers, secret, { now: nowMs })).resolves.toEqual(event);
    }
    const onlyOthers = { ...request.headers, "webhook-signature": other.headers["webhook-signature"] };
    expect(await refusal(verifyWebhook(request.body, onlyOthers, secret, { now: nowMs }))).toBe(
      "no_matching_signature",
    );
  });

  it("accepts either secret while one is rotated, on both sides", async () => {
    const [oldSecret, newer] = [newSecret(), newSecret()];
    const event = events["sms.processing"]();
    const byOld = signed(JSON.stringify(event), oldSecret);
    // The receiver already holds both secrets; the sender still signs with the old one.
    await expect(
      verifyWebhook(byOld.body, byOld.headers, [newer, oldSecret], { now: nowMs }),
    ).resolves.toEqual(event);
    expect(await refusal(verifyWebhook(byOld.body, byOld.headers, [newer], { now: nowMs }))).toBe(
      "no_matching_signature",
    );
    // The sender signs with both (as the gateway does during a rotation); the receiver has only the new one.
    const byNew = signed(byOld.body, newer, NOW, byOld.headers["webhook-id"]);
    const both = {
      ...byOld.headers,
      "webhook-signature": `${byNew.headers["webhook-signature"]} ${byOld.headers["webhook-signature"]}`,
    };
    await expect(verifyWebhook(byOld.body, both, newer, { now: nowMs })).resolves.toEqual(event);
  });

  it("takes a secret with or without the whsec_ prefix, and rejects a malformed one loudly", async () => {
    const secret = newSecret();
    const event = events["sms.sent"]();
    const request = signed(JSON.stringify(event), secret);
    const bare = secret.slice("whsec_".length);
    await expect(verifyWebhook(request.body, request.headers, bare, { now: nowMs })).resolves.toEqual(event);
    for (const bad of ["whsec_", "whsec_not base64!", ""]) {
      await expect(verifyWebhook(request.body, request.headers, bad, { now: nowMs })).rejects.toThrow(
        TypeError,
      );
    }
    await expect(verifyWebhook(request.body, request.headers, [], { now: nowMs })).rejects.toThrow(TypeError);
  });

  it("tells an authentic body it cannot type from a forged one", async () => {
    const secret = newSecret();
    const ping = signed(
      JSON.stringify({ ...events["sms.sent"](), event_type: "webhook.ping", message_id: null }),
      secret,
    );
    expect(await refusal(verifyWebhook(ping.body, ping.headers, secret, { now: nowMs }))).toBe(
      "unknown_event_type",
    );
    const partial = signed(JSON.stringify({ event_type: "sms.sent" }), secret);
    expect(await refusal(verifyWebhook(partial.body, partial.headers, secret, { now: nowMs }))).toBe(
      "invalid_payload",
    );
    const notJson = signed("ok", secret);
    expect(await refusal(verifyWebhook(notJson.body, notJson.headers, secret, { now: nowMs }))).toBe(
      "invalid_payload",
    );
    // A forged ping is refused for its signature before anything reads its body.
    expect(await refusal(verifyWebhook(ping.body, ping.headers, newSecret(), { now: nowMs }))).toBe(
      "no_matching_signature",
    );
  });
});

describe("verifyWebhookSignature agrees with the standardwebhooks library", () => {
  const arbitraryRequest = fc.record({
    body: fc.string({ unit: "grapheme", maxLength: 300 }),
    id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    key: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    skew: fc.integer({ min: -299, max: 299 }),
  });

  it("accepts whatever the library signs, and returns its id and timestamp", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryRequest, async ({ body, id, key, skew }) => {
        const secret = `whsec_${Buffer.from(key).toString("base64")}`;
        const request = signed(body, secret, NOW + skew, id);
        const verified = await verifyWebhookSignature(request.body, request.headers, secret, { now: nowMs });
        expect(verified).toEqual({ id, timestamp: NOW + skew });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses, like the library, a body changed in any way", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryRequest,
        fc.string({ minLength: 1, maxLength: 5 }),
        async ({ body, id, key }, extra) => {
          const secret = `whsec_${Buffer.from(key).toString("base64")}`;
          // The library reads the real clock, so this request is signed now.
          const request = signed(body, secret, Math.floor(Date.now() / 1000), id);
          const library = (payload: string) => {
            try {
              new Webhook(secret).verify(payload, request.headers, { jsonParse: false });
              return true;
            } catch {
              return false;
            }
          };
          const ours = (payload: string) =>
            verifyWebhookSignature(payload, request.headers, secret).then(
              () => true,
              () => false,
            );
          expect([library(body), await ours(body)]).toEqual([true, true]);
          expect([library(body + extra), await ours(body + extra)]).toEqual([false, false]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a signature with any single bit flipped", async () => {
    const secret = newSecret();
    const request = signed(JSON.stringify(events["sms.sent"]()), secret);
    const mac = Buffer.from(request.headers["webhook-signature"].slice(3), "base64");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: mac.length * 8 - 1 }), async (bit) => {
        const flipped = Buffer.from(mac);
        flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const headers = { ...request.headers, "webhook-signature": `v1,${flipped.toString("base64")}` };
        expect(await refusal(verifyWebhookSignature(request.body, headers, secret, { now: nowMs }))).toBe(
          "no_matching_signature",
        );
      }),
    );
  });
});
