export {
  aggregateStatus,
  countForStatus,
  type DeliveryCountSummary,
  type DeliveryCounts,
  type MessageTally,
  tallyDeliveries,
} from "./aggregate.js";
export {
  type BillingFacts,
  type BillingOutcome,
  billingOf,
  billingOutcomes,
  type GatewayEnd,
  handedToCarrier,
  validityEndState,
} from "./billing.js";
export { type DeliveryErrorCode, deliveryErrorCodes, errorCodeForStatus } from "./error-codes.js";
export { type DeliveryEventType, deliveryEventTypes, eventTypeFor } from "./events.js";
export {
  applyReceipt,
  type DeliveryState,
  newDeliveryState,
  type PartState,
  type Receipt,
  type ReceiptOutcome,
  type ReceiptPart,
  type ReceiptResult,
  type ReceiptStatus,
  receiptOutcomes,
  receiptStatuses,
} from "./receipts.js";
export {
  type DeliveryStatus,
  deliveryStatuses,
  deliveryStatusRank,
  isDeliveryStatus,
  isTerminal,
  type MessageStatus,
  messageStatuses,
  TERMINAL_RANK,
  type TerminalDeliveryStatus,
  terminalDeliveryStatuses,
} from "./statuses.js";
