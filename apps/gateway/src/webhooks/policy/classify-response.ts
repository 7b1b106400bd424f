/**
 * What one webhook attempt's outcome means for the event (CONTRACT §8).
 */

/** A receiver has this long to answer; slower is a timeout, retried like a network error. */
export const webhookTimeoutMs = 10_000;

/** What came back from `fetch(url, { redirect: "manual", … })`. */
export type AttemptOutcome =
  | { kind: "response"; status: number; retryAfter?: string | null }
  | { kind: "network_error" }
  | { kind: "timeout" };

export type AttemptVerdict =
  | { kind: "delivered" }
  | { kind: "retry"; retryAfterSeconds?: number }
  | { kind: "give_up" }
  | { kind: "disable" };

/**
 * The outcome of a finished `fetch`. Call it with `redirect: "manual"` so a 3xx arrives here as
 * itself: following a redirect would let a vetted URL bounce the request to an unvetted one.
 *
 * @example attemptOutcome(await fetch(url, { method: "POST", headers, body, redirect: "manual" }))
 */
export function attemptOutcome(response: Response): AttemptOutcome {
  const { status } = response;
  // Only these two statuses read it (`classifyResponse`); looking up a header costs every attempt.
  if (status !== 429 && status !== 503) return { kind: "response", status };
  return { kind: "response", status, retryAfter: response.headers.get("retry-after") };
}

/**
 * Delivered on any 2xx; retried on network errors, timeouts, 3xx, 5xx and 429; given up on other
 * 4xx, which mean the receiver rejects this request as such; 410 Gone also disables the endpoint.
 * `Retry-After` is read on 429 and 503, the two statuses for which it means "come back later".
 *
 * @example
 * classifyResponse({ kind: "response", status: 204 }) // { kind: "delivered" }
 * classifyResponse({ kind: "response", status: 429, retryAfter: "120" })
 * // { kind: "retry", retryAfterSeconds: 120 }
 * classifyResponse({ kind: "response", status: 410 }) // { kind: "disable" }
 */
export function classifyResponse(outcome: AttemptOutcome, nowMs: number = Date.now()): AttemptVerdict {
  if (outcome.kind !== "response") return { kind: "retry" };
  const { status } = outcome;
  if (status >= 200 && status <= 299) return { kind: "delivered" };
  if (status === 410) return { kind: "disable" };
  if (status === 429 || status === 503) {
    const seconds = parseRetryAfter(outcome.retryAfter ?? null, nowMs);
    return seconds === undefined ? { kind: "retry" } : { kind: "retry", retryAfterSeconds: seconds };
  }
  if (status >= 400 && status <= 499) return { kind: "give_up" };
  // 3xx, 5xx, and anything no valid HTTP server sends (1xx as a final status, ≥ 600): a failure
  // of the receiver, not a verdict on the request, so it is worth another attempt.
  return { kind: "retry" };
}

/**
 * `Retry-After` in whole seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * A date in the past means 0; anything unparsable is ignored (undefined).
 *
 * @example parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", Date.UTC(2015, 9, 21, 7, 28)) // 30
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Every HTTP-date format names the month in letters; requiring one keeps `Date.parse` from
  // reading stray numbers such as "1.5" as dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
