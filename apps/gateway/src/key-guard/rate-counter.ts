import type { RateLimitBucket } from "../env";
import { SUSPENSION_MS, SUSPICION_FACTOR, WINDOW_MS } from "./limits";
import type { HitResult } from "./types";

function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}

/**
 * One key's rate-limit counts and suspension, in its guard's SQLite storage.
 *
 * Synchronous on purpose: a Durable Object cannot interleave another call into it, so the count is
 * exact. The counts are written by every request; the suspension, written only when one starts or
 * ends, is read once per instance and then kept, since the guard is its only writer.
 */
export class RateCounter {
  /** The stored suspension's end (null: none); undefined until first read. */
  private suspension: number | null | undefined;

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
    const { count } = this.sql
      .exec<{ count: number }>(
        `INSERT INTO rate_hits (bucket, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + 1
         RETURNING count`,
        bucket,
        windowStart,
      )
      .one();
    // The first request of a bucket in a window retires every older window's rows.
    if (count === 1) this.sql.exec("DELETE FROM rate_hits WHERE window_start <> ?", windowStart);

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
}
