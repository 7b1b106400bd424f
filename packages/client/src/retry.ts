import { LisolooApiError, LisolooNetworkError, LisolooResponseError } from "./errors.js";

/** How the client retries. `attempts` counts the first try: `1` never retries. */
export interface RetryOptions {
  /** Tries per call, the first included. Default 3. */
  attempts?: number;
  /** Back-off before the second try; it doubles each time, with jitter (50–100 %). Default 500. */
  baseDelayMs?: number;
  /**
   * The longest wait between tries. A `retry_after` longer than this is not waited out: the error is
   * thrown at once so the caller decides. Default 60 000 (one rate-limit window).
   */
  maxDelayMs?: number;
}

/** {@link RetryOptions} with every default applied. */
export type RetryPolicy = Required<RetryOptions>;

/**
 * What repeating a request risks. `safe`: nothing can happen twice (reads, `/preview`, and `/send`
 * under an Idempotency-Key), so it is retried on every retryable error and on network failures.
 * `unprocessed-only`: the request changes state without a key (cancel, pause, resume), so it is only
 * retried when the API says it did not run it at all (1301, answered before any work).
 */
export type Repeatability = "safe" | "unprocessed-only";

/** Applies the defaults and checks the numbers; `false` means a single try. */
export function retryPolicyOf(options: RetryOptions | false | undefined): RetryPolicy {
  const given: RetryOptions = options === false ? { attempts: 1 } : (options ?? {});
  const policy: RetryPolicy = {
    attempts: given.attempts ?? 3,
    baseDelayMs: given.baseDelayMs ?? 500,
    maxDelayMs: given.maxDelayMs ?? 60_000,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new TypeError("retry.attempts must be an integer of at least 1");
  }
  for (const field of ["baseDelayMs", "maxDelayMs"] as const) {
    if (!Number.isFinite(policy[field]) || policy[field] < 0) {
      throw new TypeError(`retry.${field} must be a number of milliseconds, 0 or more`);
    }
  }
  return policy;
}

/**
 * A call's own policy: `override` fields replace the client's, `false` means a single try, and
 * `undefined` keeps the client's policy as it is.
 */
export function callRetryPolicy(base: RetryPolicy, override: RetryOptions | false | undefined): RetryPolicy {
  if (override === undefined) return base;
  if (override === false) return { ...base, attempts: 1 };
  return retryPolicyOf({
    attempts: override.attempts ?? base.attempts,
    baseDelayMs: override.baseDelayMs ?? base.baseDelayMs,
    maxDelayMs: override.maxDelayMs ?? base.maxDelayMs,
  });
}

function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling * (0.5 + random() / 2);
}

/**
 * How long to wait before trying again after `attempt` failed with `error`, or `null` when the
 * error must reach the caller.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  repeatability: Repeatability,
  random: () => number = Math.random,
): number | null {
  if (attempt >= policy.attempts) return null;
  if (error instanceof LisolooApiError) {
    if (!error.retryable) return null;
    if (repeatability === "unprocessed-only" && error.error_code !== "1301") return null;
    if (error.retry_after === null) return backoff(attempt, policy, random);
    const asked = error.retry_after * 1000;
    return asked <= policy.maxDelayMs ? asked : null;
  }
  if (repeatability !== "safe") return null;
  if (error instanceof LisolooNetworkError) return backoff(attempt, policy, random);
  if (error instanceof LisolooResponseError && (error.status === 429 || error.status >= 500)) {
    return backoff(attempt, policy, random);
  }
  return null;
}
