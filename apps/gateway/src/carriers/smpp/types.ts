import type { SubmitSm } from "@lisoloo/smpp";

/** One `submit_sm` for a bind to send: one part of one delivery (sequence number left to the bind). */
export type PartRequest = {
  /** The shard holding the delivery, where the part's carrier id is written. */
  shard: string;
  deliveryId: number;
  /** 1-based, as in the concatenation UDH. */
  index: number;
  total: number;
  pdu: SubmitSm;
};

/** What became of one part within the call's deadline (CONTRACT §12). */
export type PartOutcome =
  /** The SMSC took it; its id is in `carrier_message_parts` already. */
  | { kind: "accepted"; carrierMessageId: string }
  /** Not taken yet (throttled, queue full, no bind, no answer): the pipeline tries again later. */
  | { kind: "transient"; reason: string }
  /** Refused for good, with the SMSC's status, e.g. `ESME_RINVDSTADR (0x0000000B)`. */
  | { kind: "permanent"; reason: string };

/** A bind as operators see it (`GET /admin/v1/carriers/{slug}`, the health view). */
export type BindReport = {
  state: "bound" | "connecting" | "failed";
  /** Why the bind failed or last dropped; null while it is healthy. */
  error: string | null;
  window_in_use: number;
  submits_last_minute: number;
  receipts_last_minute: number;
  /** `submit_sm`s sent again after their bind dropped (or they got no answer) before the response. */
  resubmissions: number;
  /** Receipts this bind received that no delivery claimed. */
  orphans: number;
  last_error_at: string | null;
};
