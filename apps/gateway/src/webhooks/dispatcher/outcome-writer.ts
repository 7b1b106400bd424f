import { log } from "../../observability/logger";
import { type AttemptRecord, type ClosedEvent, recordOutcomes } from "../outbox/attempt-log";
import { removeFromQueue, reschedule } from "./queue-store";

/** What one attempt slot ends with: an HTTP attempt to record, or an event closed without one. */
export type Outcome = { attempt: AttemptRecord } | { close: ClosedEvent };

/** Outcomes per D1 batch: keeps each batch's JSON well under D1's limits (a response body is ≤ 1 KiB). */
const maxBatch = 100;

/**
 * While more outcomes are on their way, a batch waits this long for company (unless it fills up):
 * a burst then costs a few D1 writes a second instead of one per handful of attempts.
 */
const gatherMs = 50;

/**
 * Collects the outcomes of a dispatcher's attempts and writes them to D1 in batches, one write at a
 * time. A lone outcome is written at once; during a burst (`moreComing()`), outcomes gather for up to
 * `gatherMs` or until a batch is full.
 *
 * The queue in storage changes only after D1 holds an outcome: if a write fails, the events stay
 * leased, the lease runs out and the attempt is made again (at-least-once), nothing is forgotten.
 */
export class OutcomeWriter {
  private attempts: AttemptRecord[] = [];
  private closes: ClosedEvent[] = [];
  private writing: Promise<void> | null = null;
  private inWrite = 0;
  private gathering: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param moreComing whether attempts are still under way, whose outcomes could join a batch.
   * @param onSettled called with each batch's attempts once the batch is written or its write has
   *   failed, so whoever waits on the backlog (or on a 410 reaching D1) can look again.
   * @param now the dispatcher's clock: a delivery's next event falls due at this time once the
   *   events before it are settled.
   */
  constructor(
    private readonly db: D1Database,
    private readonly sql: SqlStorage,
    private readonly moreComing: () => boolean,
    private readonly onSettled: (attempts: readonly AttemptRecord[]) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Outcomes not yet in D1. */
  get backlog(): number {
    return this.waiting + this.inWrite;
  }

  private get waiting(): number {
    return this.attempts.length + this.closes.length;
  }

  add(outcome: Outcome): void {
    if ("attempt" in outcome) this.attempts.push(outcome.attempt);
    else this.closes.push(outcome.close);
    // A running write picks up what arrived meanwhile when it is done.
    if (this.writing === null) this.writeSoon();
  }

  /** Writes everything added so far; resolves once it is written (or its write has failed). */
  async flushed(): Promise<void> {
    while (this.writing !== null || this.waiting > 0) {
      this.writeNow();
      await this.writing;
    }
  }

  private writeSoon(): void {
    if (this.waiting >= maxBatch || !this.moreComing()) this.writeNow();
    else this.gathering ??= setTimeout(() => this.writeNow(), gatherMs);
  }

  private writeNow(): void {
    if (this.gathering !== null) clearTimeout(this.gathering);
    this.gathering = null;
    this.writing ??= this.writeBatch().finally(() => {
      this.writing = null;
      if (this.waiting > 0) this.writeSoon();
    });
  }

  private async writeBatch(): Promise<void> {
    const attempts = this.attempts.splice(0, maxBatch);
    const closes = this.closes.splice(0, maxBatch - attempts.length);
    this.inWrite = attempts.length + closes.length;
    let written = false;
    try {
      await recordOutcomes(this.db, attempts, closes);
      written = true;
    } catch (error) {
      log.error("webhook.record_failed", { outcomes: attempts.length + closes.length, error });
    }
    this.inWrite = 0;
    if (written) this.release(attempts, closes);
    this.onSettled(attempts);
  }

  /** D1 holds these outcomes: the queue forgets settled events and reschedules the others. */
  private release(attempts: readonly AttemptRecord[], closes: readonly ClosedEvent[]): void {
    const done = closes.map((c) => c.eventId);
    for (const a of attempts) {
      if (a.nextAttemptAt === null) done.push(a.eventId);
      else reschedule(this.sql, a.eventId, a.nextAttemptAt);
    }
    removeFromQueue(this.sql, done, this.now());
  }
}
