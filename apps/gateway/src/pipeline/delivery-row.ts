import type { DeliveryErrorCode, DeliveryState, DeliveryStatus, PartState } from "@lisoloo/protocol";

/** A delivery as the pipeline reads it: its own columns plus what its send and dispatch say. */
export type DeliveryRow = {
  id: number;
  send_id: string;
  phone: string;
  status: DeliveryStatus;
  error_code: DeliveryErrorCode | null;
  parts: string | null;
  event_seq: number;
  revision: string | null;
  carrier: string | null;
  carrier_message_id: string | null;
  /** When a consumer was about to submit it (see the schema); null when no submit is under way. */
  submitting_at: number | null;
  segments: number;
  unit_price_micros: number;
  due_at: number;
};

/** The columns every pipeline read of a delivery selects (alias `d` deliveries, `s` sends, `p` dispatches). */
export const DELIVERY_COLUMNS = `d.id, d.send_id, d.phone, d.status, d.error_code, d.parts,
  d.event_seq, d.revision, d.carrier, d.carrier_message_id, d.submitting_at, s.segments, s.unit_price_micros, p.due_at`;

export const DELIVERY_JOINS = `FROM deliveries d JOIN sends s ON s.id = d.send_id
  JOIN dispatches p ON p.send_id = d.send_id AND p.seq = d.dispatch_seq`;

export function stateOf(row: DeliveryRow): DeliveryState {
  return {
    status: row.status,
    error_code: row.error_code,
    parts: row.parts ? (JSON.parse(row.parts) as PartState[]) : null,
  };
}

/** A fresh optimistic-concurrency token: each write of a delivery sets one and expects the last. */
export function newRevision(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
