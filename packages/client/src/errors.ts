import { type ErrorCode, type ErrorName, errorCatalogue } from "@lisoloo/protocol/errors";
import type { ErrorEnvelope, StatusData } from "@lisoloo/protocol/schemas";

/**
 * Base class of every error this package throws, so one `instanceof` check catches them all.
 * @example
 * try { await client.balance(); } catch (error) { if (error instanceof LisolooError) report(error); }
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
 * try {
 *   await client.send({ to: ["12ab"], message: "Hi" });
 * } catch (error) {
 *   if (error instanceof LisolooApiError && error.error_code === "1104") {
 *     for (const d of error.details ?? []) console.log(d.field, d.message); // "to[0]" …
 *   }
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

  constructor(status: number, envelope: ErrorEnvelope) {
    super(envelope.message);
    this.status = status;
    this.error_code = envelope.error_code;
    this.error_name = errorCatalogue.find((entry) => entry.code === envelope.error_code)?.name ?? null;
    this.details = envelope.details;
    this.request_id = envelope.request_id;
    this.retryable = envelope.retryable;
    this.retry_after = envelope.retry_after;
    this.timestamp = envelope.timestamp;
  }
}

/**
 * The request never got an answer: the connection failed, or `cause` says why. Safe requests are
 * retried before this is thrown.
 * @example
 * catch (error) { if (error instanceof LisolooNetworkError) console.log(error.cause); }
 */
export class LisolooNetworkError extends LisolooError {
  override name = "LisolooNetworkError";
}

/**
 * One attempt took longer than the client's `timeoutMs` (each attempt has its own budget).
 * @example
 * catch (error) { if (error instanceof LisolooTimeoutError) console.log(error.timeoutMs); }
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
 * @example
 * catch (error) { if (error instanceof LisolooResponseError) console.log(error.status, error.body); }
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
 * @example
 * catch (error) { if (error instanceof LisolooWaitTimeoutError) console.log(error.last.pending); }
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
