import { type ErrorCode, type ErrorName, errorCatalogue } from "@lisoloo/protocol/errors";
import type { ErrorEnvelope, StatusData } from "@lisoloo/protocol/schemas";
import type { RateLimitInfo } from "./response-info.js";

/**
 * Base class of every error this package throws, so one `instanceof` check catches them all.
 *
 * @example
 * import { createLisolooClient, LisolooError } from "@lisoloo/client";
 *
 * const lisoloo = createLisolooClient();
 * try {
 *   await lisoloo.status("0123456789abcdef01234567"); // no such send
 * } catch (error) {
 *   if (!(error instanceof LisolooError)) throw error;
 *   console.log(error.name, error.message); // "LisolooApiError" "Message not found"
 * }
 */
export class LisolooError extends Error {
  override name = "LisolooError";
}

/**
 * The API answered with its error envelope (CONTRACT §3). The fields mirror the envelope; `status`
 * is the HTTP status and `error_name` the catalogue name of `error_code` (`null` for a code newer
 * than this package). `name` stays `"LisolooApiError"`, as for any `Error`.
 *
 * @example
 * import { createLisolooClient, LisolooApiError } from "@lisoloo/client";
 *
 * const lisoloo = createLisolooClient();
 * try {
 *   await lisoloo.send({ to: ["12ab", "+243998857000"], message: "Bonjour" });
 * } catch (error) {
 *   if (!(error instanceof LisolooApiError)) throw error;
 *   console.log(error.status, error.error_code, error.error_name); // 400 "1104" "INVALID_PHONE_NUMBER"
 *   for (const d of error.details ?? []) console.log(d.field, d.message); // "to[0]" "Must match ^\+?\d{1,15}$"
 *   console.log(error.request_id, error.retryable); // "req_…" false
 * }
 */
export class LisolooApiError extends LisolooError {
  override name = "LisolooApiError";
  /** The HTTP status, equal to the envelope's `status_code`. */
  readonly status: number;
  /** The four-digit catalogue code, e.g. `"1104"`; it never changes meaning. */
  readonly error_code: ErrorCode | (string & {});
  /** The catalogue name of the code, e.g. `"INVALID_PHONE_NUMBER"`; `null` for an unknown code. */
  readonly error_name: ErrorName | null;
  /** Every field-level finding, or `null`. */
  readonly details: ErrorEnvelope["details"];
  /** Equal to the `X-Request-Id` header: quote it when asking for support. */
  readonly request_id: string;
  /** Whether the same request may succeed later (1301, 1303, 1401, 1402). */
  readonly retryable: boolean;
  /** Seconds to wait before retrying (with 429), else `null`. */
  readonly retry_after: number | null;
  /** When the API answered (UTC, ISO 8601). */
  readonly timestamp: string;
  /**
   * The bucket's budget from the `RateLimit-*` headers, when the response had them (every answer of
   * a rate-limited endpoint, a 429 included); else `null`.
   */
  readonly rateLimit: RateLimitInfo | null;

  constructor(status: number, envelope: ErrorEnvelope, init: { rateLimit?: RateLimitInfo | null } = {}) {
    super(envelope.message);
    this.status = status;
    this.error_code = envelope.error_code;
    this.error_name = errorCatalogue.find((entry) => entry.code === envelope.error_code)?.name ?? null;
    this.details = envelope.details;
    this.request_id = envelope.request_id;
    this.retryable = envelope.retryable;
    this.retry_after = envelope.retry_after;
    this.timestamp = envelope.timestamp;
    this.rateLimit = init.rateLimit ?? null;
  }
}

/**
 * The request never got an answer: the connection failed, or `cause` says why. Safe requests are
 * retried before this is thrown.
 *
 * @example
 * import { createLisolooClient, LisolooNetworkError } from "@lisoloo/client";
 *
 * // A .invalid name never resolves: there is no one to answer.
 * const lisoloo = createLisolooClient({ baseUrl: "http://api.lisoloo.invalid", retry: false });
 * try {
 *   await lisoloo.balance();
 * } catch (error) {
 *   if (!(error instanceof LisolooNetworkError)) throw error;
 *   console.log(error.message); // "GET http://api.lisoloo.invalid/api/v1/lisoloo/sms-api/balance failed: TypeError: fetch failed"
 *   console.log(error.cause instanceof Error); // true
 * }
 */
