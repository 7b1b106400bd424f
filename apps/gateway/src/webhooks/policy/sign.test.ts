import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, signWebhook, type WebhookHeadersInput, webhookHeaders } from "./sign";

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({
  event_id: "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
  event_type: "sms.delivered",
  message_id: "msg_01",
  data: { recipient_phone: "+243810000001", note: "Félicitations ✓" },
});

describe("signWebhook", () => {
  it("matches the published Standard Webhooks example signature", async () => {
    const signature = await signWebhook({
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    });
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("agrees with the standardwebhooks library's own signer", async () => {
    const secret = generateSigningSecret();
    const timestamp = 1_800_000_000;
    const ours = await signWebhook({ id: "evt_sign_agree", timestamp, body, secrets: [secret] });
    expect(ours).toBe(new Webhook(secret).sign("evt_sign_agree", new Date(timestamp * 1000), body));
  });

  it("emits one space-separated v1 signature per secret", async () => {
    const signature = await signWebhook({
      id: "evt_sign_two",
      timestamp: now(),
      body,
      secrets: [generateSigningSecret(), generateSigningSecret()],
    });
    const parts = signature.split(" ");
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(parts[0]).not.toBe(parts[1]);
  });

  it.each([
    ["no secret", { secrets: [] as string[] }],
    ["a secret that is not base64", { secrets: ["whsec_not*base64"] }],
    ["an empty secret", { secrets: ["whsec_"] }],
    ["a fractional timestamp", { timestamp: 1.5 }],
  ])("refuses to sign with %s", async (_label, override) => {
    const input = {
      id: "evt_sign_bad",
      timestamp: now(),
      body,
      secrets: [generateSigningSecret()],
      ...override,
    };
    await expect(signWebhook(input)).rejects.toThrow(TypeError);
  });
});

describe("generateSigningSecret", () => {
  it("is whsec_ plus base64 of 32 random bytes, different every time", () => {
    const secrets = new Set(Array.from({ length: 20 }, generateSigningSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(atob(secret.slice("whsec_".length))).toHaveLength(32);
    }
  });
});

/** Headers for `body`, signed now, with a fresh secret unless `secrets` is given. */
function headersFor(eventId: string, extra: Partial<WebhookHeadersInput> = {}) {
  return webhookHeaders({ eventId, timestamp: now(), body, secrets: [generateSigningSecret()], ...extra });
}

describe("webhookHeaders", () => {
  it("produces headers the standardwebhooks library verifies", async () => {
    const secret = generateSigningSecret();
    const headers = await headersFor("evt_hdr_verify", { secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("verifies with either secret while a secret is being rotated", async () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const headers = await headersFor("evt_hdr_rotate", { secrets: [oldSecret, newSecret] });
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
  });

  it.each([
    ["the body", (h: Record<string, string>) => [body.replace("delivered", "failed"), h] as const],
    ["the event id", (h: Record<string, string>) => [body, { ...h, "webhook-id": "evt_other" }] as const],
    [
      "the timestamp",
      (h: Record<string, string>) => [body, { ...h, "webhook-timestamp": String(now() - 1) }] as const,
    ],
  ])("fails verification when %s is tampered with", async (_label, tamper) => {
    const secret = generateSigningSecret();
    const headers = await headersFor("evt_hdr_tamper", { secrets: [secret] });
    const [tamperedBody, tamperedHeaders] = tamper({ ...headers });
    expect(() => new Webhook(secret).verify(tamperedBody, tamperedHeaders)).toThrow(WebhookVerificationError);
  });

  it("sets the fixed headers and the Standard Webhooks trio", async () => {
    const timestamp = now();
    const headers = await headersFor("evt_hdr_fixed", { timestamp });
    expect(headers).toEqual({
      "content-type": "application/json",
      "user-agent": "Lisoloo-Webhooks/1",
      "webhook-id": "evt_hdr_fixed",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": expect.stringMatching(/^v1,/),
    });
  });

  it.each([
    ["Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
    ["test", "123£", "Basic dGVzdDoxMjPCow=="],
  ])("sends Basic auth for %s as UTF-8 base64", async (username, password, expected) => {
    const headers = await headersFor("evt_hdr_basic", { basicAuth: { username, password } });
    expect(headers.authorization).toBe(expected);
  });

  it("round-trips non-Latin-1 credentials", async () => {
    const headers = await headersFor("evt_hdr_utf8", {
      basicAuth: { username: "marchand-kinshasa", password: "mot✓de🔑passe" },
    });
    const encoded = (headers.authorization ?? "").replace(/^Basic /, "");
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
    expect(decoded).toBe("marchand-kinshasa:mot✓de🔑passe");
  });

  it.each([
    ["only a username", { username: "shop", password: "" }],
    ["only a password", { username: "", password: "s3cret" }],
    ["neither", { username: "", password: "" }],
  ])("omits Authorization with %s", async (_label, basicAuth) => {
    const headers = await headersFor("evt_hdr_noauth", { basicAuth });
    expect(headers).not.toHaveProperty("authorization");
  });
});
