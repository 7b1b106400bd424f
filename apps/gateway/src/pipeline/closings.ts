import { handedToCarrier, validityEndState } from "@lisoloo/protocol";
import type { CarrierReceipt } from "../carriers/types";
import type { DeliveryRow } from "./delivery-row";

/**
 * How long a submit mark may stand without a carrier id before the submit's outcome counts as
 * unknown. Far beyond the longest a queue consumer runs (15 minutes of wall time), so no submit
 * the mark stands for can still be in flight.
 */
export const SUBMIT_UNKNOWN_AFTER_MS = 30 * 60_000;

/**
 * How the gateway itself closes a delivery, decided from the delivery as it stands when the close is
 * written (it is decided again if the delivery changed in between), or `null` to leave it alone.
 */
export type CloseRule = (row: DeliveryRow) => Omit<CarrierReceipt, "deliveryId"> | null;

/** Whether a carrier took the delivery: it has a carrier id, or a carrier reported on it. */
export function wasHandedOver(row: DeliveryRow): boolean {
  return handedToCarrier({ status: row.status, has_carrier_message_id: row.carrier_message_id !== null });
}

/** A consumer marked it for submission recently: the carrier may be taking it right now. */
export function submitInFlight(row: DeliveryRow, now: number): boolean {
  return (
    row.status === "processing" &&
    row.carrier_message_id === null &&
    row.submitting_at !== null &&
    row.submitting_at > now - SUBMIT_UNKNOWN_AFTER_MS
  );
}

/**
 * The end of a delivery's validity (CONTRACT §7): `delivery_unknown` (1503, charged) if a carrier
 * took it, `failed` (1501, refunded) if none did — the protocol's `validityEndState`. A delivery
 * whose submit may be in flight is left to it: the next run sees its carrier id, or the
 * unknown-outcome sweep closes it.
 */
export function closeAtValidityEnd(at: string, now: number): CloseRule {
  return (row) => {
    const handed = wasHandedOver(row);
    if (!handed && submitInFlight(row, now)) return null;
    const end = validityEndState(handed);
    return { status: end.status, errorCode: end.error_code, at };
  };
}

/**
 * Gives up on a delivery no carrier took (a dead-lettered chunk, a submit whose outcome is unknown):
 * `failed` (1501), refunded. One a carrier took is left to its receipts and its validity; one whose
 * submit may be in flight, to the submit.
 */
export function closeUnhanded(at: string, now: number): CloseRule {
  return (row) => {
    if (wasHandedOver(row) || submitInFlight(row, now)) return null;
    const end = validityEndState(false);
    return { status: end.status, errorCode: end.error_code, at };
  };
}
