import type { Language } from "@lisoloo/protocol/errors";
import {
  type BalanceData,
  balanceResponseSchema,
  type CancelData,
  cancelResponseSchema,
  type HealthResponse,
  healthResponseSchema,
  type PauseData,
  type PreviewData,
  pauseResponseSchema,
  previewResponseSchema,
  type RecipientDelivery,
  type RecipientsPage,
  type ResumeData,
  recipientsResponseSchema,
  resumeResponseSchema,
  type SendData,
  type SendRequestInput,
  type StatusData,
  sendResponseSchema,
  statusResponseSchema,
} from "@lisoloo/protocol/schemas";
import { newIdempotencyKey } from "./idempotency-key.js";
import { type RetryOptions, retryPolicyOf } from "./retry.js";
import { type ApiCall, callApi, type FetchLike, type TransportConfig } from "./transport.js";
import { pollUntilFinal, type WaitForFinalOptions } from "./wait.js";

/** Options of {@link createLisolooClient}. */
export interface LisolooClientOptions {
  /** The merchant's `sk_test_…` or `sk_live_…` key, sent as the `app-key` header. */
  apiKey: string;
  /** Origin of the API (the client adds `/api/v1/lisoloo/sms-api`). Default `http://127.0.0.1:8787`. */
  baseUrl?: string;
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
  signal?: AbortSignal;
}

/** Options of `send`. */
export interface SendOptions extends CallOptions {
  /**
   * The `Idempotency-Key` header (1–255 printable ASCII). Default: a fresh UUID per `send` call,
   * reused by that call's retries. Pass your own (an order id…) to stay safe across restarts too.
   */
  idempotencyKey?: string;
}

