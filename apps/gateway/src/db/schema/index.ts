export { apiKeys, type KeyStatus, keyStatuses } from "./api-keys";
export {
  type CarrierKind,
  carrierKinds,
  carrierMessageParts,
  carrierRoutes,
  carriers,
  orphanReceipts,
} from "./carriers";
export { deadLetterKinds, deadLetters } from "./dead-letters";
export { directoryKeys, directoryMerchants } from "./directory";
export { receipts, webhookAttempts, webhookEvents } from "./events";
export { merchants } from "./merchants";
export {
  ARCHIVABLE_MAX_DELIVERIES,
  type DispatchStatus,
  deliveries,
  dispatches,
  dispatchStatuses,
  recipients,
  sends,
} from "./sends";
export {
  type LedgerReason,
  ledgerReasons,
  type WalletType,
  walletLedger,
  wallets,
  walletTypes,
} from "./wallets";
