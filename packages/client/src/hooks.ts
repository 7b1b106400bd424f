import type { RateLimitInfo } from "./response-info.js";

/** One attempt of a call, as it leaves: what `onRequest` receives. */
export interface LisolooRequestEvent {
  method: "GET" | "POST" | "DELETE";
  /**
   * The full URL, query included. It never holds the API key: the key travels in the `app-key`
   * header, and hooks see no request header.
   */
  url: string;
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: number;
  /** The `Idempotency-Key` of a `send` (the same on each of its attempts); `null` for other calls. */
  idempotencyKey: string | null;
}

/** How one attempt ended: what `onResponse` receives, for every attempt, failed ones included. */
export interface LisolooResponseEvent extends LisolooRequestEvent {
  /** The HTTP status; `null` when no response came (network failure, timeout, abort). */
  status: number | null;
  /** Milliseconds from sending the request to reading the whole body (or to the failure). */
  durationMs: number;
  /** The `X-Request-Id` header, when a response came with one. */
  requestId: string | null;
  /** The `RateLimit-*` headers, when a response came with them. */
  rateLimit: RateLimitInfo | null;
  /** Whether the API replayed a stored answer for a repeated `Idempotency-Key`. */
  idempotentReplayed: boolean;
  /** What this attempt failed with (a `LisolooError`, or an abort's reason); `null` when it succeeded. */
  error: unknown;
  /** How long the client waits before the next attempt; `null` when this attempt was the last. */
  retryInMs: number | null;
}

/** Observers of every attempt, for logs and metrics. */
export interface LisolooHooks {
  /** Called as each attempt is sent. */
  onRequest?: (event: LisolooRequestEvent) => void;
  /** Called as each attempt ends, whether it succeeded, failed or will be retried. */
  onResponse?: (event: LisolooResponseEvent) => void;
}

/**
 * Calls a hook without letting it change the call: observing a request must never fail it, so a
 * hook's exception (or its promise's rejection, should it be async) is dropped.
 */
export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    const result: unknown = hook(event);
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // Dropped on purpose: see above.
  }
}