export class LisolooNetworkError extends LisolooError {
  override name = "LisolooNetworkError";
}

/**
 * One attempt took longer than the client's `timeoutMs` (each attempt has its own budget).
 *
 * @example
 * import { createLisolooClient, type FetchLike, LisolooTimeoutError } from "@lisoloo/client";
 *
 * // A fetch that never answers (a stalled proxy), so each attempt runs out of time.
 * const stalled: FetchLike = (_url, init) =>
 *   new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
 *
 * const lisoloo = createLisolooClient({ fetch: stalled, timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 100 } });
 * try {
 *   await lisoloo.balance();
 * } catch (error) {
 *   if (!(error instanceof LisolooTimeoutError)) throw error;
 *   console.log(error.timeoutMs, error.message); // 200 "No response within 200 ms"
 * }
 */
export class LisolooTimeoutError extends LisolooNetworkError {
  override name = "LisolooTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`No response within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server answered something the contract does not describe: a success body that fails the
 * protocol's schema, or an error that is not the error envelope (e.g. an HTML page from a proxy).
 * `issues` lists what the schema refused, when a schema was applied.
 *
 * @example
 * import { createLisolooClient, LisolooResponseError } from "@lisoloo/client";
 *
 * // A proxy in front of the API answering with its own page.
 * const lisoloo = createLisolooClient({
 *   fetch: async () => new Response("<h1>502 Bad Gateway</h1>", { status: 502 }),
 *   retry: false,
 * });
 * try {
 *   await lisoloo.balance();
 * } catch (error) {
 *   if (!(error instanceof LisolooResponseError)) throw error;
 *   console.log(error.status, error.body, error.request_id); // 502 "<h1>502 Bad Gateway</h1>" null
 * }
 */
export class LisolooResponseError extends LisolooError {
  override name = "LisolooResponseError";
  readonly status: number;
  /** The `X-Request-Id` header, when there was one. */
  readonly request_id: string | null;
  /** The response body as text, cut at 2000 characters. */
  readonly body: string;
  readonly issues: readonly unknown[];

  constructor(
    message: string,
    init: { status: number; requestId: string | null; body: string; issues?: readonly unknown[] },
  ) {
    super(message);
    this.status = init.status;
    this.request_id = init.requestId;
    this.body = init.body.slice(0, 2000);
    this.issues = init.issues ?? [];
  }
}

/**
 * `waitForFinal` ran out of time before the send reached a final status. `last` is the last status
 * read.
 *
 * @example
 * import { createLisolooClient, LisolooWaitTimeoutError } from "@lisoloo/client";
 *
 * const lisoloo = createLisolooClient();
 * const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
 * const sent = await lisoloo.send({
 *   to: ["+243998857000"],
 *   message: "Rappel",
 *   sending_type: "scheduled",
 *   scheduled_dates: [{ date, time: "09:00" }],
 * });
 * try {
 *   await lisoloo.waitForFinal(sent.message_id, { intervalMs: 500, timeoutMs: 2_000 });
 * } catch (error) {
 *   if (!(error instanceof LisolooWaitTimeoutError)) throw error;
 *   console.log(error.message_id === sent.message_id, error.last.status); // true "scheduled"
 * } finally {
 *   await lisoloo.cancel(sent.message_id); // and refunded
 * }
 */
export class LisolooWaitTimeoutError extends LisolooError {
  override name = "LisolooWaitTimeoutError";
  readonly message_id: string;
  readonly last: StatusData;

  constructor(messageId: string, timeoutMs: number, last: StatusData) {
    super(`Message ${messageId} was still ${last.status} after waiting ${timeoutMs} ms for a final status`);
    this.message_id = messageId;
    this.last = last;
  }
}
