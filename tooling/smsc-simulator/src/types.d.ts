// The simulator's public shapes. The JavaScript modules refer to these through JSDoc, and
// index.d.ts re-exports them for TypeScript callers (a vitest globalSetup, the benchmarks).

/** The `stat:` words of a delivery receipt. ACCEPTD and ENROUTE are intermediate, the rest final. */
export type ReceiptStat =
  | "DELIVRD"
  | "UNDELIV"
  | "EXPIRED"
  | "REJECTD"
  | "DELETED"
  | "UNKNOWN"
  | "ACCEPTD"
  | "ENROUTE";

/** How message ids are written: a decimal counter, or the same counter in lowercase hex. */
export type IdFormat = "decimal" | "hex";

/** How a receipt writes its id: like the submit_sm_resp (`same`), the other way (`other`), or fixed. */
export type ReceiptIdFormat = "same" | "other" | IdFormat;

/** Where a receipt carries its outcome: the text (`id:… stat:…`), the TLVs, or both. */
export type ReceiptForm = "text" | "tlv" | "both";

/**
 * How the SMSC treats a submit_sm. Set for every destination (no `destination`) or for destinations
 * by number prefix (longest prefix wins, then the global rule, then the start options). `null`
 * removes a setting, so the wider rule applies again.
 */
export interface MessageRule {
  /** Receipts to send, in order, `receiptDelayMs` apart (e.g. `["ENROUTE", "DELIVRD"]`); `"none"` sends none. Default `"DELIVRD"`. */
  receipt?: ReceiptStat | ReceiptStat[] | "none" | null;
  /** Delay before each receipt, after the submit_sm_resp. Default: the start option (100 ms). */
  receiptDelayMs?: number | null;
  /** Default `"both"`. */
  receiptForm?: ReceiptForm | null;
  /** How many identical deliver_sm to send for each receipt (2 = duplicated). Default 1. */
  receiptCopies?: number | null;
  /** Send the first receipt before the submit_sm_resp (the receipt overtakes the response). */
  receiptBeforeResp?: boolean | null;
  /** Default `"same"`. */
  receiptIdFormat?: ReceiptIdFormat | null;
  /** The receipt's `err:` field (3 digits). Default `000` for DELIVRD, ACCEPTD and ENROUTE, else `001`. */
  receiptErr?: string | null;
  /** command_status for every submit_sm (e.g. 0x0B ESME_RINVDSTADR). Default 0. */
  submitStatus?: number | null;
  /** Hold each submit_sm_resp this long. Default 0. */
  submitRespDelayMs?: number | null;
  /** `false`: never answer submit_sm (the client's response timeout must fire). Default true. */
  answerSubmits?: boolean | null;
  /** Answer submits above this many per second on one bind with 0x58 ESME_RTHROTTLED. */
  maxSubmitsPerSecond?: number | null;
}

/** One-shot answers, counted down as submits arrive; each call adds to what is left. */
export interface MessageCounters {
  /** Answer the next N submits with 0x58 ESME_RTHROTTLED. */
  throttleNext?: number;
  /** Answer the next N submits with 0x14 ESME_RMSGQFUL. */
  queueFullNext?: number;
  /** Answer the next `count` submits with `status`. */
  failNext?: { count: number; status: number };
}

/** Connection faults and SMSC-wide settings (never per destination). */
export interface Faults {
  /**
   * Drop the TCP connection when the N-th submit_sm from now arrives (on whichever bind it arrives),
   * leaving the last `dropUnanswered` of those N unanswered. One-shot.
   */
  dropAfterSubmits?: number | null;
  /** How many of the submits before the drop get no answer (the N-th included). Default 1; keep it within the client's window. */
  dropUnanswered?: number | null;
  /** Refuse the next N binds (bind_resp with `bindRefusalStatus`, then close). */
  refuseBinds?: number | null;
  /** Refuse every bind for this long from now. */
  refuseBindsForMs?: number | null;
  /** Default 0x0D ESME_RBINDFAIL. */
  bindRefusalStatus?: number | null;
  /** Accept the next N binds, then say nothing on them: no enquire_link_resp, no submit_sm_resp, no receipts. */
  silentBinds?: number | null;
  /** Keep receipts the client did not acknowledge (connection lost, error status) and send them again on its next bind. */
  resendUnacknowledged?: boolean | null;
  /** Message ids from now on. */
  idFormat?: IdFormat | null;
}

