import { DurableObject } from "cloudflare:workers";
import { configOf } from "../../config/config";
import type { WorkerEnv } from "../../env";
import { countD1Queries } from "../../observability/d1-queries";
import { log } from "../../observability/logger";
import { shardEnv } from "../../shards/shard-env";
import { loadOutboxEvents, markTakenStatement, type OutboxEvent } from "../outbox/outbox-store";
import { webhookTimeoutMs } from "../policy/classify-response";
import { shardOfDispatcher } from "./address";
import { type AttemptContext, attemptDelivery } from "./attempt";
import { AttemptDeadlines } from "./attempt-deadlines";
import { basicAuthMemo, deliveryRefusal } from "./key-settings";
import { type Outcome, OutcomeWriter } from "./outcome-writer";
import {
  addToQueue,
  createQueueSchema,
  type HandedEvent,
  holdsMoreThan,
  type LeasedAttempt,
  leaseDue,
  listQueue,
  nextWakeAt,
  type QueueEntry,
  type QueueStats,
  queueStats,
  removeFromQueue,
} from "./queue-store";
import { Wakeup } from "./wakeup";

/**
 * Requests in flight at once per destination, shared by its lanes: a slow endpoint holds at most this
 * many, while a quick one is kept busy enough for thousands of events a second.
 */
export const maxInFlightPerDestination = 64;

/**
 * One lane's share of `maxInFlightPerDestination`. Deployed, a Durable Object has six requests waiting
 * for answers at most and queues the rest inside the runtime while their timeouts run, so eight lanes
 * of eight keep little waiting there.
 *
 * @example inFlightPerLane(1) // 64
 * @example inFlightPerLane(8) // 8
 */
export function inFlightPerLane(lanes: number): number {
  return Math.ceil(maxInFlightPerDestination / lanes);
}

/**
 * Places are refilled once half of them are free (or none is busy), so each D1 read fetches a batch
 * worth its round trip rather than the one or two events whose attempts just ended...
 */
function refillBatchOf(places: number): number {
  return Math.max(1, Math.floor(places / 2));
}

/**
 * ...but a free place never waits longer than this for company: when attempts hang until their
 * timeout, the places that are free still take the attempts falling due meanwhile.
 */
const refillWaitMs = 100;

/** Outcomes waiting for D1 beyond this, no new attempt starts: a slow D1 slows delivery, never memory. */
const maxUnwritten = 512;

/** After this long in one alarm, no new attempt starts; the alarm re-arms and carries on. */
const drainBudgetMs = 60_000;

/**
 * Attempts one run starts at most before it ends and the alarm carries on: deployed, an invocation
 * (an alarm, or the hand-over that started the run) may make 10,000 subrequests, and each attempt is
 * one, besides the D1 reads and writes that go with a batch of them.
 */
export const maxAttemptsPerRun = 5_000;

/** A lease outlives the request timeout, so a live attempt is never started a second time. */
const leaseMarginMs = 20_000;

/**
 * How long a writer's copy of an event (its row and key settings, read in the batch that wrote it)
 * may stand in for a read of D1 at the event's first attempt. Past it, or for any later attempt, the
 * event is read afresh, so a key's rotated secret or changed URL applies as soon as it would have.
 */
const handedCopyFreshMs = 2_000;

/** Writers' copies kept at most: bounded memory whatever the burst; the rest are read from D1. */
const maxHandedCopies = 10_000;

/**
 * Delivers the webhook events of ONE lane of ONE destination URL (`dispatcherFor`), so a slow or
 * failing endpoint only delays its own events. Its queue lives in SQLite storage and a single alarm,
 * re-armed to the earliest due attempt, drives every attempt: an eviction or restart loses nothing,
 * the alarm resumes where storage says.
 *
 * A fresh event's first attempt goes out as its writer read it back (event and key settings, handed
 * over with it); any other is read from D1 once per batch of due attempts, and outcomes are written
 * once per batch (`OutcomeWriter`), so D1's round trips do not bound how fast a quick receiver is fed.
 */
