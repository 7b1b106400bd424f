import type { Language } from "@lisoloo/protocol/errors";
import { type ErrorEnvelope, errorEnvelopeSchema } from "@lisoloo/protocol/schemas";
import { LisolooApiError, LisolooNetworkError, LisolooResponseError, LisolooTimeoutError } from "./errors.js";
import { callHook, type LisolooHooks, type LisolooRequestEvent } from "./hooks.js";
import { type LisolooResponseInfo, responseInfoOf, type WithResponse } from "./response-info.js";
import { type Repeatability, type RetryPolicy, retryDelay } from "./retry.js";
import { sleep } from "./sleep.js";

/** Every merchant endpoint sits under this path (CONTRACT §1). */
export const API_PREFIX = "/api/v1/lisoloo/sms-api";

/**
 * The `fetch` the client calls. The global `fetch` fits, and so does any function of this shape: a
 * test double, an instrumented fetch, or a Worker's own handler.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What the client needs of a schema: zod's `safeParse`, which every protocol schema has. */
export interface ResponseSchema<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

/** Settings shared by every call of one client. */
export interface TransportConfig {
  apiKey: string;
  baseUrl: string;
  fetch: FetchLike;
  language: Language | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  hooks: LisolooHooks;
}

/** One API call, before any attempt. */
export interface ApiCall<T> {
  method: "GET" | "POST" | "DELETE";
  /** Path under {@link API_PREFIX}, already URL-encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** `false` for `/health`, the one endpoint without an app-key. */
  authenticated?: boolean;
  repeatability: Repeatability;
  schema: ResponseSchema<T>;
  signal?: AbortSignal | undefined;
  /** This call's budget per attempt; the client's `timeoutMs` when absent. */
  timeoutMs?: number | undefined;
  /** This call's retry policy; the client's when absent. */
  retry?: RetryPolicy | undefined;
}

function urlOf(config: TransportConfig, call: ApiCall<unknown>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) query.set(name, String(value));
  }
  const search = query.toString();
  return `${config.baseUrl}${API_PREFIX}${call.path}${search === "" ? "" : `?${search}`}`;
}

function headersOf(config: TransportConfig, call: ApiCall<unknown>): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (call.authenticated !== false) headers["app-key"] = config.apiKey;
  if (config.language !== undefined) headers["accept-language"] = config.language;
  if (call.body !== undefined) headers["content-type"] = "application/json";
  if (call.idempotencyKey !== undefined) headers["idempotency-key"] = call.idempotencyKey;
  return headers;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function retryAfterHeader(response: Response): number | null {
  const value = response.headers.get("retry-after");
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Turns one HTTP response into the typed result, or the error it stands for. */
function interpret<T>(
  response: Response,
  text: string,
  schema: ResponseSchema<T>,
  info: LisolooResponseInfo,
): T {
  const json = parseJson(text);
  if (response.ok) {
    const parsed = json.ok ? schema.safeParse(json.value) : null;
    if (parsed?.success) return parsed.data;
    throw new LisolooResponseError(
      json.ok
        ? `HTTP ${response.status}: the body does not match the Lisoloo API contract`
        : `HTTP ${response.status}: the body is not JSON`,
      { status: response.status, requestId: info.requestId, body: text, issues: parsed?.error.issues ?? [] },
    );
  }
  const envelope = json.ok ? errorEnvelopeSchema.safeParse(json.value) : null;
  if (envelope?.success) {
    const data: ErrorEnvelope = {
      ...envelope.data,
      retry_after: envelope.data.retry_after ?? retryAfterHeader(response),
    };
    throw new LisolooApiError(response.status, data, { rateLimit: info.rateLimit });
  }
  throw new LisolooResponseError(`HTTP ${response.status} without the Lisoloo error envelope`, {
    status: response.status,
    requestId: info.requestId,
    body: text,
  });
}

/** How one attempt ended; `info` is `null` when no response came. */
type Attempt<T> =
  | { ok: true; value: T; info: LisolooResponseInfo }
  | { ok: false; error: unknown; info: LisolooResponseInfo | null };

async function attemptOnce<T>(
  config: TransportConfig,
  call: ApiCall<T>,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Attempt<T>> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = () => controller.abort(call.signal?.reason);
  call.signal?.addEventListener("abort", forwardAbort, { once: true });
  try {
    const response = await config.fetch(url, { ...init, signal: controller.signal });
    // The body is read under the same timer: a server can stall after the headers too.
    const text = await response.text();
    const info = responseInfoOf(response);
    try {
      return { ok: true, value: interpret(response, text, call.schema, info), info };
    } catch (error) {
      return { ok: false, error, info };
    }
  } catch (error) {
    if (timedOut) return { ok: false, error: new LisolooTimeoutError(timeoutMs), info: null };
    if (call.signal?.aborted) return { ok: false, error: call.signal.reason, info: null };
    const failure = new LisolooNetworkError(`${init.method} ${url} failed: ${String(error)}`, {
      cause: error,
    });
    return { ok: false, error: failure, info: null };
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener("abort", forwardAbort);
  }
}

/**
 * Sends one call, retrying under its policy, and returns the schema's output with what the response
 * said. The body is serialised once, so every retry (and an Idempotency-Key replay) carries the same
 * bytes. The hooks see each attempt; the request headers, and so the API key, are never shown to them.
 */
export async function callApi<T>(config: TransportConfig, call: ApiCall<T>): Promise<WithResponse<T>> {
  const url = urlOf(config, call);
  const init: RequestInit = {
    method: call.method,
    headers: headersOf(config, call),
    body: call.body === undefined ? null : JSON.stringify(call.body),
  };
  const timeoutMs = call.timeoutMs ?? config.timeoutMs;
  const policy = call.retry ?? config.retry;
  for (let attempt = 1; ; attempt++) {
    call.signal?.throwIfAborted();
    const request: LisolooRequestEvent = {
      method: call.method,
      url,
      attempt,
      idempotencyKey: call.idempotencyKey ?? null,
    };
    callHook(config.hooks.onRequest, request);
    const started = performance.now();
    const outcome = await attemptOnce(config, call, url, init, timeoutMs);
    const retryInMs = outcome.ok ? null : retryDelay(outcome.error, attempt, policy, call.repeatability);
    callHook(config.hooks.onResponse, {
      ...request,
      status: outcome.info?.status ?? null,
      durationMs: performance.now() - started,
      requestId: outcome.info?.requestId ?? null,
      rateLimit: outcome.info?.rateLimit ?? null,
      idempotentReplayed: outcome.info?.idempotentReplayed ?? false,
      error: outcome.ok ? null : outcome.error,
      retryInMs,
    });
    if (outcome.ok) return { data: outcome.value, response: outcome.info };
    if (retryInMs === null) throw outcome.error;
    await sleep(retryInMs, call.signal);
  }
}