/** What `script()` and `POST /__script` take: a rule, counters and (without `destination`) faults. */
export type ScriptInput = MessageRule &
  MessageCounters &
  Faults & {
    /** A number or number prefix as in destination_addr (a leading `+` is ignored), or several. */
    destination?: string | string[];
  };

export interface SmscOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** SMPP port; 0 (default) picks a free one. */
  port?: number;
  /** Control API port; 0 (default) picks a free one, `null` starts no control API. */
  controlPort?: number | null;
  /** The account clients bind with. Defaults `lisoloo` / `secret`. */
  systemId?: string;
  password?: string;
  /** system_id in bind_resp. Default `lisoloo-smsc`. */
  smscSystemId?: string;
  /** Default `decimal`. */
  idFormat?: IdFormat;
  /** The first message id's number. Default 0xA0000001 (2684354561), so hex ids always start with a letter. */
  firstId?: number;
  /** Default 100. */
  receiptDelayMs?: number;
  /** Default false. */
  resendUnacknowledged?: boolean;
  /** Scripts applied at start (and again by `reset()`). */
  script?: ScriptInput | ScriptInput[];
}

export type BindMode = "transceiver" | "transmitter" | "receiver";

/** How a bind ended: unbind from the client, client closed the socket, the simulator dropped it (a fault or `dropBinds`), refused, closed by `close()`, or a socket error. */
export type BindEnd = "unbind" | "client-closed" | "dropped" | "refused" | "server-closed" | "error";

export interface BindRecord {
  id: number;
  mode: BindMode;
  systemId: string;
  systemType: string;
  interfaceVersion: number;
  remotePort: number;
  /** command_status of the bind_resp (0 = bound). */
  status: number;
  at: number;
  endedAt: number | null;
  end: BindEnd | null;
  silent: boolean;
  submits: number;
  enquireLinks: number;
  /** submit_sm received and not answered yet. */
  outstanding: number;
  /** The most submit_sm outstanding at once on this bind: the client's window, as the SMSC sees it. */
  maxOutstanding: number;
}

/** The fields of a submit_sm, under their SMPP names, and what they decode to. */
export interface SubmitFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  /** The short_message octets, hex. */
  short_message: string;
  /** TLVs by tag (`0x0424`), values hex. */
  tlvs: Record<string, string>;
  /** The user data header (length octet included), hex; null without UDHI. */
  udhHex: string | null;
  /** The concatenation element of the UDH (or the sar_* TLVs). */
  udh: { ref: number; total: number; seq: number; refBits: 8 | 16 } | null;
  /** The text after the UDH: GSM-7 one septet per octet (0), IA5 (1), Latin-1 (3) or UCS-2 (8); null otherwise. */
  text: string | null;
}

/** answered: the resp was written; pending: it will be (delayed); unanswered: it never will be. */
export type SubmitOutcome = "answered" | "pending" | "unanswered";

export interface SubmitRecord extends SubmitFields {
  id: number;
  bindId: number | null;
  systemId: string | null;
  sequenceNumber: number;
  receivedAt: number;
  /** command_status decided for the resp (null when none was: held for a drop, or on a silent bind). */
  status: number | null;
  /** The id the SMSC gave an accepted submit; `outcome` says whether the client got it. */
  messageId: string | null;
  answeredAt: number | null;
  outcome: SubmitOutcome;
}

/**
 * scheduled: not due yet; queued: due, waiting for a bind that can take it; pending: written,
 * waiting for deliver_sm_resp; acknowledged: deliver_sm_resp 0; rejected: deliver_sm_resp with an
 * error; lost: the connection ended first; unsent: due with no bind to take it.
 */
export type ReceiptStatus =
  | "scheduled"
  | "queued"
  | "pending"
  | "acknowledged"
  | "rejected"
  | "lost"
  | "unsent";

