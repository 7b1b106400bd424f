export { decodePdu, encodePdu, HEADER_LENGTH, MAX_SHORT_MESSAGE } from "./codec.js";
export {
  commandIds,
  createPdu,
  isResponse,
  type PduInit,
  respondTo,
  SMPP_VERSION_34,
} from "./commands.js";
export { nackFor, SmppDecodeError, type SmppDecodeErrorDetails, type SmppDecodeReason } from "./errors.js";
export {
  normalizeSubmitId,
  type ReceiptIdFormat,
  receiptIdFormats,
  receiptIdToSubmitId,
} from "./receipt-ids.js";
export {
  formatReceiptText,
  normalizeStat,
  parseReceiptText,
  type ReceiptStat,
  type ReceiptTextFields,
  type ReceiptTextInit,
  receiptStats,
} from "./receipt-text.js";
export {
  type DeliveryReceipt,
  ESM_CLASS_RECEIPT,
  isDeliveryReceipt,
  messageStateByStat,
  receiptOf,
  receiptText,
  statByMessageState,
} from "./receipts.js";
export {
  type Concatenation,
  DATA_CODING_DEFAULT,
  DATA_CODING_UCS2,
  decodeShortMessage,
  ESM_CLASS_UDHI,
  type ShortMessage,
  type ShortMessageFields,
  type TextEncoding,
  textEncodingOf,
} from "./short-message.js";
export {
  type CommandStatusName,
  commandStatus,
  describeStatus,
  type StatusClass,
  statusClass,
  statusName,
} from "./status.js";
export {
  DEFAULT_MAX_PDU_LENGTH,
  PduStream,
  type PduStreamItem,
  type PduStreamOptions,
} from "./stream.js";
export {
  destinationAddress,
  NPI,
  relativeTime,
  type SmppAddress,
  type SubmitMessage,
  senderAddress,
  submitSmPdus,
  TON,
} from "./submit.js";
export { tlvTags } from "./tlv.js";
export type {
  BindBody,
  BindRespBody,
  CommandName,
  DeliverSm,
  DeliverSmResp,
  EmptyBody,
  GenericNack,
  MessageIdBody,
  NetworkErrorCode,
  Pdu,
  PduBodies,
  PduHeader,
  PduOf,
  RawTlv,
  RequestCommand,
  ResponseCommand,
  ShortMessageBody,
  SubmitSm,
  SubmitSmResp,
  Tlvs,
} from "./types.js";
