import type { WorkerEnv } from "../env";
import { log } from "../observability/logger";
import { noteOrphans } from "./smpp/stub";
import type { CarrierReceipt } from "./types";

/**
 * Keeps receipts that no delivery claimed after the receipt path's retries (CONTRACT §12): one row
 * each in `orphan_receipts` and a `receipt.orphan` log line naming the carrier and its id, for
 * operators; the connector instance that received them (`source`, an SMPP bind) counts them in its
 * state. Nothing else happens to them: no delivery is changed.
 */
export async function keepOrphans(
  env: WorkerEnv,
  carrier: string,
  source: string | null,
  receipts: CarrierReceipt[],
): Promise<void> {
  for (const receipt of receipts) {
    log.warn("receipt.orphan", {
      carrier,
      carrier_message_id: receipt.carrierMessageId,
      delivery_id: receipt.deliveryId,
      status: receipt.status,
      source: source ?? undefined,
    });
  }
  await env.DIRECTORY.prepare(
    `INSERT INTO orphan_receipts (carrier, carrier_message_id, receipt, source, created_at)
     SELECT ?1, value ->> '$.carrierMessageId', value, ?2, ?3 FROM json_each(?4)`,
  )
    .bind(carrier, source, Date.now(), JSON.stringify(receipts))
    .run();
  if (source !== null) {
    // Only a counter: losing it costs nothing the table and the log do not keep.
    await noteOrphans(env, source, receipts.length).catch((error: unknown) =>
      log.warn("receipt.orphan_count_failed", { carrier, source, error }),
    );
  }
}
