import type { KeyWebhookSettings } from "../outbox/outbox-store";
import { classifyResponse } from "../policy/classify-response";
import { buildEnvelope } from "../policy/envelope";
import { deliverWebhook } from "./deliver";
import { activeSecrets, basicAuthOf, deliveryRefusal } from "./key-settings";

/**
 * The event type of an operator's test request. Deliberately outside the contract's five `sms.*`
 * types: a receiver that only knows those can tell a ping from real traffic and ignore it.
 */
export const pingEventType = "webhook.ping";

export type PingResult = {
  event_id: string;
  event_type: typeof pingEventType;
  destination: string;
  /** True when the receiver answered 2xx in time. */
  delivered: boolean;
  response_status: number | null;
  duration_ms: number;
  response_body: string | null;
  error: string | null;
};

export type PingInput = {
  keyId: string;
  merchantId: string;
  destination: string;
  key: KeyWebhookSettings;
  environment: string;
  /** `Config.credentialKeys`: the Basic password opens under the current key or the previous one. */
  credentialKeys: readonly string[];
  allowHttpLocalhost: boolean;
  nowMs?: number;
};

/**
 * Sends one signed `webhook.ping` to a key's webhook, exactly as a real event would travel (same
 * headers, signature, Basic auth, timeout, no redirects), and reports what came back. One attempt,
 * no retries, nothing stored, no side effect on the key: it answers "does my endpoint work now?".
 * Returns a refusal sentence instead when the URL itself is not allowed.
 *
 * @example
 * const result = await pingWebhook({ keyId, merchantId, destination: key.webhookUrl, key, … });
 * if (typeof result !== "string" && result.delivered) console.log(result.duration_ms);
 */
export async function pingWebhook(input: PingInput): Promise<PingResult | string> {
  // A ping also checks an endpoint disabled by a 410, so only the URL rules apply here.
  const refusal = deliveryRefusal(
    input.destination,
    { ...input.key, disabledAt: null },
    {
      allowHttpLocalhost: input.allowHttpLocalhost,
    },
  );
  if (refusal !== null) return refusal;
  const now = input.nowMs ?? Date.now();
  const eventId = crypto.randomUUID();
  const payload = JSON.stringify({
    key_id: input.keyId,
    merchant_id: input.merchantId,
    message: "Test event from Lisoloo",
  });
  const body = JSON.stringify(
    buildEnvelope(
      { eventId, eventType: pingEventType, messageId: null, payload, occurredAt: now, sequence: 0 },
      now,
      input.environment,
    ),
  );
  let basicAuth: Awaited<ReturnType<typeof basicAuthOf>>;
  try {
    basicAuth = await basicAuthOf(input.credentialKeys, input.key);
  } catch {
    return "The key's Basic password cannot be decrypted";
  }
  const result = await deliverWebhook({
    url: input.destination,
    eventId,
    body,
    timestampSeconds: Math.floor(now / 1000),
    secrets: activeSecrets(input.key, now),
    basicAuth,
  });
  return {
    event_id: eventId,
    event_type: pingEventType,
    destination: input.destination,
    delivered: classifyResponse(result.outcome).kind === "delivered",
    response_status: result.outcome.kind === "response" ? result.outcome.status : null,
    duration_ms: result.durationMs,
    response_body: result.responseBody,
    error: result.error,
  };
}
