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
