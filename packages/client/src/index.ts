export {
  type AllRecipientsOptions,
  type CallOptions,
  createLisolooClient,
  type LisolooClient,
  type LisolooClientOptions,
  type RecipientsOptions,
  type SendOptions,
} from "./client.js";
export {
  LisolooApiError,
  LisolooError,
  LisolooNetworkError,
  LisolooResponseError,
  LisolooTimeoutError,
  LisolooWaitTimeoutError,
} from "./errors.js";
export type { RetryOptions } from "./retry.js";
export type { FetchLike } from "./transport.js";
export { isFinalStatus, type WaitForFinalOptions } from "./wait.js";
export {
  type VerifiedWebhookHeaders,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookSignature,
  type WebhookRequestHeaders,
  WebhookVerificationError,
  type WebhookVerificationReason,
  webhookVerificationReasons,
} from "./webhooks/index.js";
