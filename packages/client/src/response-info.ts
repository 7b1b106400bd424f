/**
 * A rate-limited endpoint's budget, from the `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` headers (CONTRACT §9): fixed one-minute windows per key and bucket.
 */
export interface RateLimitInfo {
  /** Requests the bucket allows per window, e.g. 60 for `send`. */
  limit: number;
  /** Requests left in the current window, this one counted. */
  remaining: number;
  /** Seconds until the window resets, as of the response. */
  reset: number;
}

/** What a response said besides its `data`. */
export interface LisolooResponseInfo {
  /** The HTTP status, e.g. 201 for a send. */
  status: number;
  /** The `X-Request-Id` header (every API response has one): quote it when asking for support. */
  requestId: string | null;
  /**
   * `true` when the answer is a stored one replayed for a repeated `Idempotency-Key`
   * (`Idempotent-Replayed: true`): this call sent and debited nothing.
   */
  idempotentReplayed: boolean;
  /** The bucket's budget; `null` for endpoints without a rate limit (`/health`). */
  rateLimit: RateLimitInfo | null;
  /** Every response header. */
  headers: Headers;
}

/** A method's `data` with what the response said about it: see `withResponse`. */
export interface WithResponse<T> {
  data: T;
  response: LisolooResponseInfo;
}

function count(headers: Headers, name: string): number | null {
  const value = headers.get(name)?.trim();
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/** The `RateLimit-*` headers, or `null` unless all three are there and are whole numbers. */
export function rateLimitOf(headers: Headers): RateLimitInfo | null {
  const limit = count(headers, "ratelimit-limit");
  const remaining = count(headers, "ratelimit-remaining");
  const reset = count(headers, "ratelimit-reset");
  return limit === null || remaining === null || reset === null ? null : { limit, remaining, reset };
}

/** Everything {@link LisolooResponseInfo} holds, read from a Fetch `Response`. */
export function responseInfoOf(response: Response): LisolooResponseInfo {
  return {
    status: response.status,
    requestId: response.headers.get("x-request-id"),
    idempotentReplayed: response.headers.get("idempotent-replayed")?.trim().toLowerCase() === "true",
    rateLimit: rateLimitOf(response.headers),
    headers: response.headers,
  };
}