export interface ReceiptAttempt {
  bindId: number;
  sequenceNumber: number;
  sentAt: number;
  outcome: "pending" | "acknowledged" | "rejected" | "lost";
  /** command_status of the deliver_sm_resp. */
  respStatus: number | null;
  answeredAt: number | null;
}

export interface ReceiptRecord {
  id: number;
  submitId: number;
  systemId: string;
  /** The id the submit_sm_resp carried. */
  messageId: string;
  /** The id this receipt carries (the same, or the other format). */
  receiptId: string;
  /** deliver_sm addresses: the handset is the source, the submitter's sender the destination. */
  source_addr: string;
  destination_addr: string;
  stat: ReceiptStat;
  message_state: number;
  err: string;
  final: boolean;
  form: ReceiptForm;
  /** The receipt text (null for TLV-only receipts). */
  text: string | null;
  /** 1, or 2+ for the duplicates of one receipt. */
  copy: number;
  beforeResp: boolean;
  dueAt: number;
  status: ReceiptStatus;
  acknowledged: boolean;
  attempts: ReceiptAttempt[];
}

export interface SmscStats {
  binds: { total: number; open: number; refused: number };
  submits: { total: number; ok: number; failed: number; pending: number; unanswered: number };
  receipts: {
    total: number;
    scheduled: number;
    queued: number;
    pending: number;
    acknowledged: number;
    rejected: number;
    lost: number;
    unsent: number;
  };
  /** The largest `maxOutstanding` over all binds. */
  maxOutstanding: number;
}

export interface SubmitFilter {
  destination?: string;
  bindId?: number;
  messageId?: string;
}

export interface ReceiptFilter {
  destination?: string;
  messageId?: string;
  status?: ReceiptStatus;
}

/** The faults in force: counters left, the drop's progress, when bind refusal ends (ms since epoch). */
export interface FaultState {
  dropAfterSubmits: number | null;
  dropUnanswered: number;
  /** Submits counted towards `dropAfterSubmits` so far. */
  dropSeen: number;
  refuseBinds: number;
  refuseBindsUntil: number;
  bindRefusalStatus: number;
  silentBinds: number;
  resendUnacknowledged: boolean;
  idFormat: IdFormat;
}

/** The rules in force, as `GET /__script` shows them; `failures` are the one-shot answers left. */
export interface ScriptView {
  global: MessageRule & { failures: { status: number; remaining: number }[] };
  destinations: Record<string, MessageRule & { failures: { status: number; remaining: number }[] }>;
  faults: FaultState;
}

export interface SmscEvents {
  bind: [BindRecord];
  "bind-end": [BindRecord];
  submit: [SubmitRecord];
  receipt: [ReceiptRecord];
  "receipt-ack": [ReceiptRecord];
}

export interface Smsc {
  host: string;
  port: number;
  /** `smpp://host:port`, for `smpp.connect`. */
  url: string;
  /** Base URL of the control API, or null when started with `controlPort: null`. */
  controlUrl: string | null;
  /** Applies scripts (the same bodies as `POST /__script`); throws on an unknown key or a bad value. */
  script(input: ScriptInput | ScriptInput[]): void;
  scripts(): ScriptView;
  submits(filter?: SubmitFilter): SubmitRecord[];
  receipts(filter?: ReceiptFilter): ReceiptRecord[];
  binds(): BindRecord[];
  stats(): SmscStats;
  /** Forgets records and run-time scripts, cancels receipts not sent yet; open binds stay (unless `dropBinds`). Message ids keep counting. */
  reset(options?: { dropBinds?: boolean }): void;
  /** Drops open connections (one bind, or all) without a word; returns how many. */
  dropBinds(bindId?: number): number;
  /** Polls `check` every 10 ms until it returns a value other than undefined, null or false. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  on<E extends keyof SmscEvents>(event: E, listener: (...args: SmscEvents[E]) => void): Smsc;
  off<E extends keyof SmscEvents>(event: E, listener: (...args: SmscEvents[E]) => void): Smsc;
  close(): Promise<void>;
}
