/** The verdict on one rate-limited request. */
export type HitResult = {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window (0 once refused). */
  remaining: number;
  /** Whole seconds until the window ends, or until a suspension lifts; at least 1. */
  resetSeconds: number;
  /** Epoch ms when the key's suspension lifts; present only while suspended. */
  suspendedUntil?: number;
  /** True only on the request that tripped the suspension (answered 1302; later ones get 1004). */
  suspendedNow?: boolean;
};

/** A response kept for replay under an Idempotency-Key. */
export type StoredResponse = { status: number; body: string; headers: Record<string, string> };

/** What to do with a request that carries an Idempotency-Key. */
export type BeginResult =
  /** First of its kind: run it, then `completeIdempotent` or `abandonIdempotent` with `lockId`. */
  | { state: "new"; lockId: string }
  /** The first request with this key is still running (409 1303). */
  | { state: "in_progress" }
  /** Already answered: send this response again. */
  | ({ state: "replay" } & StoredResponse)
  /** The key was used with another method, path or body (422 1108). */
  | { state: "mismatch" };

/** An Idempotency-Key and the fingerprint of the request that carries it. */
export type IdempotentRequest = { key: string; fingerprint: string };

/** A verdict of the guard with the key's auth version at the time (key-guard/auth-version.ts). */
export type WithAuthVersion<T> = T & { authVersion: number };

/** Rate-limit verdict and, when the request was allowed and idempotent, the idempotency verdict. */
export type Admission = WithAuthVersion<{ rate: HitResult; idempotency: BeginResult | null }>;

/**
 * The answer to an admission asked for with an auth version the key has moved past: the caller
 * judged the key from rows that may be stale, so nothing was counted or locked.
 */
export type StaleAuth = { stale: true; authVersion: number };
