import {
  type DeliveryEventType,
  type DeliveryState,
  errorByCode,
  errorCodeForStatus,
  formatLocalIso,
} from "@lisoloo/protocol";
import type { DeliveryRow } from "./delivery-row";

/** The `data` of a per-recipient event (CONTRACT §8), for the state a delivery just reached. */
export function deliveryEventData(
  type: DeliveryEventType,
  row: DeliveryRow,
  next: DeliveryState,
  carrier: string | null,
  at: string,
) {
  const common = {
    recipient_phone: row.phone,
    carrier,
    dispatch_at: formatLocalIso(row.due_at, row.time_zone),
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
        reason: errorByCode(code).message,
      };
    }
  }
}
