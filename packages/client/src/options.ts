import type { Language } from "@lisoloo/protocol/errors";
import { environmentVariable } from "./environment.js";
import type { LisolooHooks } from "./hooks.js";
import { callRetryPolicy, type RetryOptions, retryPolicyOf } from "./retry.js";
import { API_PREFIX, type ApiCall, type FetchLike, type TransportConfig } from "./transport.js";

/** Where the client goes when neither `baseUrl` nor `LISOLOO_BASE_URL` says: a local gateway. */
const DEFAULT_BASE_URL = "http://127.0.0.1:8787";

/** Options of `createLisolooClient`; every one may be left out. */
export interface LisolooClientOptions extends LisolooHooks {
  /**
   * The merchant's `sk_test_…` or `sk_live_…` key, sent as the `app-key` header. Default: the
   * `LISOLOO_API_KEY` environment variable.
   */
  apiKey?: string | undefined;
  /**
   * Origin of the API (the client adds `/api/v1/lisoloo/sms-api`). Default: the `LISOLOO_BASE_URL`
   * environment variable, else `http://127.0.0.1:8787` (a local gateway).
   */
  baseUrl?: string | undefined;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Language of error messages (`Accept-Language`); codes never change. Default: the API's, English. */
  language?: Language;
  /** Budget of each attempt, body included, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retry policy, or `false` for a single try. Default: 3 attempts from 500 ms. */
  retry?: RetryOptions | false;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call, its retries and its waits; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** This call's budget per attempt, in milliseconds, instead of the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /**
   * This call's retry policy: the fields given replace the client's, `false` tries once. A `send`
   * keeps its Idempotency-Key whatever the policy.
   */
  retry?: RetryOptions | false | undefined;
}

/** Options of `send`. */
export interface SendOptions extends CallOptions {
  /**
   * The `Idempotency-Key` header (1–255 printable ASCII). Default: a fresh UUID per `send` call,
   * reused by that call's retries. Pass your own (an order id…) to stay safe across restarts too.
   */
  idempotencyKey?: string | undefined;
}

/** Options of `recipients`. */
export interface RecipientsOptions extends CallOptions {
  /** `next_cursor` of the previous page. */
  cursor?: string | undefined;
  /** Items per page, 1–1000. Default (the API's) 100. */
  limit?: number | undefined;
}

/** Options of `allRecipients`. */
export interface AllRecipientsOptions extends CallOptions {
  /** Items per page fetched, 1–1000. Default (the API's) 100. */
  limit?: number | undefined;
}

function checkedTimeout(timeoutMs: number, name: string): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`${name} must be above 0`);
  return timeoutMs;
}

function baseUrlOf(options: LisolooClientOptions): string {
  const fromEnvironment = options.baseUrl === undefined ? environmentVariable("LISOLOO_BASE_URL") : undefined;
  const given = options.baseUrl ?? fromEnvironment ?? DEFAULT_BASE_URL;
  // The documentation's BASE_URL is the origin; a URL pasted with the API's own prefix means the same.
  let baseUrl = given.replace(/\/+$/, "");
  if (baseUrl.endsWith(API_PREFIX)) baseUrl = baseUrl.slice(0, -API_PREFIX.length);
  try {
    new URL(baseUrl);
  } catch {
    const source = fromEnvironment === undefined ? "baseUrl" : "LISOLOO_BASE_URL";
    throw new TypeError(`${source} is not an absolute URL: ${given}`);
  }
  return baseUrl;
}

function apiKeyOf(options: LisolooClientOptions): string {
  const apiKey = options.apiKey ?? environmentVariable("LISOLOO_API_KEY");
  if (apiKey === undefined) {
    throw new TypeError(
      "No API key: pass apiKey to createLisolooClient or set the LISOLOO_API_KEY environment variable",
    );
  }
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new TypeError("apiKey must be a non-empty string");
  }
  return apiKey;
}

/** The settings every call of one client shares, checked once when the client is created. */
export function configOf(options: LisolooClientOptions): TransportConfig {
  return {
    apiKey: apiKeyOf(options),
    baseUrl: baseUrlOf(options),
    // Called through a closure: a detached `fetch` throws "Illegal invocation" in browsers and workers.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    language: options.language,
    timeoutMs: checkedTimeout(options.timeoutMs ?? 30_000, "timeoutMs"),
    retry: retryPolicyOf(options.retry),
    hooks: { onRequest: options.onRequest, onResponse: options.onResponse },
  };
}

/** A call's own `signal`, timeout and retry policy, checked against the client's. */
export function callSettingsOf(
  config: TransportConfig,
  options: CallOptions,
): Pick<ApiCall<unknown>, "signal" | "timeoutMs" | "retry"> {
  return {
    signal: options.signal,
    timeoutMs: options.timeoutMs === undefined ? undefined : checkedTimeout(options.timeoutMs, "timeoutMs"),
    retry: callRetryPolicy(config.retry, options.retry),
  };
}
