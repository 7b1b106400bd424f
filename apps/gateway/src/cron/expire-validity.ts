import type { ShardEnv } from "../env";
import { closeDeliveries } from "../pipeline/apply-receipts";
import { closeAtValidityEnd, SUBMIT_UNKNOWN_AFTER_MS } from "../pipeline/closings";

/**
 * Deliveries closed per round, and rounds per run: 1000 a minute, the next run takes what is left.
 * A round costs 7 queries — this read, the receipt path's read and its write (a batch of four
 * statements), the routing of its events — so 35 a run (up to 135 if every write lost a race and
 * the receipt path re-read four more times).
 */
const EXPIRE_BATCH = 200;
const EXPIRE_ROUNDS = 5;

/**
 * Ends every delivery still without a final receipt at the end of its validity period: as
 * `delivery_unknown` (1503, charged) if a carrier took it, as `failed` (1501, refunded) if none did —
 * still pending behind a backlog, or claimed and never submitted. Through the same receipt path as
 * carrier receipts, so it emits `sms.failed` and never moves a delivery backwards. A delivery whose
 * submit may be in flight waits for it (or for the unknown-outcome sweep).
 */
// The partial index holds only deliveries still open, so expiry never reads the history; its
// condition is repeated word for word, which SQLite needs to use it. Left to itself the planner
// walks every open delivery through the status index (a backlog, each minute); INDEXED BY pins the
// plan, and fails loudly rather than scan if the index ever goes.
export async function expireValidity(env: ShardEnv, ctx: ExecutionContext, now: number): Promise<number> {
  let expired = 0;
  const close = closeAtValidityEnd(new Date(now).toISOString(), now);
  for (let round = 0; round < EXPIRE_ROUNDS; round++) {
    const { results } = await env.DB.prepare(
      `SELECT id FROM deliveries INDEXED BY deliveries_open_expiry_idx WHERE expires_at <= ?1
         AND status IN ('pending', 'processing', 'accepted', 'enroute', 'sent')
         AND (+status <> 'processing' OR carrier_message_id IS NOT NULL OR submitting_at IS NULL OR submitting_at <= ?2)
       LIMIT ?3`,
    )
      .bind(now, now - SUBMIT_UNKNOWN_AFTER_MS, EXPIRE_BATCH)
      .all<{ id: number }>();
    if (results.length === 0) break;
    const applied = await closeDeliveries(
      env,
      ctx,
      results.map((r) => r.id),
      close,
      now,
    );
    expired += applied.applied;
    if (results.length < EXPIRE_BATCH) break;
  }
  return expired;
}
