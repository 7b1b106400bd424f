import { ageSeconds, type QueryBatch } from "./query-batch";
import { AGE_BANDS_MS, COUNT_CAP, THRESHOLDS } from "./thresholds";

type Backlog = { count: number; over_1m: number; over_5m: number; over_1h: number; oldest_at: number | null };
type Overdue = { count: number; oldest_at: number | null };

function backlogView(row: Backlog | undefined, nowMs: number) {
  return {
    count: row?.count ?? 0,
    older_than_1m: row?.over_1m ?? 0,
    older_than_5m: row?.over_5m ?? 0,
    older_than_1h: row?.over_1h ?? 0,
    oldest_age_seconds: ageSeconds(row?.oldest_at, nowMs),
  };
}

function overdueView(row: Overdue | undefined, nowMs: number) {
  return { count: row?.count ?? 0, oldest_age_seconds: ageSeconds(row?.oldest_at, nowMs) };
}

const bands = (column: string) =>
  `COUNT(CASE WHEN ${column} <= ?1 THEN 1 END) AS over_1m, COUNT(CASE WHEN ${column} <= ?2 THEN 1 END) AS over_5m,
   COUNT(CASE WHEN ${column} <= ?3 THEN 1 END) AS over_1h, MIN(${column}) AS oldest_at`;

/**
 * The send pipeline as D1 sees it. Every statement walks at most `COUNT_CAP` entries of one index
 * (oldest first, so the overdue ones are among those counted):
 *
 * - pending deliveries by time since their dispatch's release (the stuck sweep touches `updated_at`,
 *   so only the dispatch knows their real age), processing ones by time in that state;
 * - due dispatches not released yet (of sends neither paused nor cancelled);
 * - processing deliveries a connector never acknowledged (no carrier message id) after 2 minutes;
 * - deliveries still open 2 minutes past their validity (age counted from the expiry).
 *
 * The last two read the partial indexes of unsubmitted and open deliveries, which hold only those:
 * their conditions repeat the indexes' own word for word (SQLite needs that to use them) and INDEXED
 * BY pins the plan, since left to itself the planner walks every processing or open delivery through
 * the status index; if an index ever goes, the view fails loudly instead of scanning.
 */
export function pipelineHealth(batch: QueryBatch, nowMs: number) {
  const limits = [
    nowMs - AGE_BANDS_MS.older_than_1m,
    nowMs - AGE_BANDS_MS.older_than_5m,
    nowMs - AGE_BANDS_MS.older_than_1h,
    COUNT_CAP,
  ];
  const pending = batch.add<Backlog>(
    "pending",
    `SELECT COUNT(*) AS count, ${bands("p.released_at")}
     FROM (SELECT send_id, dispatch_seq FROM deliveries WHERE status = 'pending' ORDER BY updated_at LIMIT ?4) d
     JOIN dispatches p ON p.send_id = d.send_id AND p.seq = d.dispatch_seq`,
    ...limits,
  );
  const processing = batch.add<Backlog>(
    "processing",
    `SELECT COUNT(*) AS count, ${bands("updated_at")}
     FROM (SELECT updated_at FROM deliveries WHERE status = 'processing' ORDER BY updated_at LIMIT ?4)`,
    ...limits,
  );
  const dispatchesDue = batch.add<Overdue>(
    "dispatches_due",
    `SELECT COUNT(*) AS count, MIN(d.due_at) AS oldest_at
     FROM (SELECT send_id, due_at FROM dispatches WHERE status = 'scheduled' AND due_at <= ?1
           ORDER BY due_at LIMIT ?2) d
     JOIN sends s ON s.id = d.send_id WHERE s.state = 'active'`,
    nowMs,
    COUNT_CAP,
  );
  const unsubmitted = batch.add<Overdue>(
    "processing_without_carrier_id",
    `SELECT COUNT(*) AS count, MIN(updated_at) AS oldest_at
     FROM (SELECT updated_at FROM deliveries INDEXED BY deliveries_unsubmitted_idx
           WHERE status = 'processing' AND carrier_message_id IS NULL AND updated_at <= ?1 LIMIT ?2)`,
    nowMs - THRESHOLDS.unsubmittedMs,
    COUNT_CAP,
  );
  const pastExpiry = batch.add<Overdue>(
    "past_expiry",
    `SELECT COUNT(*) AS count, MIN(expires_at) AS oldest_at
     FROM (SELECT expires_at FROM deliveries INDEXED BY deliveries_open_expiry_idx
           WHERE status IN ('pending', 'processing', 'accepted', 'enroute', 'sent') AND expires_at <= ?1
           ORDER BY expires_at LIMIT ?2)`,
    nowMs - THRESHOLDS.expiryOverdueMs,
    COUNT_CAP,
  );
  return () => ({
    pending: backlogView(pending()[0], nowMs),
    processing: backlogView(processing()[0], nowMs),
    dispatches_due: overdueView(dispatchesDue()[0], nowMs),
    processing_without_carrier_id: overdueView(unsubmitted()[0], nowMs),
    past_expiry: overdueView(pastExpiry()[0], nowMs),
  });
}

export type PipelineHealth = ReturnType<ReturnType<typeof pipelineHealth>>;
