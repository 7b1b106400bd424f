/**
 * The dispatcher's reads and writes of the D1 outbox (`webhook_events`, `webhook_attempts`) and of the
 * key settings that shape a request. Raw SQL: each function is one round trip.
 */

/** The key's webhook settings, read afresh at every attempt so rotation and 410s apply at once. */
export type KeyWebhookSettings = {
  webhookUrl: string | null;
  basicAuthUsername: string | null;
  basicAuthPasswordEnc: string | null;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSecretUntil: number | null;
  disabledAt: number | null;
};

export type OutboxEvent = {
  id: string;
  sendId: string;
  keyId: string;
  eventType: string;
  sequence: number;
  destination: string | null;
  payload: string;
  occurredAt: number;
  status: "pending" | "delivered" | "dead" | "no_destination";
  /** Null when the key row no longer exists. */
  key: KeyWebhookSettings | null;
};

type EventRow = {
  id: string;
  send_id: string;
  key_id: string;
  event_type: string;
  sequence: number;
  destination: string | null;
  payload: string;
  occurred_at: number;
  status: OutboxEvent["status"];
  k_secret: string | null;
  webhook_url: string | null;
  webhook_basic_auth_username: string | null;
  webhook_basic_auth_password_enc: string | null;
  webhook_previous_signing_secret: string | null;
  webhook_previous_secret_until: number | null;
  webhook_disabled_at: number | null;
};

/** @example const event = await loadOutboxEvent(env.DB, eventId); if (event?.status === "pending") … */
export async function loadOutboxEvent(db: D1Database, eventId: string): Promise<OutboxEvent | null> {
  const row = await db
    .prepare(
      `SELECT e.id, e.send_id, e.key_id, e.event_type, e.sequence, e.destination, e.payload, e.occurred_at, e.status,
              k.webhook_signing_secret AS k_secret, k.webhook_url, k.webhook_basic_auth_username,
              k.webhook_basic_auth_password_enc, k.webhook_previous_signing_secret,
              k.webhook_previous_secret_until, k.webhook_disabled_at
       FROM webhook_events e LEFT JOIN api_keys k ON k.id = e.key_id WHERE e.id = ?`,
    )
    .bind(eventId)
    .first<EventRow>();
  if (row === null) return null;
  return {
    id: row.id,
    sendId: row.send_id,
    keyId: row.key_id,
    eventType: row.event_type,
    sequence: row.sequence,
    destination: row.destination,
    payload: row.payload,
    occurredAt: row.occurred_at,
    status: row.status,
    key:
      row.k_secret === null
        ? null
        : {
            webhookUrl: row.webhook_url,
            basicAuthUsername: row.webhook_basic_auth_username,
            basicAuthPasswordEnc: row.webhook_basic_auth_password_enc,
            signingSecret: row.k_secret,
            previousSigningSecret: row.webhook_previous_signing_secret,
            previousSecretUntil: row.webhook_previous_secret_until,
            disabledAt: row.webhook_disabled_at,
          },
  };
}

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

/**
 * Writes one attempt and the event's new state in one batch, so the log and the status never disagree.
 *
 * @example await recordAttempt(env.DB, { eventId, attempt: 1, verdict: "retry", status: "pending", … })
 */
export async function recordAttempt(db: D1Database, record: AttemptRecord): Promise<void> {
  const statements = [
    db
      .prepare(
        `INSERT INTO webhook_attempts (event_id, attempt, destination, started_at, duration_ms, response_status,
           response_body, error, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        record.eventId,
        record.attempt,
        record.destination,
        record.startedAt,
        record.durationMs,
        record.responseStatus,
        record.responseBody,
        record.error,
        record.verdict,
      ),
    db
      .prepare(
        `UPDATE webhook_events SET status = ?, attempts = ?, reason = ?, next_attempt_at = ?,
           delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
         WHERE id = ?`,
      )
      .bind(
        record.status,
        record.attempt,
        record.reason,
        record.nextAttemptAt,
        record.status,
        record.nowMs,
        record.eventId,
      ),
  ];
  if (record.disableKeyWebhook) {
    // Only when the 410 came from the key's own URL: a send's callback_url going away says nothing
    // about the key's webhook.
    statements.push(
      db
        .prepare(
          `UPDATE api_keys SET webhook_disabled_at = ?
           WHERE id = ? AND webhook_disabled_at IS NULL AND webhook_url = ?`,
        )
        .bind(record.nowMs, record.keyId, record.destination),
    );
  }
  await db.batch(statements);
}

/** Ends a pending event without an HTTP attempt (its webhook is disabled, its URL refused…). */
export async function closeEvent(
  db: D1Database,
  eventId: string,
  status: "dead" | "no_destination",
  reason: string,
): Promise<void> {
  await db
    .prepare(
      "UPDATE webhook_events SET status = ?, reason = ?, next_attempt_at = NULL WHERE id = ? AND status = 'pending'",
    )
    .bind(status, reason, eventId)
    .run();
}

/**
 * Notes that a dispatcher holds these events, so the sweep leaves them alone. (`+status` keeps SQLite
 * on the primary key rather than walking every pending event through the status index.)
 */
export async function markTaken(db: D1Database, eventIds: readonly string[], nowMs: number): Promise<void> {
  await db
    .prepare(
      `UPDATE webhook_events SET taken_at = ?1, next_attempt_at = COALESCE(next_attempt_at, ?1)
       WHERE id IN (SELECT value FROM json_each(?2)) AND +status = 'pending' AND taken_at IS NULL`,
    )
    .bind(nowMs, JSON.stringify(eventIds))
    .run();
}
