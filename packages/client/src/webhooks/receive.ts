import type { WebhookEvent } from "@lisoloo/protocol/schemas";
import { secretKeyBytes } from "./signature.js";
import { WebhookVerificationError, type WebhookVerificationReason } from "./verification-error.js";
import { type VerifyWebhookOptions, verifyWebhook, type WebhookRequestHeaders } from "./verify.js";

/** Options of the ready-made webhook receivers; `R` is the request they hand to `onEvent`. */
export interface WebhookHandlerOptions<R> {
  /** The key's `whsec_…` signing secret, or several while it is rotated. Checked when the handler is made. */
  secret: string | readonly string[];
  /**
   * Called once per verified event, typed by the protocol's schema. Make it idempotent on
   * `event.event_id`: delivery is at least once. The receiver answers 204 when it resolves and 500
   * when it throws or rejects, so the gateway tries again later.
   */
  onEvent: (event: WebhookEvent, request: R) => void | Promise<void>;
  /**
   * Told why the receiver answered 500: what `onEvent` threw, or a body already consumed by a
   * parser. Default: `console.error`. The error never reaches the gateway.
   */
  onError?: (error: unknown) => void;
  /** The largest gap, either way, between `webhook-timestamp` and now. Default 300 (5 minutes). */
  toleranceSeconds?: VerifyWebhookOptions["toleranceSeconds"];
}

/** What a receiver answers: `body` `null` means none at all (a 204 must not have one). */
export interface WebhookAnswer {
  status: number;
  body: string | null;
}

/** 401: the request cannot be trusted. 400: signed, but not an event. 204: signed, not for `onEvent`. */
const statusOfReason: Record<WebhookVerificationReason, number> = {
  missing_header: 401,
  invalid_timestamp: 401,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  no_matching_signature: 401,
  invalid_payload: 400,
  // An operator's `webhook.ping`, or an event type newer than this package: authentic, so a 2xx
  // keeps the gateway from retrying it.
  unknown_event_type: 204,
};

/** The answer to anything but a POST. */
export const methodNotAllowed: WebhookAnswer = { status: 405, body: "Only POST is accepted" };

const reportToConsole = (error: unknown) =>
  console.error("Lisoloo webhook: answered 500 so the gateway retries the event:", error);

/**
 * The part of a receiver every framework shares: verify, parse, call `onEvent`, and choose the
 * answer. A malformed secret throws a `TypeError` here, when the receiver is made, not at its first
 * request.
 */
export function webhookReceiver<R>(
  options: WebhookHandlerOptions<R>,
): (rawBody: string | Uint8Array, headers: WebhookRequestHeaders, request: R) => Promise<WebhookAnswer> {
  const secrets = typeof options.secret === "string" ? [options.secret] : options.secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError("secret is required: the key's whsec_… webhook signing secret");
  }
  for (const secret of secrets) secretKeyBytes(secret);
  if (typeof options.onEvent !== "function") throw new TypeError("onEvent must be a function");
  const verifyOptions: VerifyWebhookOptions =
    options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds };

  return async (rawBody, headers, request) => {
    let event: WebhookEvent;
    try {
      event = await verifyWebhook(rawBody, headers, secrets, verifyOptions);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      const status = statusOfReason[error.reason];
      return { status, body: status === 204 ? null : error.reason };
    }
    try {
      await options.onEvent(event, request);
    } catch (error) {
      return failed(options, error);
    }
    return { status: 204, body: null };
  };
}

/** Reports a receiver's own failure and gives the 500 that makes the gateway try again. */
export function failed(
  options: Pick<WebhookHandlerOptions<unknown>, "onError">,
  error: unknown,
): WebhookAnswer {
  (options.onError ?? reportToConsole)(error);
  return { status: 500, body: "The event could not be processed" };
}
