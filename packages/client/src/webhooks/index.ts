export { createWebhookHandler } from "./handler.js";
export type { WebhookHandlerOptions } from "./receive.js";
export { type SignedWebhook, type SignWebhookOptions, signWebhook } from "./sign.js";
export {
  WebhookVerificationError,
  type WebhookVerificationReason,
  webhookVerificationReasons,
} from "./verification-error.js";
export {
  type VerifiedWebhookHeaders,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookSignature,
  type WebhookRequestHeaders,
} from "./verify.js";
