import type { CarrierReceipt } from "./types";

/** One delivery handed to a connector. */
export type Submission = {
  deliveryId: number;
  phone: string;
  senderId: string;
  /** The message as segments, each within one SMS's capacity (UDH concatenation is the connector's job). */
  segments: string[];
  encoding: "GSM-7" | "UCS-2";
  /** Seconds the carrier should keep trying (SMPP validity_period). */
  validitySeconds: number;
};

/** What a connector did with one submission. */
export type SubmitResult =
  | { deliveryId: number; kind: "accepted"; carrierMessageId: string }
  /** The connector could not take it and retrying will not help: failed (1501), refunded. */
  | { deliveryId: number; kind: "failed"; reason: string };

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
 * A carrier connector (CONTRACT §12). `submit` throws for a transient failure of the whole batch
 * (the queue retries it with back-off); per-submission permanent failures come back as `failed`.
 */
export interface Carrier {
  readonly slug: string;
  submit(batch: Submission[], receipts: ReceiptSink): Promise<SubmitResult[]>;
}
