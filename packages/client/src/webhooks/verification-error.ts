import { LisolooError } from "../errors.js";

/**
 * Why a webhook request was refused. The first five mean it cannot be trusted; `invalid_payload`
 * and `unknown_event_type` come after a valid signature: the request is authentic, but not an event
 * this version of the package can type (e.g. an operator's `webhook.ping`).
 *
 * @example
 * import {
 *   signWebhook,
 *   verifyWebhook,
 *   WebhookVerificationError,
 *   webhookVerificationReasons,
 * } from "@lisoloo/client/webhooks";
 *
 * console.log(webhookVerificationReasons.join(", "));
 * // missing_header, invalid_timestamp, timestamp_too_old, timestamp_too_new, no_matching_signature,
 * // invalid_payload, unknown_event_type
 *
 * const signed = await signWebhook({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", payload: "{}" });
 * try {
 *   await verifyWebhook(signed.body, signed.headers, "whsec_c2Vjb25kIHRlc3Qgc2VjcmV0");
 * } catch (error) {
 *   if (!(error instanceof WebhookVerificationError)) throw error;
 *   console.log(error.reason); // "no_matching_signature"
 * }
 */
export const webhookVerificationReasons = [
  "missing_header",
  "invalid_timestamp",
  "timestamp_too_old",
  "timestamp_too_new",
  "no_matching_signature",
  "invalid_payload",
  "unknown_event_type",
] as const;

/** One of {@link webhookVerificationReasons}. */
export type WebhookVerificationReason = (typeof webhookVerificationReasons)[number];

/**
 * A webhook request failed verification; `reason` says which check. Answer such a request with a 4xx,
 * except `unknown_event_type`, which is authentic and deserves a 2xx so it is not retried.
 *
 * @example
 * import {
 *   signWebhook,
 *   verifyWebhook,
 *   WebhookVerificationError,
 *   webhookVerificationReasons,
 * } from "@lisoloo/client/webhooks";
 *
 * console.log(webhookVerificationReasons.join(", "));
 * // missing_header, invalid_timestamp, timestamp_too_old, timestamp_too_new, no_matching_signature,
 * // invalid_payload, unknown_event_type
 *
 * const signed = await signWebhook({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", payload: "{}" });
 * try {
 *   await verifyWebhook(signed.body, signed.headers, "whsec_c2Vjb25kIHRlc3Qgc2VjcmV0");
 * } catch (error) {
 *   if (!(error instanceof WebhookVerificationError)) throw error;
 *   console.log(error.reason); // "no_matching_signature"
 * }
 */
export class WebhookVerificationError extends LisolooError {
  override name = "WebhookVerificationError";
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
