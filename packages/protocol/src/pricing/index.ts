export { formatMicros, fromMicros, MICROS_PER_UNIT, toMicros } from "./money.js";
export { DEFAULT_UNIT_PRICE_MICROS, type PriceSendInput, priceSend, type SendPrice } from "./price.js";
export {
  type DebitSplit,
  type RefundLedger,
  type RefundSplit,
  splitDebit,
  splitRefund,
  type WalletBalances,
  type WalletSplit,
} from "./split.js";
