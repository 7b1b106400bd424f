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
import {
  type AllRecipientsOptions,
  type CallOptions,
  callSettingsOf,
  configOf,
  type LisolooClientOptions,
  type RecipientsOptions,
  type SendOptions,
} from "./options.js";
import type { WithResponse } from "./response-info.js";
import { type ApiCall, callApi } from "./transport.js";
import { pollUntilFinal, type WaitForFinalOptions } from "./wait.js";

/** A client bound to one API key. Every method returns the response's validated `data`. */
export interface LisolooClient {
  /**
   * `POST /send` under an Idempotency-Key, so retrying it can never send twice.
   * @example
   * const { message_id, total_cost } = await lisoloo.send({ to: ["+243998857000"], message: "Code 4821" });
   * await lisoloo.send(body, { idempotencyKey: `order-${order.id}` }); // safe across restarts too
   */
  send(body: SendRequestInput, options?: SendOptions): Promise<SendData>;
  /**
   * `POST /preview`: what `send` would charge for the same body; nothing is stored or debited.
   * @example const { segments, total_cost } = await lisoloo.preview({ to: ["+243998857000"], message: "Hi" });
   */
  preview(body: SendRequestInput, options?: CallOptions): Promise<PreviewData>;
  /**
   * `GET /status/{message_id}`: aggregate status and counts of deliveries.
   * @example const { status, delivered, failed, pending } = await lisoloo.status(messageId);
   */
  status(messageId: string, options?: CallOptions): Promise<StatusData>;
  /**
   * `GET /status/{message_id}/recipients`: one page of per-recipient, per-dispatch detail.
   * @example
   * const page = await lisoloo.recipients(messageId, { limit: 500 });
   * if (page.next_cursor) await lisoloo.recipients(messageId, { cursor: page.next_cursor });
   */
  recipients(messageId: string, options?: RecipientsOptions): Promise<RecipientsPage>;
  /**
   * Every recipient × dispatch of a send, page after page, in the API's order.
   * @example for await (const r of lisoloo.allRecipients(messageId)) console.log(r.phone, r.status);
   */
  allRecipients(messageId: string, options?: AllRecipientsOptions): AsyncGenerator<RecipientDelivery, void>;
  /**
   * `GET /balance`: both wallets, their sum, the unit price and the segments the sum still buys.
   * @example const { balance, available_sms } = await lisoloo.balance();
   */
  balance(options?: CallOptions): Promise<BalanceData>;
  /**
   * `DELETE /cancel/{message_id}`: cancels and refunds what no carrier has yet.
   * @example const { refunded_amount } = await lisoloo.cancel(messageId);
   */
  cancel(messageId: string, options?: CallOptions): Promise<CancelData>;
  /**
   * `POST /pause/{message_id}`: holds the future dispatches of a scheduled or recurring send.
   * @example const { paused_dispatches } = await lisoloo.pause(messageId);
   */
  pause(messageId: string, options?: CallOptions): Promise<PauseData>;
  /**
   * `POST /resume/{message_id}`: releases a paused send; missed dispatches are skipped and refunded.
   * @example const { skipped, next_dispatch_at } = await lisoloo.resume(messageId);
   */
  resume(messageId: string, options?: CallOptions): Promise<ResumeData>;
  /**
   * `GET /health` (no app-key needed).
   * @example const { environment } = await lisoloo.health(); // "sandbox"
   */
  health(options?: CallOptions): Promise<HealthResponse>;
  /**
   * Polls `status` until the send's status is final (see `isFinalStatus`), then returns it. Throws
   * `LisolooWaitTimeoutError` when `timeoutMs` passes first.
   * @example
   * const final = await lisoloo.waitForFinal(messageId, { intervalMs: 1000, timeoutMs: 60_000 });
   */
  waitForFinal(messageId: string, options?: WaitForFinalOptions): Promise<StatusData>;
  /**
   * The same methods (but `allRecipients`), each resolving to `{ data, response }`: the same `data`
   * and what the response said besides (`status`, `requestId`, `idempotentReplayed`, `rateLimit`,
   * `headers`).
   * @example
   * const { data, response } = await lisoloo.withResponse.send({ to: ["+243998857000"], message: "Hi" });
   * console.log(data.message_id, response.requestId, response.rateLimit?.remaining);
   */
  withResponse: LisolooClientWithResponse;
}

/** A method of {@link LisolooClient}, resolving to `{ data, response }` instead of `data`. */
type RespondingMethod<F> = F extends (...args: infer A) => Promise<infer T>
  ? (...args: A) => Promise<WithResponse<T>>
  : never;

/** `lisoloo.withResponse`: every method of the client but `allRecipients`, resolving to `{ data, response }`. */
export type LisolooClientWithResponse = {
  [K in keyof Omit<LisolooClient, "allRecipients" | "withResponse">]: RespondingMethod<LisolooClient[K]>;
};

const idPath = (prefix: string, messageId: string) => `${prefix}/${encodeURIComponent(messageId)}`;

const dataOnly =
  <A extends unknown[], T>(method: (...args: A) => Promise<WithResponse<T>>) =>
  (...args: A): Promise<T> =>
    method(...args).then((result) => result.data);

