import type { Bindings } from "../env";
import type { CarrierConfig } from "./settings";

/** One SMPP bind as operators see it (CONTRACT §12, `GET /admin/v1/carriers/{slug}`). */
export type BindState = {
  state: "bound" | "connecting" | "failed";
  /** Why the bind failed or last dropped; null while it is healthy. */
  error: string | null;
  window_in_use: number;
  submits_last_minute: number;
  receipts_last_minute: number;
};

/**
 * The live state of each bind of an SMPP carrier, as its bind Durable Objects report it. The gateway
 * has no SMPP connector yet, so there are no binds to ask: the SMPP connector fills this in, and the
 * carrier view and the health view show what it returns.
 */
export async function bindStates(_env: Bindings, _carrier: CarrierConfig): Promise<BindState[]> {
  return [];
}
