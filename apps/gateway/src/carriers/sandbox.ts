import type { Carrier, ReceiptSink, Submission, SubmitResult } from "./carrier";
import type { CarrierReceipt } from "./types";

/** Country code 999 does not exist, so no real number collides with the sandbox's magic numbers. */
export const sandboxMagicNumbers = {
  undelivered: "+999000000001",
  rejected: "+999000000002",
  expired: "+999000000003",
  noFinalReceipt: "+999000000004",
  connectorFailure: "+999000000005",
  slowDelivery: "+999000000006",
  duplicateReceipts: "+999000000007",
  deliveredBeforeSent: "+999000000008",
} as const;

/** The slow number's delay; a deployment may shorten it (tests do) with `SANDBOX_SLOW_DELIVERY_SECONDS`. */
export const SLOW_DELIVERY_SECONDS = 30;

function receipt(
  deliveryId: number,
  status: CarrierReceipt["status"],
  extra: Partial<CarrierReceipt> = {},
): CarrierReceipt {
  return { deliveryId, status, at: new Date().toISOString(), ...extra };
}

/**
 * The sandbox stub carrier (CONTRACT §10). It accepts everything but the connector-failure number and
 * answers with receipts through the same asynchronous receipt path as a real carrier: one queue
 * message per submit, the `sent` receipts first and the final ones after them (applied in that
 * order), so every recipient walks `pending → processing → sent → delivered` in well under two
 * seconds. One message rather than one per stage: the consumer would merge the two anyway when they
 * share a batch, and when they do not, the second costs a read and a write of its own. Magic numbers
 * bend that walk; the slow one's final receipt comes in a delayed message of its own.
 */
export class SandboxCarrier implements Carrier {
  readonly slug = "sandbox";

  constructor(private readonly slowDeliverySeconds: number = SLOW_DELIVERY_SECONDS) {}

  async submit(batch: Submission[], sink: ReceiptSink): Promise<SubmitResult[]> {
    const results: SubmitResult[] = [];
    const sent: CarrierReceipt[] = [];
    const final: CarrierReceipt[] = [];
    const slow: CarrierReceipt[] = [];
    for (const s of batch) {
      if (s.phone === sandboxMagicNumbers.connectorFailure) {
        results.push({ deliveryId: s.deliveryId, kind: "failed", reason: "Sandbox connector failure" });
        continue;
      }
      results.push({ deliveryId: s.deliveryId, kind: "accepted", carrierMessageId: `sbx-${s.deliveryId}` });
      switch (s.phone) {
        case sandboxMagicNumbers.undelivered:
          sent.push(receipt(s.deliveryId, "sent"));
          final.push(receipt(s.deliveryId, "undelivered", { errorCode: "1504" }));
          break;
        case sandboxMagicNumbers.rejected:
          final.push(receipt(s.deliveryId, "rejected", { errorCode: "1502" }));
          break;
        case sandboxMagicNumbers.expired:
          sent.push(receipt(s.deliveryId, "sent"));
          final.push(receipt(s.deliveryId, "expired", { errorCode: "1505" }));
          break;
        case sandboxMagicNumbers.noFinalReceipt:
          sent.push(receipt(s.deliveryId, "sent"));
          break;
        case sandboxMagicNumbers.slowDelivery:
          sent.push(receipt(s.deliveryId, "sent"));
          slow.push(receipt(s.deliveryId, "delivered"));
          break;
        case sandboxMagicNumbers.duplicateReceipts:
          sent.push(receipt(s.deliveryId, "sent"), receipt(s.deliveryId, "sent"));
          final.push(receipt(s.deliveryId, "delivered"), receipt(s.deliveryId, "delivered"));
          break;
        case sandboxMagicNumbers.deliveredBeforeSent:
          sent.push(receipt(s.deliveryId, "delivered"));
          final.push(receipt(s.deliveryId, "sent"));
          break;
        default:
          sent.push(receipt(s.deliveryId, "sent"));
          final.push(receipt(s.deliveryId, "delivered"));
      }
    }
    const receipts = [...sent, ...final];
    if (receipts.length > 0) await sink(this.slug, receipts);
    if (slow.length > 0) await sink(this.slug, slow, this.slowDeliverySeconds);
    return results;
  }
}
