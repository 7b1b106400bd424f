import type { ShardEnv } from "../env";
import type { CarrierReceipt } from "./types";

/** One delivery handed to a connector. */
export type Submission = {
  deliveryId: number;
  phone: string;
  senderId: string;
  /** The message as segments, each within one SMS's capacity (UDH concatenation is the connector's job). */
  segments: string[];
  encoding: "GSM-7" | "UCS-2";
  /** Seconds the carrier should keep trying (SMPP validity_period): what is left of the delivery's validity. */
  validitySeconds: number;
  /**
   * Parts (1-based) a connector already took for this delivery in an earlier attempt that ended
   * transient (`carrier_message_parts`): they must not be submitted again. Empty on a first attempt.
   */
  acceptedParts: number[];
};

/** What a connector did with one submission. */
export type SubmitResult =
  | { deliveryId: number; kind: "accepted"; carrierMessageId: string }
  /** The connector could not take it and retrying will not help: failed (1501), refunded. */
  | { deliveryId: number; kind: "failed"; reason: string }
  /**
   * Not taken this time, but it may be later (a throttled or lost bind, a full SMSC queue): the
   * pipeline submits it again with back-off until its validity ends. Parts the connector did take
   * are in `carrier_message_parts` and are left out of the next attempt (`acceptedParts`).
   */
  | { deliveryId: number; kind: "transient"; reason: string };

/**
 * Where a connector sends the receipts it learns about: always asynchronously, into the same queue
 * path, whatever the connector (sandbox stub, SMPP bind).
 */
export type ReceiptSink = (
  carrier: string,
  receipts: CarrierReceipt[],
  delaySeconds?: number,
) => Promise<void>;

/**
 * A carrier connector (CONTRACT §12). Per submission it answers `accepted`, `failed` (permanent) or
 * `transient` (only those are submitted again, with back-off); `submit` throws when it cannot tell
 * anything about the batch (the queue retries the whole message).
 */
export interface Carrier {
  readonly slug: string;
  /**
   * `shard` is the shard whose deliveries these are: a connector that writes carrier ids to D1, or
   * hands out an address to report receipts to, keeps them with that shard.
   */
  submit(batch: Submission[], receipts: ReceiptSink, shard: ShardEnv): Promise<SubmitResult[]>;
}
