import type { AttemptRecord } from "../outbox/attempt-log";
import type { KeyWebhookSettings, OutboxEvent } from "../outbox/outbox-store";
import { classifyResponse } from "../policy/classify-response";
import { buildEnvelope } from "../policy/envelope";
import { settleAttempt } from "../policy/settle-attempt";
import type { AttemptDeadlines } from "./attempt-deadlines";
import { type DeliveryResult, deliverWebhook } from "./deliver";
import { activeSecrets, type basicAuthOf } from "./key-settings";

/** An event that may be sent: routed, with its key's settings. */
export type SendableEvent = OutboxEvent & { destination: string; key: KeyWebhookSettings };

export type AttemptContext = {
  now: () => number;
  random: () => number;
  timeoutMs: number;
  /** Times out every attempt of the dispatcher with one timer. */
  deadlines?: AttemptDeadlines;
  environment: string;
  /** The key's Basic credentials; rejects when the stored password cannot be decrypted. */
  basicAuth: (key: KeyWebhookSettings) => ReturnType<typeof basicAuthOf>;
};

/**
 * Makes attempt number `attempt` of `event` (one signed HTTP request) and judges the answer: the
 * record to write, with the event's state afterwards (delivered, retry at an instant, or dead).
 *
 * @example const record = await attemptDelivery(event, 1, context) // { verdict: "delivered", status: "delivered", … }
 */
export async function attemptDelivery(
  event: SendableEvent,
  attempt: number,
  context: AttemptContext,
): Promise<AttemptRecord> {
  const startedAt = context.now();
  const result = await send(event, startedAt, context);
  const settled = settleAttempt(
    classifyResponse(result.outcome, context.now()),
    result.outcome,
    attempt,
    context.now(),
    context.random,
  );
  return {
    eventId: event.id,
    keyId: event.keyId,
    attempt,
    destination: event.destination,
    startedAt,
    durationMs: result.durationMs,
    responseStatus: result.outcome.kind === "response" ? result.outcome.status : null,
    responseBody: result.responseBody,
    error: result.error,
    verdict: settled.kind === "dead" ? (settled.disableKeyWebhook ? "disabled" : "dead") : settled.kind,
    status: settled.kind === "retry" ? "pending" : settled.kind,
    reason: settled.kind === "dead" ? settled.reason : null,
    nextAttemptAt: settled.kind === "retry" ? settled.at : null,
    disableKeyWebhook: settled.kind === "dead" && settled.disableKeyWebhook,
    nowMs: context.now(),
  };
}

async function send(
  event: SendableEvent,
  startedAt: number,
  context: AttemptContext,
): Promise<DeliveryResult> {
  let basicAuth: Awaited<ReturnType<typeof basicAuthOf>>;
  try {
    basicAuth = await context.basicAuth(event.key);
  } catch {
    return {
      outcome: { kind: "network_error" },
      durationMs: 0,
      responseBody: null,
      error: "The key's Basic password cannot be decrypted",
    };
  }
  const envelope = buildEnvelope(
    {
      eventId: event.id,
      eventType: event.eventType,
      messageId: event.sendId,
      payload: event.payload,
      occurredAt: event.occurredAt,
      sequence: event.sequence,
    },
    startedAt,
    context.environment,
  );
  return deliverWebhook({
    url: event.destination,
    eventId: event.id,
    body: JSON.stringify(envelope),
    timestampSeconds: Math.floor(startedAt / 1000),
    secrets: activeSecrets(event.key, startedAt),
    basicAuth,
    timeoutMs: context.timeoutMs,
    deadlines: context.deadlines,
  });
}
