/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): receivers verify our requests with
 * any conforming library, e.g. npm `standardwebhooks` or `svix`. Only WebCrypto is used, so this runs
 * unchanged in workerd, Node and browsers.
 */

const secretPrefix = "whsec_";
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function secretKeyBytes(secret: string): Uint8Array {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  let binary: string;
  try {
    binary = atob(encoded);
  } catch {
    throw new TypeError("Webhook secret is not valid base64");
  }
  if (binary.length === 0) throw new TypeError("Webhook secret is empty");
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Imported HMAC keys by secret. Decoding and importing a secret costs more than signing a small body,
 * and a dispatcher signs thousands of requests in a row with the same one or two secrets.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
const hmacKeysKept = 256;

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    const bytes = secretKeyBytes(secret);
    if (hmacKeys.size >= hmacKeysKept) hmacKeys.clear();
    key = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

async function hmacSha256Base64(secret: string, content: string): Promise<string> {
  const key = await hmacKey(secret);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(content))));
}

export type SignWebhookInput = {
  /** The event id; the same on every retry so receivers can deduplicate. */
  id: string;
  /** Unix time in whole seconds of this attempt. */
  timestamp: number;
  /** The exact bytes (as a string) that will be sent; re-serialising would break the signature. */
  body: string;
  /** One or more `whsec_<base64>` secrets; several while a key's secret is being rotated. */
  secrets: readonly string[];
};

/**
 * The `webhook-signature` header value: one `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
 * secret, space-separated, so a receiver holding either the old or the new secret accepts the request.
 *
 * @example
 * await signWebhook({ id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330,
 *   body: '{"test": 2432232314}', secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] })
 * // "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
 */
export async function signWebhook(input: SignWebhookInput): Promise<string> {
  if (input.secrets.length === 0) throw new TypeError("At least one webhook secret is required");
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError("Webhook timestamp must be a non-negative whole number of seconds");
  }
  const content = `${input.id}.${input.timestamp}.${input.body}`;
  const signatures = await Promise.all(
    input.secrets.map(async (secret) => `v1,${await hmacSha256Base64(secret, content)}`),
  );
  return signatures.join(" ");
}

/**
 * A fresh signing secret: `whsec_` + base64 of 32 random bytes (256 bits, the HMAC-SHA256 key size
 * that adds nothing by being longer).
 *
 * @example generateSigningSecret() // "whsec_3q2+7w…" (50 characters)
 */
export function generateSigningSecret(): string {
  return secretPrefix + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

export type WebhookHeadersInput = {
  eventId: string;
  /** Unix time in whole seconds of this attempt. */
  timestamp: number;
  body: string;
  secrets: readonly string[];
  /** Sent as `Authorization: Basic …` only when both parts are non-empty (CONTRACT §8). */
  basicAuth?: { username: string; password: string } | null;
};

export type WebhookHeaders = {
  "content-type": "application/json";
  "user-agent": "Lisoloo-Webhooks/1";
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
  authorization?: string;
};

/**
 * Every header of one webhook request (CONTRACT §8).
 *
 * @example
 * const headers = await webhookHeaders({ eventId, timestamp: Math.floor(Date.now() / 1000), body,
 *   secrets: [key.webhookSecret], basicAuth: { username: "shop", password: "s3cret" } });
 * await fetch(url, { method: "POST", headers, body, redirect: "manual" });
 */
export async function webhookHeaders(input: WebhookHeadersInput): Promise<WebhookHeaders> {
  const headers: WebhookHeaders = {
    "content-type": "application/json",
    "user-agent": "Lisoloo-Webhooks/1",
    "webhook-id": input.eventId,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": await signWebhook({
      id: input.eventId,
      timestamp: input.timestamp,
      body: input.body,
      secrets: input.secrets,
    }),
  };
  const auth = input.basicAuth;
  if (auth && auth.username !== "" && auth.password !== "") {
    // RFC 7617: UTF-8 before base64; `btoa` alone throws on characters outside Latin-1.
    headers.authorization = `Basic ${toBase64(encoder.encode(`${auth.username}:${auth.password}`))}`;
  }
  return headers;
}