/**
 * Creates a client for the Lisoloo API. Calls validate their response with the protocol's schemas
 * and throw `LisolooApiError` for the API's error envelope. Retryable errors (1301 after its
 * `retry_after`, 1303, 1401, 1402) and network failures are retried when repeating the call is
 * safe: reads, `preview`, and `send`, which always carries an Idempotency-Key. `cancel`, `pause` and
 * `resume` are only retried after a 1301, which the API answers before doing anything.
 *
 * Without options, the key comes from `LISOLOO_API_KEY` and the gateway from `LISOLOO_BASE_URL`
 * (read through `globalThis.process?.env`, so browsers and Workers load the package all the same);
 * with no key at all it throws a `TypeError`. Only the `fetch`, `crypto` and `AbortController`
 * globals are used: Node ≥ 20, browsers, workers.
 *
 * @example
 * import { createLisolooClient } from "@lisoloo/client";
 *
 * // The key from LISOLOO_API_KEY, the gateway from LISOLOO_BASE_URL.
 * const lisoloo = createLisolooClient();
 *
 * const sent = await lisoloo.send({ to: ["+243998857000", "+243812345678"], message: "Votre code : 4821" });
 * console.log(sent.message_id, sent.total_cost, sent.currency); // "6b08…" 0.04 "USD"
 *
 * const final = await lisoloo.waitForFinal(sent.message_id, { intervalMs: 1000, timeoutMs: 60_000 });
 * console.log(final.status, final.delivered, final.failed); // "delivered" 2 0
 *
 * for await (const recipient of lisoloo.allRecipients(sent.message_id)) {
 *   console.log(recipient.phone, recipient.status, recipient.delivered_at);
 * }
 * @example
 * import { createLisolooClient } from "@lisoloo/client";
 *
 * const lisoloo = createLisolooClient({
 *   apiKey: process.env.LISOLOO_API_KEY, // sk_test_… (sandbox) or sk_live_…
 *   baseUrl: process.env.LISOLOO_BASE_URL, // undefined: http://127.0.0.1:8787
 *   language: "fr", // error messages in French; codes never change
 *   timeoutMs: 10_000, // for each attempt
 *   retry: { attempts: 5, baseDelayMs: 250, maxDelayMs: 30_000 },
 * });
 *
 * const { balance, currency, available_sms } = await lisoloo.balance();
 * console.log(`${balance} ${currency}, enough for ${available_sms} SMS`);
 */
export function createLisolooClient(options: LisolooClientOptions = {}): LisolooClient {
  const config = configOf(options);

  /** One enveloped call under the call's own settings; bad settings reject rather than throw. */
  const run = async <T>(
    call: Omit<ApiCall<{ data: T }>, "signal" | "timeoutMs" | "retry">,
    opts: CallOptions,
  ): Promise<WithResponse<T>> => {
    const { data, response } = await callApi(config, { ...call, ...callSettingsOf(config, opts) });
    return { data: data.data, response };
  };

  /** `cancel`, `pause`, `resume`: no Idempotency-Key, so only a 1301 proves a retry is harmless. */
  const control =
    <T>(method: "POST" | "DELETE", action: string, schema: ApiCall<{ data: T }>["schema"]) =>
    (messageId: string, opts: CallOptions = {}) =>
      run({ method, path: idPath(`/${action}`, messageId), repeatability: "unprocessed-only", schema }, opts);

  const withResponse: LisolooClientWithResponse = {
    send: (body, opts = {}) =>
      run(
        {
          method: "POST",
          path: "/send",
          body,
          idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey(),
          repeatability: "safe",
          schema: sendResponseSchema,
        },
        opts,
      ),
    preview: (body, opts = {}) =>
      run(
        { method: "POST", path: "/preview", body, repeatability: "safe", schema: previewResponseSchema },
        opts,
      ),
    status: (messageId, opts = {}) =>
      run(
        {
          method: "GET",
          path: idPath("/status", messageId),
          repeatability: "safe",
          schema: statusResponseSchema,
        },
        opts,
      ),
    recipients: (messageId, opts = {}) =>
      run(
        {
          method: "GET",
          path: `${idPath("/status", messageId)}/recipients`,
          query: { cursor: opts.cursor, limit: opts.limit },
          repeatability: "safe",
          schema: recipientsResponseSchema,
        },
        opts,
      ),
    balance: (opts = {}) =>
      run({ method: "GET", path: "/balance", repeatability: "safe", schema: balanceResponseSchema }, opts),
    cancel: control("DELETE", "cancel", cancelResponseSchema),
    pause: control("POST", "pause", pauseResponseSchema),
    resume: control("POST", "resume", resumeResponseSchema),
    // `/health` answers its body bare, without the `data` envelope.
    health: async (opts = {}) =>
      callApi(config, {
        method: "GET",
        path: "/health",
        authenticated: false,
        repeatability: "safe",
        schema: healthResponseSchema,
        ...callSettingsOf(config, opts),
      }),
    waitForFinal: (messageId, opts = {}) =>
      pollUntilFinal(
        messageId,
        () =>
          withResponse.status(messageId, {
            signal: opts.signal,
            timeoutMs: opts.requestTimeoutMs,
            retry: opts.retry,
          }),
        (result) => result.data,
        opts,
      ),
  };

  return {
    send: dataOnly(withResponse.send),
    preview: dataOnly(withResponse.preview),
    status: dataOnly(withResponse.status),
    recipients: dataOnly(withResponse.recipients),
    async *allRecipients(messageId, opts = {}) {
      let cursor: string | undefined;
      do {
        const page = await withResponse.recipients(messageId, { ...opts, cursor });
        yield* page.data.items;
        cursor = page.data.next_cursor ?? undefined;
      } while (cursor !== undefined);
    },
    balance: dataOnly(withResponse.balance),
    cancel: dataOnly(withResponse.cancel),
    pause: dataOnly(withResponse.pause),
    resume: dataOnly(withResponse.resume),
    health: dataOnly(withResponse.health),
    waitForFinal: dataOnly(withResponse.waitForFinal),
    withResponse,
  };
}
