import {
  type DeliveryErrorCode,
  type DeliveryEventType,
  type DeliveryState,
  errorByCode,
  errorCodeForStatus,
} from "@lisoloo/protocol";
import { isoSeconds } from "../iso-seconds";
import type { DeliveryRow } from "./delivery-row";

/** The `reason` of a failure: the catalogue's words, then what the connector said, if anything. */
export function failureReason(code: DeliveryErrorCode, detail: string | null | undefined): string {
  const words = errorByCode(code).message;
  return detail ? `${words}: ${detail}` : words;
}

/**
 * The `data` of a per-recipient event (CONTRACT §8), for the state a delivery just reached. `detail`
 * is what the connector said about a failure (an SMPP status), added to `sms.failed`'s `reason`.
 */
export function deliveryEventData(
  type: DeliveryEventType,
  row: DeliveryRow,
  next: DeliveryState,
  carrier: string | null,
  at: string,
  detail?: string | null,
) {
  const common = {
    recipient_phone: row.phone,
    carrier,
    // UTC like every other timestamp of the event; `scheduled_at` of sms.queued alone keeps the
    // merchant's offset (CONTRACT §6).
    dispatch_at: isoSeconds(row.due_at),
  };
  switch (type) {
    case "sms.processing":
      return { ...common, status: "processing", processing_at: at };
    case "sms.sent":
      return { ...common, status: "sent", sent_at: at };
    case "sms.delivered":
      return { ...common, status: "delivered", delivered_at: at, segments: row.segments };
    case "sms.failed": {
      const code = next.error_code ?? errorCodeForStatus(next.status) ?? "1501";
      return {
        ...common,
        failed_at: at,
        status: next.status,
        error_code: code,
        reason: failureReason(code, detail),
      };
    }
  }
}