/** Options of `recipients`. */
export interface RecipientsOptions extends CallOptions {
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Items per page, 1–1000. Default (the API's) 100. */
  limit?: number;
}

/** Options of `allRecipients`. */
export interface AllRecipientsOptions extends CallOptions {
  /** Items per page fetched, 1–1000. Default (the API's) 100. */
  limit?: number;
}

/** A client bound to one API key. Every method returns the response's validated `data`. */
export interface LisolooClient {
  /**
   * `POST /send` under an Idempotency-Key, so retrying it can never send twice.
   * @example
   * const { message_id, total_cost } = await client.send({ to: ["+243998857000"], message: "Code 4821" });
   * await client.send(body, { idempotencyKey: `order-${order.id}` }); // safe across restarts too
   */
  send(body: SendRequestInput, options?: SendOptions): Promise<SendData>;
  /**
   * `POST /preview`: what `send` would charge for the same body; nothing is stored or debited.
   * @example (await client.preview({ to, message, transliterate: true })).segments // 1
   */
  preview(body: SendRequestInput, options?: CallOptions): Promise<PreviewData>;
  /**
   * `GET /status/{message_id}`: aggregate status and counts of deliveries.
   * @example const { status, delivered, failed, pending } = await client.status(messageId);
   */
  status(messageId: string, options?: CallOptions): Promise<StatusData>;
  /**
   * `GET /status/{message_id}/recipients`: one page of per-recipient, per-dispatch detail.
   * @example
   * const page = await client.recipients(messageId, { limit: 500 });
   * const next = page.next_cursor && (await client.recipients(messageId, { cursor: page.next_cursor }));
   */
  recipients(messageId: string, options?: RecipientsOptions): Promise<RecipientsPage>;
  /**
   * Every recipient × dispatch of a send, page after page, in the API's order.
   * @example for await (const r of client.allRecipients(messageId)) console.log(r.phone, r.status);
   */
  allRecipients(messageId: string, options?: AllRecipientsOptions): AsyncGenerator<RecipientDelivery, void>;
  /**
   * `GET /balance`: both wallets, their sum, the unit price and the segments the sum still buys.
   * @example const { balance, available_sms } = await client.balance();
   */
  balance(options?: CallOptions): Promise<BalanceData>;
  /**
   * `DELETE /cancel/{message_id}`: cancels and refunds what no carrier has yet.
   * @example (await client.cancel(messageId)).refunded_amount // 0.04
   */
  cancel(messageId: string, options?: CallOptions): Promise<CancelData>;
  /**
   * `POST /pause/{message_id}`: holds the future dispatches of a scheduled or recurring send.
   * @example (await client.pause(messageId)).paused_dispatches // 3
   */
  pause(messageId: string, options?: CallOptions): Promise<PauseData>;
  /**
   * `POST /resume/{message_id}`: releases a paused send; missed dispatches are skipped and refunded.
   * @example const { skipped, next_dispatch_at } = await client.resume(messageId);
   */
  resume(messageId: string, options?: CallOptions): Promise<ResumeData>;
  /**
   * `GET /health` (no app-key needed).
   * @example (await client.health()).environment // "sandbox"
   */
  health(options?: CallOptions): Promise<HealthResponse>;
  /**
   * Polls `status` until the send's status is final (see `isFinalStatus`), then returns it. Throws
   * `LisolooWaitTimeoutError` when `timeoutMs` passes first.
   * @example
   * const final = await client.waitForFinal(sent.message_id, { intervalMs: 1000, timeoutMs: 60_000 });
   * if (final.status !== "delivered") console.log(`${final.failed} of ${final.total_deliveries} failed`);
   */
  waitForFinal(messageId: string, options?: WaitForFinalOptions): Promise<StatusData>;
}

function configOf(options: LisolooClientOptions): TransportConfig {
  if (typeof options.apiKey !== "string" || options.apiKey === "") {
    throw new TypeError("apiKey is required");
  }
  const baseUrl = (options.baseUrl ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl is not an absolute URL: ${baseUrl}`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError("timeoutMs must be above 0");
  return {
    apiKey: options.apiKey,
    baseUrl,
    // Called through a closure: a detached `fetch` throws "Illegal invocation" in browsers and workers.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    language: options.language,
    timeoutMs,
    retry: retryPolicyOf(options.retry),
  };
}

const idPath = (prefix: string, messageId: string) => `${prefix}/${encodeURIComponent(messageId)}`;

/**
 * Creates a client for the Lisoloo API. Calls validate their response with the protocol's schemas
 * and throw `LisolooApiError` for the API's error envelope. Retryable errors (1301 after its
 * `retry_after`, 1303, 1401, 1402) and network failures are retried when repeating the call is
 * safe: reads, `preview`, and `send`, which always carries an Idempotency-Key. `cancel`, `pause` and
 * `resume` are only retried after a 1301, which the API answers before doing anything.
 *
 * Only the `fetch`, `crypto` and `AbortController` globals are used: Node ≥ 20, browsers, workers.
 *
 * @example
 * const lisoloo = createLisolooClient({ apiKey: process.env.LISOLOO_API_KEY!, baseUrl: "https://api.example.com" });
 * const sent = await lisoloo.send({ to: ["+243998857000"], message: "Votre code : 4821" });
 * const final = await lisoloo.waitForFinal(sent.message_id, { timeoutMs: 60_000 });
 * console.log(final.status, final.delivered, final.failed);
 */
export function createLisolooClient(options: LisolooClientOptions): LisolooClient {
  const config = configOf(options);
  const dataOf = <T>(call: ApiCall<{ data: T }>) => callApi(config, call).then((response) => response.data);

  /** `cancel`, `pause`, `resume`: no Idempotency-Key, so only a 1301 proves a retry is harmless. */
  const control =
    <T>(method: "POST" | "DELETE", action: string, schema: ApiCall<{ data: T }>["schema"]) =>
    (messageId: string, opts: CallOptions = {}) =>
      dataOf({
        method,
        path: idPath(`/${action}`, messageId),
        repeatability: "unprocessed-only",
        schema,
        signal: opts.signal,
      });

  const status = (messageId: string, opts: CallOptions = {}) =>
    dataOf({
      method: "GET",
      path: idPath("/status", messageId),
      repeatability: "safe",
      schema: statusResponseSchema,
      signal: opts.signal,
    });

  const recipients = (messageId: string, opts: RecipientsOptions = {}) =>
    dataOf({
      method: "GET",
      path: `${idPath("/status", messageId)}/recipients`,
      query: { cursor: opts.cursor, limit: opts.limit },
      repeatability: "safe",
      schema: recipientsResponseSchema,
      signal: opts.signal,
    });

  return {
    send: (body, opts = {}) =>
      dataOf({
        method: "POST",
        path: "/send",
        body,
        idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey(),
        repeatability: "safe",
        schema: sendResponseSchema,
        signal: opts.signal,
      }),
    preview: (body, opts = {}) =>
      dataOf({
        method: "POST",
        path: "/preview",
        body,
        repeatability: "safe",
        schema: previewResponseSchema,
        signal: opts.signal,
      }),
    status,
    recipients,
    async *allRecipients(messageId, opts = {}) {
      let cursor: string | undefined;
      do {
        const page = await recipients(messageId, { cursor, limit: opts.limit, signal: opts.signal });
        yield* page.items;
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
    },
    balance: (opts = {}) =>
      dataOf({
        method: "GET",
        path: "/balance",
        repeatability: "safe",
        schema: balanceResponseSchema,
        signal: opts.signal,
      }),
    cancel: control("DELETE", "cancel", cancelResponseSchema),
    pause: control("POST", "pause", pauseResponseSchema),
    resume: control("POST", "resume", resumeResponseSchema),
    health: (opts = {}) =>
      callApi(config, {
        method: "GET",
        path: "/health",
        authenticated: false,
        repeatability: "safe",
        schema: healthResponseSchema,
        signal: opts.signal,
      }),
    waitForFinal: (messageId, opts = {}) =>
      pollUntilFinal(messageId, () => status(messageId, { signal: opts.signal }), opts),
  };
}
