import { ageSeconds, type QueryBatch } from "./query-batch";
import { COUNT_CAP, THRESHOLDS } from "./thresholds";

/** Dispatch chunks whose deliveries are counted: each holds at most 100, so this bounds the join. */
const CHUNKS_COUNTED = 200;
export const LATEST_DEAD_LETTERS = 5;

type Counts = { last_day: number; last_hour: number };
type Latest = {
  id: string;
  kind: string;
  send_id: string | null;
  dispatch_seq: number | null;
  from_idx: number | null;
  to_idx: number | null;
  created_at: number;
};

/**
 * What reached the dead-letter queue (recorded in `dead_letters` before its consumer acts): messages
 * in the last hour and day, the deliveries of those dispatch chunks that ended failed 1501 (refunded),
 * and the latest few, so an operator can look the sends up.
 */
export function deadLetterHealth(batch: QueryBatch, nowMs: number) {
  const dayAgo = nowMs - 24 * 3_600_000;
  const hourAgo = nowMs - THRESHOLDS.deadLetterWindowMs;
  const messages = batch.add<Counts>(
    "dead_letters",
    `SELECT COUNT(*) AS last_day, COUNT(CASE WHEN created_at >= ?2 THEN 1 END) AS last_hour
     FROM (SELECT created_at FROM dead_letters WHERE created_at >= ?1 ORDER BY created_at DESC LIMIT ?3)`,
    dayAgo,
    hourAgo,
    COUNT_CAP,
  );
  // `+d.status`: the chunk's own (send, dispatch, recipient) range is the way in, never the status index.
  const deliveries = batch.add<Counts>(
    "dead_letter_deliveries",
    `SELECT COUNT(*) AS last_day, COUNT(CASE WHEN l.created_at >= ?2 THEN 1 END) AS last_hour
     FROM (SELECT send_id, dispatch_seq, from_idx, to_idx, created_at FROM dead_letters
           WHERE created_at >= ?1 AND kind = 'dispatch' ORDER BY created_at DESC LIMIT ?3) l
     JOIN deliveries d ON d.send_id = l.send_id AND d.dispatch_seq = l.dispatch_seq
       AND d.recipient_idx >= l.from_idx AND d.recipient_idx < l.to_idx
     WHERE +d.status = 'failed' AND d.error_code = '1501'`,
    dayAgo,
    hourAgo,
    CHUNKS_COUNTED,
  );
  const latest = batch.add<Latest>(
    "latest_dead_letters",
    `SELECT id, kind, send_id, dispatch_seq, from_idx, to_idx, created_at FROM dead_letters
     ORDER BY created_at DESC LIMIT ${LATEST_DEAD_LETTERS}`,
  );
  return () => {
    const m = messages()[0];
    const d = deliveries()[0];
    return {
      last_hour: { messages: m?.last_hour ?? 0, deliveries_failed: d?.last_hour ?? 0 },
      last_day: { messages: m?.last_day ?? 0, deliveries_failed: d?.last_day ?? 0 },
      latest: latest().map((row) => ({
        queue_message_id: row.id,
        kind: row.kind,
        message_id: row.send_id,
        dispatch_seq: row.dispatch_seq,
        recipients: row.from_idx === null || row.to_idx === null ? null : [row.from_idx, row.to_idx],
        age_seconds: ageSeconds(row.created_at, nowMs),
      })),
    };
  };
}

export type DeadLetterHealth = ReturnType<ReturnType<typeof deadLetterHealth>>;
