/**
 * When to try a webhook again (CONTRACT §8): attempt 1 at once, then after 30 s, 2 min, 10 min and
 * 1 h, each ±10 % — five attempts, after which the event is kept as `dead`.
 */

/** Delays before attempts 2…5, in milliseconds, before jitter. */
export const webhookRetryDelaysMs = [30_000, 120_000, 600_000, 3_600_000] as const;

/** Attempts per event, the first included. */
export const maxWebhookAttempts = webhookRetryDelaysMs.length + 1;

/** The longest wait a receiver's `Retry-After` can impose: the schedule's own longest step. */
export const maxRetryAfterMs = 3_600_000;

const jitter = 0.1;

export type NextAttemptOptions = {
  /** Uniform in [0, 1); inject a fixed function for deterministic tests. Defaults to `Math.random`. */
  random?: () => number;
  /** The receiver's `Retry-After` (429/503), already converted to seconds. */
  retryAfterSeconds?: number;
};

/**
 * Milliseconds to wait before the next attempt, or null when `attemptJustFailed` was the last one.
 *
 * Jitter spreads the retries of a burst of events that failed together (a receiver outage) so
 * they do not return as a burst. A `Retry-After` can only lengthen the wait, never shorten it:
 * the delay is max(jittered schedule, min(Retry-After, 1 h)). The 1 h cap keeps a receiver from
 * pushing an event past the schedule's horizon, and the attempt still counts, so a receiver that
 * keeps answering 429 cannot keep an event alive forever.
 *
 * @example
 * nextAttemptDelay(1, { random: () => 0.5 }) // 30_000
 * nextAttemptDelay(2, { random: () => 0.5, retryAfterSeconds: 300 }) // 300_000
 * nextAttemptDelay(5) // null: the event becomes dead
 */
export function nextAttemptDelay(attemptJustFailed: number, options: NextAttemptOptions = {}): number | null {
  if (!Number.isSafeInteger(attemptJustFailed) || attemptJustFailed < 1) {
    throw new RangeError(`Attempt numbers start at 1, got ${attemptJustFailed}`);
  }
  const base = webhookRetryDelaysMs[attemptJustFailed - 1];
  if (base === undefined) return null;
  const random = options.random ?? Math.random;
  const scheduled = Math.round(base * (1 + (random() * 2 - 1) * jitter));
  const retryAfter = options.retryAfterSeconds;
  if (retryAfter === undefined || !Number.isFinite(retryAfter) || retryAfter <= 0) return scheduled;
  return Math.max(scheduled, Math.min(Math.ceil(retryAfter * 1000), maxRetryAfterMs));
}