export class WebhookDispatcher extends DurableObject<WorkerEnv> {
  /** The clock of every schedule decision; tests move it instead of sleeping through the retry delays. */
  now: () => number = () => Date.now();
  /** Jitter source of the retry schedule. */
  random: () => number = Math.random;
  /** How long a receiver has to answer (CONTRACT §8: 10 s). */
  timeoutMs = webhookTimeoutMs;
  /** Attempts one run starts at most; tests lower it instead of sending thousands. */
  attemptsPerRun = maxAttemptsPerRun;

  /** The run in progress, if any: one at a time, whether an alarm or a hand-over started it. */
  private running: Promise<void> | null = null;
  /** Rings when an attempt ends, a batch of outcomes is written, or new events are handed over. */
  private readonly wakeup = new Wakeup();
  /** Every attempt's timeout, on one timer. */
  private readonly deadlines = new AttemptDeadlines();
  /**
   * Keys whose own webhook URL answered 410, until D1 holds the disabling: no request for them starts
   * meanwhile, although settings read from D1 in that window do not say so yet.
   */
  private readonly goneKeys = new Map<string, number>();
  /** Writers' copies of fresh events, by id, with when they were handed over (wall clock). */
  private readonly handedCopies = new Map<string, { event: OutboxEvent; at: number }>();

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, countD1Queries(env));
    createQueueSchema(ctx.storage.sql);
  }

  /** Requests this lane keeps in flight at most. */
  private get places(): number {
    return inFlightPerLane(configOf(this.env).webhookDispatcherLanes);
  }

  /** The shard holding this dispatcher's events, as its name says (`dispatcherFor`). */
  private get db(): D1Database {
    return shardEnv(this.env, shardOfDispatcher(this.ctx.id.name)).DB;
  }

  /**
   * Takes events bound for this destination; each is attempted at once, then per the schedule.
   * Handing over an event that is already queued changes nothing. Returns how many were new.
   *
   * D1 learns that this dispatcher holds them (so the sweep leaves them alone) in the batch that reads
   * them for their first attempt or, when that attempt goes out from the writer's copy, in the write
   * of its outcome; only when neither will come soon (the queue is behind, some wait for an earlier
   * event of their recipient, or the dispatcher's clock says they are not due yet) is it told here,
   * in a round trip of its own.
   */
  async enqueue(events: HandedEvent[]): Promise<number> {
    const now = this.now();
    const { added, waiting } = addToQueue(this.ctx.storage.sql, events, now);
    this.keepHandedCopies(events, added);
    await this.armBy(now);
    this.wakeup.ring();
    // Due now by the wall clock: start at once instead of waiting for the alarm to be scheduled. The
    // alarm stays armed, so a run cut short by an eviction still resumes.
    const startsNow = now <= Date.now();
    const behind = !startsNow || waiting.length > 0 || holdsMoreThan(this.ctx.storage.sql, this.places);
    if (startsNow) {
      this.drain().catch((error) => log.error("webhook.drain_failed", { error }));
    }
    if (behind) {
      try {
        await markTakenStatement(
          this.db,
          events.map((e) => e.id),
          now,
        ).run();
      } catch (error) {
        // Harmless if lost: the sweep re-hands the events and the queue ignores them as duplicates.
        log.error("webhook.mark_taken_failed", { error });
      }
    }
    return added.length;
  }

  /** Keeps the writer's copy of each event just added for a first attempt, within `maxHandedCopies`. */
  private keepHandedCopies(events: HandedEvent[], added: string[]): void {
    const fresh = new Set(added);
    const at = Date.now();
    for (const handed of events) {
      if (this.handedCopies.size >= maxHandedCopies) break;
      if (handed.event !== undefined && handed.attempts === 0 && fresh.has(handed.id))
        this.handedCopies.set(handed.id, { event: handed.event, at });
    }
  }

  /**
   * The writers' copies that may stand in for a read of these leased attempts (first attempts handed
   * over less than `handedCopyFreshMs` ago); every leased event's copy is dropped either way.
   */
  private takeHandedCopies(leased: LeasedAttempt[]): Map<string, OutboxEvent> {
    const usable = new Map<string, OutboxEvent>();
    const now = Date.now();
    for (const l of leased) {
      const copy = this.handedCopies.get(l.eventId);
      if (copy === undefined) continue;
      this.handedCopies.delete(l.eventId);
      if (l.attempt === 1 && now - copy.at < handedCopyFreshMs) usable.set(l.eventId, copy.event);
    }
    return usable;
  }

  /** The queue as stored, most due first: for operators and tests. (`queue` is the queue-consumer handler.) */
  queued(): QueueEntry[] {
    return listQueue(this.ctx.storage.sql);
  }

  /** How much it owes and how much is under way: for the operator health view. */
  stats(): QueueStats {
    return queueStats(this.ctx.storage.sql, this.now());
  }

  override async alarm(): Promise<void> {
    // Something is due: a run already under way looks at the queue again. Joining it keeps this
    // alarm open until the run re-arms the next one.
    this.wakeup.ring();
    await this.drain();
  }

  /**
   * Runs every due attempt, at most `places` at a time, until none is due or in flight and every
   * outcome is in D1, or until it has started `attemptsPerRun` of them; then re-arms the alarm (at
   * once when more are due, so the next run is an invocation of its own). Events handed over
   * meanwhile join the same run, and so do retries falling due while attempts are in flight: the loop
   * sleeps until the next one is due rather than until an attempt ends, so one that hangs for its
   * whole timeout holds up nothing else.
   */
  private drain(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const places = this.places;
    const refillBatch = refillBatchOf(places);
    const inFlight = new Set<Promise<Outcome | null>>();
    const outcomes = new OutcomeWriter(
      this.db,
      this.ctx.storage.sql,
      () => inFlight.size > 0,
      (settled) => {
        // Written, D1 now says the key is disabled; failed, the attempt is made again and the 410 seen anew.
        for (const record of settled) if (record.disableKeyWebhook) this.goneKeys.delete(record.keyId);
        this.wakeup.ring();
      },
      this.now,
    );
    // Rings at the end of the gathering that began with the last read: one timer per read, not one
    // per attempt that ends meanwhile (each of those rings, and a wait with a timeout of its own
    // would set and clear a timer every time).
    let gatherEnd: ReturnType<typeof setTimeout> | null = null;
    let gatherEndFor = Number.NEGATIVE_INFINITY;
    try {
      const stopStartingAt = Date.now() + drainBudgetMs;
      let attemptsLeft = this.attemptsPerRun;
      let lastReadAt = Number.NEGATIVE_INFINITY;
      for (;;) {
        const free = Math.min(places - inFlight.size, attemptsLeft);
        const mayStart = free > 0 && outcomes.backlog < maxUnwritten && Date.now() < stopStartingAt;
        const worthReading =
          free >= refillBatch || inFlight.size === 0 || Date.now() - lastReadAt >= refillWaitMs;
        if (mayStart && worthReading) {
          lastReadAt = Date.now();
          const started = await this.startDue(free);
          attemptsLeft -= started.length;
          for (const attempt of started) {
            inFlight.add(attempt);
            void attempt.then((outcome) => {
              // Out of flight first, so the writer knows whether more outcomes are coming.
              inFlight.delete(attempt);
              if (outcome !== null) outcomes.add(outcome);
              this.wakeup.ring();
            });
          }
          // More may be due already: look again before waiting.
          if (started.length > 0) continue;
        }
        if (inFlight.size === 0 && outcomes.backlog === 0) break;
        // Without a free place (or past the budget, or behind on writes) only a ring can change that.
        // While free places are gathered into a batch, the gathering's end (or a ring) is the next
        // moment to look: the queue itself is only asked when nothing was due at the last look, so a
        // burst of attempts ending does not cost a query each.
        if (mayStart && !worthReading && gatherEndFor !== lastReadAt) {
          if (gatherEnd !== null) clearTimeout(gatherEnd);
          gatherEndFor = lastReadAt;
          gatherEnd = setTimeout(
            () => {
              // Cleared, so a loop that finds the gathering not over yet (a clock a hair behind) arms anew.
              gatherEnd = null;
              gatherEndFor = Number.NEGATIVE_INFINITY;
              this.wakeup.ring();
            },
            Math.max(0, lastReadAt + refillWaitMs - Date.now()),
          );
        }
        await this.wakeup.wait(mayStart && worthReading ? this.msUntilDue() : undefined);
      }
      await outcomes.flushed();
    } finally {
      if (gatherEnd !== null) clearTimeout(gatherEnd);
      await this.rearm();
    }
  }

  /** How long until the next attempt falls due (on the dispatcher's clock); undefined when nothing is queued. */
  private msUntilDue(): number | undefined {
    const next = nextWakeAt(this.ctx.storage.sql);
    return next === null ? undefined : Math.max(0, next - this.now());
  }

  /** Leases up to `limit` due attempts, reads their events from D1 in one go and starts them. */
  private async startDue(limit: number): Promise<Promise<Outcome | null>[]> {
    const now = this.now();
    const leased = leaseDue(this.ctx.storage.sql, now, now + this.timeoutMs + leaseMarginMs, limit);
    if (leased.length === 0) return [];
    // A key leaves `goneKeys` once D1 holds its disabling, which may happen while this read runs but
    // after it looked: what was known before the read counts too.
    const goneBefore = new Map(this.goneKeys);
    // First attempts handed over just now go out as their writer read them; the rest are read
    // (and noted as held) in one round trip.
    const events = this.takeHandedCopies(leased);
    const toRead = leased.filter((l) => !events.has(l.eventId)).map((l) => l.eventId);
    let starting = leased;
    if (toRead.length > 0) {
      try {
        for (const [id, event] of await loadOutboxEvents(this.db, toRead, now)) events.set(id, event);
      } catch (error) {
        // Those leases run out and their attempts are made again; the copies go out now.
        log.error("webhook.load_failed", { events: toRead.length, error });
        starting = leased.filter((l) => events.has(l.eventId));
      }
    }
    return this.startLeased(starting, events, goneBefore);
  }

  /**
   * Starts the attempts of leased events; one missing from `events` no longer exists (or was never
   * routed here) and leaves the queue.
   */
  private startLeased(
    leased: LeasedAttempt[],
    events: Map<string, OutboxEvent>,
    goneBefore: Map<string, number>,
  ): Promise<Outcome | null>[] {
    for (const event of events.values()) {
      const goneAt = goneBefore.get(event.keyId) ?? this.goneKeys.get(event.keyId);
      if (event.key !== null && event.key.disabledAt === null && goneAt !== undefined) {
        event.key.disabledAt = goneAt;
      }
    }
    const config = configOf(this.env);
    const context: AttemptContext = {
      now: this.now,
      random: this.random,
      timeoutMs: this.timeoutMs,
      deadlines: this.deadlines,
      environment: config.environment,
      basicAuth: basicAuthMemo(config.credentialKeys),
    };
    return leased.map((l) =>
      this.attempt(l, events.get(l.eventId) ?? null, context).catch((error) => {
        // Its lease runs out and the attempt is made again.
        log.error("webhook.attempt_crashed", { event_id: l.eventId, error });
        return null;
      }),
    );
  }

  /** Attempts one leased event, or closes it without a request when it must not be sent. */
  private async attempt(
    leased: LeasedAttempt,
    event: OutboxEvent | null,
    context: AttemptContext,
  ): Promise<Outcome | null> {
    if (event === null || event.status !== "pending" || event.destination === null) {
      // Settled elsewhere (or never routed here): nothing is owed.
      removeFromQueue(this.ctx.storage.sql, [leased.eventId], this.now());
      return null;
    }
    const { destination, key } = event;
    const refusal = deliveryRefusal(destination, key, {
      allowHttpLocalhost: configOf(this.env).allowHttpLocalhostWebhooks,
    });
    if (refusal !== null || key === null) {
      return {
        close: { eventId: event.id, reason: refusal ?? "The API key of this event no longer exists" },
      };
    }
    const record = await attemptDelivery({ ...event, destination, key }, leased.attempt, context);
    if (record.disableKeyWebhook && key.webhookUrl === destination) {
      this.goneKeys.set(event.keyId, record.nowMs);
    }
    return { attempt: record };
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
