export {
  type BalanceData,
  balanceDataSchema,
  balanceResponseSchema,
  type HealthResponse,
  healthResponseSchema,
  type WalletType,
  walletTypes,
} from "./account-responses.js";
export {
  type CancelData,
  cancelDataSchema,
  cancelResponseSchema,
  type PauseData,
  pauseDataSchema,
  pauseResponseSchema,
  type ResumeData,
  resumeDataSchema,
  resumeResponseSchema,
} from "./control-responses.js";
export {
  type ErrorEnvelope,
  errorDetailSchema,
  errorEnvelopeSchema,
  successEnvelopeSchema,
} from "./envelopes.js";
export { failedEventStatuses, type WebhookEventType, webhookEventTypes } from "./event-types.js";
export {
  smsDeliveredEventSchema,
  smsFailedEventSchema,
  smsProcessingEventSchema,
  smsQueuedEventSchema,
  smsSentEventSchema,
  type WebhookEvent,
  type WebhookEventOf,
  webhookEventSchema,
} from "./events.js";
export {
  currencySchema,
  encodingSchema,
  environmentSchema,
  messageIdSchema,
  moneySchema,
  normalizedPhoneSchema,
  offsetTimestampSchema,
  phoneNumberSchema,
  sendingTypeSchema,
  utcTimestampSchema,
} from "./primitives.js";
export {
  calendarDateSchema,
  localTimeSchema,
  recurringScheduleSchema,
  scheduledDateSchema,
  scheduledDatesSchema,
} from "./schedule-fields.js";
export {
  callbackUrlSchema,
  MAX_CALLBACK_URL_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_RECIPIENTS,
  type ParseSendRequestOptions,
  type ParseSendRequestResult,
  parseSendRequest,
  type SendRequest,
  type SendRequestInput,
  senderIdSchema,
  sendRequestIssueCode,
  sendRequestSchema,
} from "./send-request.js";
export {
  acceptedStatusSchema,
  type PreviewData,
  previewDataSchema,
  previewResponseSchema,
  type SendData,
  sendDataSchema,
  sendResponseSchema,
  transliterationReportSchema,
} from "./send-response.js";
export {
  type RecipientDelivery,
  type RecipientsPage,
  recipientDeliverySchema,
  recipientsPageSchema,
  recipientsResponseSchema,
  type StatusData,
  statusDataSchema,
  statusResponseSchema,
} from "./status-response.js";
export { deliveryErrorCodeSchema, deliveryStatusSchema, messageStatusSchema } from "./status-schemas.js";
export { isWellFormedText } from "./well-formed.js";
