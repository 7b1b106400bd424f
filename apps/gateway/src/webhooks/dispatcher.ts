import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { classifyResponse, webhookTimeoutMs } from "./classify-response";
import { type DeliveryResult, deliverWebhook } from "./deliver";
import { buildEnvelope } from "./envelope";
import { activeSecrets, basicAuthOf, deliveryRefusal } from "./key-settings";
import {
  closeEvent,
  type KeyWebhookSettings,
  loadOutboxEvent,
  markTaken,
  type OutboxEvent,
  recordAttempt,
} from "./outbox-store";
import {
  addToQueue,
  createQueueSchema,
  type HandedEvent,
  type LeasedAttempt,
  leaseNext,
  listQueue,
  nextWakeAt,
  type QueueEntry,
  removeFromQueue,
  reschedule,
} from "./queue-store";
import { settleAttempt } from "./settle-attempt";

/** Attempts in flight at once per destination: a slow endpoint holds at most this many. */
export const maxInFlight = 8;

/** After this long in one alarm, no new attempt starts; the alarm re-arms and carries on. */
const drainBudgetMs = 60_000;

/** A lease outlives the request timeout, so a live attempt is never started a second time. */
const leaseMarginMs = 20_000;

/**
 * Delivers the webhook events of ONE destination URL (addressed with `idFromName(url)`), so a slow or
 * failing endpoint only delays its own events. Its queue lives in SQLite storage and a single alarm,
 * re-armed to the earliest due attempt, drives every attempt: an eviction or restart loses nothing,
 * the alarm resumes where storage says.
 */
export class WebhookDispatcher extends DurableObject<Bindings> {
  /** The clock of every schedule decision; tests move it instead of sleeping through the retry delays. */
  now: () => number = () => Date.now();
  /** Jitter source of the retry schedule. */
  random: () => number = Math.random;
  /** How long a receiver has to answer (CONTRACT §8: 10 s). */
  timeoutMs = webhookTimeoutMs;

  private draining = false;
  private wake: (() => void) | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    createQueueSchema(ctx.storage.sql);
  }

  /**
   * Takes events bound for this destination; each is attempted at once, then per the schedule.
   * Handing over an event that is already queued changes nothing. Returns how many were new.
   */
  async enqueue(events: HandedEvent[]): Promise<number> {
    const now = this.now();
    const added = addToQueue(this.ctx.storage.sql, events, now);
    await this.armBy(now);
    this.wake?.();
    try {
      await markTaken(
        this.env.DB,
        events.map((e) => e.id),
        now,
      );
    } catch (error) {
      // Harmless if lost: the sweep re-hands the events and the queue ignores them as duplicates.
      log("webhook.mark_taken_failed", { error: String(error) });
    }
    return added;
  }

  /** The queue as stored, most due first: for operators and tests. (`queue` is the queue-consumer handler.) */
  queued(): QueueEntry[] {
    return listQueue(this.ctx.storage.sql);
  }

  override async alarm(): Promise<void> {
    await this.drain();
  }

  /** Runs every due attempt, at most `maxInFlight` at a time, then re-arms the alarm. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      const inFlight = new Set<Promise<void>>();
      const stopStartingAt = Date.now() + drainBudgetMs;
      for (;;) {
        while (inFlight.size < maxInFlight && Date.now() < stopStartingAt) {
          const now = this.now();
          const leased = leaseNext(this.ctx.storage.sql, now, now + this.timeoutMs + leaseMarginMs);
          if (leased === null) break;
          const run: Promise<void> = this.attempt(leased)
            .catch((error) =>
              log("webhook.attempt_crashed", { event_id: leased.eventId, error: String(error) }),
            )
            .finally(() => inFlight.delete(run));
          inFlight.add(run);
        }
        if (inFlight.size === 0) break;
        // Wake on the first finished attempt, or on new events handed over meanwhile.
        await Promise.race([...inFlight, new Promise<void>((resolve) => (this.wake = resolve))]);
        this.wake = null;
      }
    } finally {
      this.draining = false;
      await this.rearm();
    }
  }

  private async attempt(leased: LeasedAttempt): Promise<void> {
    const sql = this.ctx.storage.sql;
    const event = await loadOutboxEvent(this.env.DB, leased.eventId);
    if (event === null || event.status !== "pending" || event.destination === null) {
      // Settled elsewhere (or never routed here): nothing is owed.
      removeFromQueue(sql, leased.eventId);
      return;
    }
    const destination = event.destination;
    const refusal = deliveryRefusal(destination, event.key, {
      allowHttpLocalhost: this.env.ALLOW_HTTP_LOCALHOST_WEBHOOKS === "true",
    });
    if (refusal !== null || event.key === null) {
      await closeEvent(
        this.env.DB,
        event.id,
        "dead",
        refusal ?? "The API key of this event no longer exists",
      );
      removeFromQueue(sql, event.id);
      return;
    }
    const startedAt = this.now();
    const result = await this.send(event, event.key, destination, startedAt);
    const settled = settleAttempt(
      classifyResponse(result.outcome, this.now()),
      result.outcome,
      leased.attempt,
      this.now(),
      this.random,
    );
    await recordAttempt(this.env.DB, {
      eventId: event.id,
      keyId: event.keyId,
      attempt: leased.attempt,
      destination,
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
      nowMs: this.now(),
    });
    // Storage changes only after D1 holds the outcome: if that write fails, the lease runs out and
    // the attempt is made again (at-least-once) instead of the event being forgotten.
    if (settled.kind === "retry") reschedule(sql, event.id, settled.at);
    else removeFromQueue(sql, event.id);
  }

  private async send(
    event: OutboxEvent,
    key: KeyWebhookSettings,
    url: string,
    startedAt: number,
  ): Promise<DeliveryResult> {
    let basicAuth: Awaited<ReturnType<typeof basicAuthOf>>;
    try {
      basicAuth = await basicAuthOf(this.env.CREDENTIALS_KEY, key);
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
      this.env.ENVIRONMENT,
    );
    return deliverWebhook({
      url,
      eventId: event.id,
      body: JSON.stringify(envelope),
      timestampSeconds: Math.floor(startedAt / 1000),
      secrets: activeSecrets(key, startedAt),
      basicAuth,
      timeoutMs: this.timeoutMs,
    });
  }

  /** Makes sure the alarm fires no later than `at`. */
  private async armBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private async rearm(): Promise<void> {
    const at = nextWakeAt(this.ctx.storage.sql);
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }
}

function log(event: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ level: "error", event, ...fields }));
}
