// What the receiver tests need besides the examples themselves: the operator API (to set the Basic
// login on the dev key and read its whsec_ secret) and hand-made requests, signed as the gateway
// signs them or deliberately not.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { inject } from "vitest";

const DEV_KEY_ID = "key_dev_sandbox"; // the key dev-seed.ts creates

async function admin<T>(method: string, route: string, body?: unknown): Promise<T> {
  const { baseUrl, adminToken } = inject("gateway");
  const res = await fetch(`${baseUrl}/admin/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data: T };
  if (!res.ok) throw new Error(`${method} /admin/v1${route} → ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/**
 * Sets the Basic login on the dev key's webhook (what `lisoloo keys webhook` does) and returns the
 * key's signing secret. Every test file sets the same login, so running them in parallel is harmless.
 */
export async function configureDevKeyWebhook(): Promise<string> {
  const { webhookUsername, webhookPassword } = inject("gateway");
  const key = await admin<{ webhook: { webhook_signing_secret: unknown } }>(
    "PUT",
    `/keys/${DEV_KEY_ID}/webhook`,
    {
      webhook_basic_auth_username: webhookUsername,
      webhook_basic_auth_password: webhookPassword,
    },
  );
  const secret = key.webhook.webhook_signing_secret;
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) {
    throw new Error(`no whsec_ secret on the dev key: ${JSON.stringify(key.webhook)}`);
  }
  return secret;
}

/** The gateway's own record of a send's events and delivery attempts, for a failure message. */
export async function webhookAttempts(messageId: string): Promise<string> {
  const data = await admin("GET", `/messages/${messageId}/webhooks`).catch((e: Error) => e.message);
  return JSON.stringify(data, null, 2);
}

export type HandMade = {
  secret: string;
  auth: { username: string; password: string } | null;
  /** Seconds; now unless given. */
  timestamp?: number;
  eventId?: string;
  messageId?: string;
};

/** POSTs an `sms.delivered` event signed the Standard Webhooks way; returns the HTTP status. */
export async function postEvent(url: string, options: HandMade): Promise<number> {
  const eventId = options.eventId ?? randomUUID();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    event_id: eventId,
    event_type: "sms.delivered",
    timestamp: new Date(timestamp * 1000).toISOString(),
    message_id: options.messageId ?? randomBytes(12).toString("hex"),
    data: { recipient_phone: "+243998857000", carrier: "sandbox", segments: 1 },
  });
  const key = Buffer.from(options.secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${eventId}.${timestamp}.${body}`).digest("base64");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "webhook-id": eventId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${signature}`,
  };
  if (options.auth) {
    const login = Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64");
    headers.authorization = `Basic ${login}`;
  }
  const res = await fetch(url, { method: "POST", headers, body });
  await res.arrayBuffer();
  return res.status;
}

/** A different, well-formed secret: what a receiver configured with the wrong one would hold. */
export function otherSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
