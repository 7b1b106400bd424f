// Declarations for TypeScript callers of index.mjs (the implementation carries the same types in JSDoc).
import type { Smsc, SmscOptions } from "./types.js";

export type {
  BindEnd,
  BindMode,
  BindRecord,
  FaultState,
  Faults,
  IdFormat,
  MessageCounters,
  MessageRule,
  ReceiptAttempt,
  ReceiptFilter,
  ReceiptForm,
  ReceiptIdFormat,
  ReceiptRecord,
  ReceiptStat,
  ReceiptStatus,
  ScriptInput,
  ScriptView,
  Smsc,
  SmscEvents,
  SmscOptions,
  SmscStats,
  SubmitFields,
  SubmitFilter,
  SubmitOutcome,
  SubmitRecord,
} from "./types.js";

/** The number of the first message id (0xA0000001): hex ids always start with a letter. */
export declare const FIRST_ID: number;

/** Starts the SMSC on 127.0.0.1 (free ports by default) with its control API. */
export declare function startSmsc(options?: SmscOptions): Promise<Smsc>;

/** GSM 03.38, one septet per octet, 0x1B escapes; octets above 0x7F read as U+FFFD. */
export declare function decodeGsm7(bytes: Uint8Array): string;
/** GSM 03.38, one septet per octet; characters outside both tables become `?`. */
export declare function encodeGsm7(text: string): Buffer;
/** UCS-2 / UTF-16BE. */
export declare function decodeUcs2(bytes: Uint8Array): string;
