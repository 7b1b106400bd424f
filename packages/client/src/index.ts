export { createLisolooClient, type LisolooClient, type LisolooClientWithResponse } from "./client.js";
export {
  LisolooApiError,
  LisolooError,
  LisolooNetworkError,
  LisolooResponseError,
  LisolooTimeoutError,
  LisolooWaitTimeoutError,
} from "./errors.js";
export type { LisolooHooks, LisolooRequestEvent, LisolooResponseEvent } from "./hooks.js";
export type {
  AllRecipientsOptions,
  CallOptions,
  LisolooClientOptions,
  RecipientsOptions,
  SendOptions,
} from "./options.js";
export type { LisolooResponseInfo, RateLimitInfo, WithResponse } from "./response-info.js";
export type { RetryOptions } from "./retry.js";
export type { FetchLike } from "./transport.js";
export { isFinalStatus, type WaitForFinalOptions } from "./wait.js";
export {
  createWebhookHandler,
  type SignedWebhook,
  type SignWebhookOptions,
  signWebhook,
  type VerifiedWebhookHeaders,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookSignature,
  type WebhookHandlerOptions,
  type WebhookRequestHeaders,
  WebhookVerificationError,
  type WebhookVerificationReason,
  webhookVerificationReasons,
} from "./webhooks/index.js";
