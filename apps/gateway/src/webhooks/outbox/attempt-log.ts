/**
 * The dispatcher's writes to the D1 outbox: attempt records (`webhook_attempts`), the events' new
 * states, and the key webhooks a 410 disables. A whole batch of outcomes is one D1 batch (one round
 * trip, one transaction), with the rows passed as JSON and unpacked by `json_each`.
 */

export type AttemptRecord = {
  eventId: string;
  keyId: string;
  attempt: number;
  destination: string;
  startedAt: number;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  verdict: "delivered" | "retry" | "dead" | "disabled";
  /** The event's state after this attempt. */
  status: "pending" | "delivered" | "dead";
  reason: string | null;
  nextAttemptAt: number | null;
  /** 410 on the key's own webhook URL: stop every event bound for it. */
  disableKeyWebhook: boolean;
  nowMs: number;
};

/** A pending event ended without an HTTP attempt (its webhook is disabled, its URL refused…). */
export type ClosedEvent = { eventId: string; reason: string };

/**
 * Writes attempts, each with its event's new state, and closes events, all in one batch: the log and
 * the statuses never disagree, and a failure writes none of it.
 *
 * @example await recordOutcomes(env.DB, [{ eventId, attempt: 1, verdict: "retry", status: "pending", … }], [])
 */
export async function recordOutcomes(
  db: D1Database,
  attempts: readonly AttemptRecord[],
  closes: readonly ClosedEvent[],
): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  if (attempts.length > 0) {
    // Each statement gets only the columns it reads, as arrays rather than objects: the rows travel
    // to D1 with every batch of a burst, and names repeated on every row and the response excerpts
    // sent twice were most of their bytes.
    statements.push(
      db
        .prepare(
          `INSERT INTO webhook_attempts (event_id, attempt, destination, started_at, duration_ms, response_status,
             response_body, error, verdict)
           SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]',
             value ->> '$[5]', value ->> '$[6]', value ->> '$[7]', value ->> '$[8]'
           FROM json_each(?1)`,
        )
        .bind(
          JSON.stringify(
            attempts.map((a) => [
              a.eventId,
              a.attempt,
              a.destination,
              a.startedAt,
              a.durationMs,
              a.responseStatus,
              a.responseBody,
              a.error,
              a.verdict,
            ]),
          ),
        ),
      // Were one event in the batch twice (a lease that ran out while its record waited), the bare
      // columns beside MAX() come from its latest attempt, so the state never moves back. An event
      // first attempted from its writer's copy was never read by the dispatcher: its first outcome
      // is what tells the sweep a dispatcher holds it (`taken_at`).
      db
        .prepare(
          `UPDATE webhook_events SET status = j.status, attempts = j.attempt, reason = j.reason,
             next_attempt_at = j.next_attempt_at, taken_at = COALESCE(taken_at, j.now_ms),
             delivered_at = CASE WHEN j.status = 'delivered' THEN j.now_ms ELSE delivered_at END
           FROM (SELECT value ->> '$[0]' AS id, MAX(value ->> '$[1]') AS attempt, value ->> '$[2]' AS status,
                   value ->> '$[3]' AS reason, value ->> '$[4]' AS next_attempt_at, value ->> '$[5]' AS now_ms
                 FROM json_each(?1) GROUP BY 1) AS j
           WHERE webhook_events.id = j.id`,
        )
        .bind(
          JSON.stringify(
            attempts.map((a) => [a.eventId, a.attempt, a.status, a.reason, a.nextAttemptAt, a.nowMs]),
          ),
        ),
    );
    const disabling = attempts.filter((a) => a.disableKeyWebhook);
    if (disabling.length > 0) {
      // Only when the 410 came from the key's own URL: a send's callback_url going away says nothing
      // about the key's webhook.
      statements.push(
        db
          .prepare(
            `UPDATE api_keys SET webhook_disabled_at = j.at
             FROM (SELECT value ->> '$.keyId' AS key_id, value ->> '$.destination' AS destination,
                     MIN(value ->> '$.nowMs') AS at
                   FROM json_each(?1) GROUP BY 1, 2) AS j
             WHERE api_keys.id = j.key_id AND api_keys.webhook_disabled_at IS NULL
               AND api_keys.webhook_url = j.destination`,
          )
          .bind(JSON.stringify(disabling)),
      );
    }
  }
  if (closes.length > 0) {
    // `+status` keeps SQLite on the primary key instead of walking every pending event by status.
    statements.push(
      db
        .prepare(
          `UPDATE webhook_events SET status = 'dead', reason = j.reason, next_attempt_at = NULL
           FROM (SELECT value ->> '$.eventId' AS id, value ->> '$.reason' AS reason FROM json_each(?1)) AS j
           WHERE webhook_events.id = j.id AND +webhook_events.status = 'pending'`,
        )
        .bind(JSON.stringify(closes)),
    );
  }
  if (statements.length > 0) await db.batch(statements);
}
