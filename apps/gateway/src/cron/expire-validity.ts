import type { Bindings } from "../env";
import { applyReceiptsAndNotify } from "../pipeline/apply-receipts";

const EXPIRE_BATCH = 100;
const EXPIRE_ROUNDS = 10;

/**
 * Ends every delivery still without a final receipt at the end of its validity period as
 * `delivery_unknown` (1503), through the same receipt path as carrier receipts (so it emits
 * `sms.failed` and never moves a delivery backwards).
 */
export async function expireValidity(env: Bindings, ctx: ExecutionContext, now: number): Promise<number> {
  let expired = 0;
  for (let round = 0; round < EXPIRE_ROUNDS; round++) {
    const { results } = await env.DB.prepare(
      `SELECT id FROM deliveries WHERE expires_at <= ?1
         AND status IN ('pending', 'processing', 'accepted', 'enroute', 'sent') LIMIT ?2`,
    )
      .bind(now, EXPIRE_BATCH)
      .all<{ id: number }>();
    if (results.length === 0) break;
    const at = new Date(now).toISOString();
    const applied = await applyReceiptsAndNotify(
      env,
      ctx,
      null,
      results.map((r) => ({
        deliveryId: r.id,
        status: "delivery_unknown" as const,
        errorCode: "1503" as const,
        at,
      })),
    );
    expired += applied.applied;
    if (results.length < EXPIRE_BATCH) break;
  }
  return expired;
}
