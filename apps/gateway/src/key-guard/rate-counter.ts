import type { RateLimitBucket } from "../env";
import { SUSPENSION_MS, SUSPICION_FACTOR, WINDOW_MS } from "./limits";
import type { HitResult } from "./types";

function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}

/**
 * How far ahead of the exact count a bucket's stored count is written: a tenth of the limit, 1 to 64.
 * Each write is a commit of the guard's storage (locally, a synced write on the Worker's thread), so
 * a key at its limit's pace writes about ten times a window instead of once per request.
 */
export function countAhead(limit: number): number {
  return Math.min(64, Math.max(1, Math.floor(limit / 10)));
}

/**
 * What to store once the exact count passes what is stored: up to `countAhead` requests more, but
 * never across the limit nor the suspension threshold. A guard restarted with a key within its limit
 * reads it back within its limit, and one not past the threshold reads it back not suspended; after
 * the restart those thresholds may come a few requests early in that window, never late.
 */
export function storedCountFor(count: number, limit: number): number {
  const suspicion = SUSPICION_FACTOR * limit;
  const bound = count <= limit ? limit : Math.max(count, suspicion);
  return Math.min(bound, count + countAhead(limit) - 1);
}

/** One bucket in the current window: the exact count, and what storage holds (never less). */
type Tally = { count: number; stored: number };

/**
 * One key's rate-limit counts and suspension, in its guard's SQLite storage.
 *
 * Synchronous on purpose: a Durable Object cannot interleave another call into it, so the count is
 * exact. The instance counts in memory and writes each bucket's count ahead of it (`storedCountFor`):
 * a request whose count is already covered by storage writes nothing, and since a Durable Object holds
 * every answer until its writes are durable, no answer ever rests on a count storage has not got. An
 * instance that starts mid-window (after a crash or a deploy; an idle one is evicted only after its
 * window has ended) resumes from the stored count, which is at or above the exact one: it may refuse a
 * few requests early in that window, never let one too many through. The suspension, written only when
 * one starts or ends, is read once per instance and then kept, since the guard is its only writer.
 */
export class RateCounter {
  /** The stored suspension's end (null: none); undefined until first read. */
  private suspension: number | null | undefined;
  /** The window the tallies belong to. */
  private windowStart: number | undefined;
  /** This window's buckets, each read from storage on its first request in this instance. */
  private readonly tallies = new Map<RateLimitBucket, Tally>();

  constructor(private readonly sql: SqlStorage) {}

  /** Epoch ms when the key's suspension lifts, or null when it is not suspended. */
  activeSuspension(nowMs: number): number | null {
    if (this.suspension === undefined) {
      const row = this.sql
        .exec<{ until_ms: number }>("SELECT until_ms FROM suspension WHERE id = 1")
        .toArray()[0];
      this.suspension = row?.until_ms ?? null;
    }
    if (this.suspension === null || this.suspension > nowMs) return this.suspension;
    this.sql.exec("DELETE FROM suspension WHERE id = 1");
    this.suspension = null;
    return null;
  }

  /** Ends the key's suspension and clears the current window's counts; true when a suspension was on. */
  lift(): boolean {
    const lifted = this.sql.exec("DELETE FROM suspension").rowsWritten > 0;
    this.suspension = null;
    this.sql.exec("DELETE FROM rate_hits");
    this.tallies.clear();
    return lifted;
  }

  /**
   * Counts one request against `bucket` in the minute that contains `nowMs` and judges it. Refused
   * requests are counted too: the one that takes the count past `SUSPICION_FACTOR × limit` suspends
   * the whole key for `SUSPENSION_MS`, and while suspended nothing is counted.
   */
  hit(bucket: RateLimitBucket, limit: number, nowMs: number): HitResult {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer`);
    const suspendedUntil = this.activeSuspension(nowMs);
    if (suspendedUntil !== null) {
      return {
        allowed: false,
        limit,
        remaining: 0,
        resetSeconds: secondsUntil(suspendedUntil, nowMs),
        suspendedUntil,
      };
    }

    const windowStart = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
    const tally = this.tallyOf(bucket, windowStart);
    tally.count += 1;
    const count = tally.count;
    if (count > tally.stored) {
      tally.stored = storedCountFor(count, limit);
      this.sql.exec(
        `INSERT INTO rate_hits (bucket, window_start, count) VALUES (?, ?, ?)
         ON CONFLICT (bucket, window_start) DO UPDATE SET count = excluded.count`,
        bucket,
        windowStart,
        tally.stored,
      );
    }

    if (count > SUSPICION_FACTOR * limit) {
      const until = nowMs + SUSPENSION_MS;
      this.sql.exec(
        "INSERT INTO suspension (id, until_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET until_ms = excluded.until_ms",
        until,
      );
      this.suspension = until;
      return {
        allowed: false,
        limit,
        remaining: 0,
        resetSeconds: secondsUntil(until, nowMs),
        suspendedUntil: until,
        suspendedNow: true,
      };
    }
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: secondsUntil(windowStart + WINDOW_MS, nowMs),
    };
  }

  /**
   * The bucket's tally in the window of `windowStart`, read from storage the first time. The first
   * request of a bucket in a window retires every older window's rows.
   */
  private tallyOf(bucket: RateLimitBucket, windowStart: number): Tally {
    if (this.windowStart !== windowStart) {
      this.tallies.clear();
      this.windowStart = windowStart;
    }
    let tally = this.tallies.get(bucket);
    if (tally === undefined) {
      const row = this.sql
        .exec<{ count: number }>(
          "SELECT count FROM rate_hits WHERE bucket = ? AND window_start = ?",
          bucket,
          windowStart,
        )
        .toArray()[0];
      if (row === undefined) this.sql.exec("DELETE FROM rate_hits WHERE window_start <> ?", windowStart);
      tally = { count: row?.count ?? 0, stored: row?.count ?? 0 };
      this.tallies.set(bucket, tally);
    }
    return tally;
  }
}
