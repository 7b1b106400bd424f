/**
 * The reads of the D1 outbox (`webhook_events`) with the key settings that shape a request: the
 * dispatcher's, and the one a writer adds to the batch that creates events (`route.ts`); the
 * dispatcher's writes are in attempt-log.ts. Raw SQL: one round trip per call, whatever the batch size.
 */

/**
 * The key's webhook settings, read afresh for every batch of attempts (or with the events' own
 * write, for their first attempt) so rotation and 410s apply at once.
 */
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
  /** The recipient's delivery the event is about; null for a send's own (`sms.queued`). */
  deliveryId: number | null;
  keyId: string;
  eventType: string;
  sequence: number;
  destination: string | null;
  payload: string;
  occurredAt: number;
  status: "pending" | "delivered" | "dead" | "no_destination";
  /** Attempts made so far. */
  attempts: number;
  /** Null when the key row no longer exists. */
  key: KeyWebhookSettings | null;
};

type EventRow = {
  id: string;
  send_id: string;
  delivery_id: number | null;
  key_id: string;
  event_type: string;
  sequence: number;
  destination: string | null;
  payload: string;
  occurred_at: number;
  status: OutboxEvent["status"];
  attempts: number;
  k_secret: string | null;
  webhook_url: string | null;
  webhook_basic_auth_username: string | null;
  webhook_basic_auth_password_enc: string | null;
  webhook_previous_signing_secret: string | null;
  webhook_previous_secret_until: number | null;
  webhook_disabled_at: number | null;
};

/**
 * Reads the events among `eventIds` with their key's settings as they are now; with `routedOnly`,
 * only those still owed a delivery and bound for a destination (`+status`: through the status index
 * SQLite would walk every pending event to find these few).
 */
export function outboxEventsStatement(
  db: D1Database,
  eventIds: readonly string[],
  routedOnly = false,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT e.id, e.send_id, e.delivery_id, e.key_id, e.event_type, e.sequence, e.destination, e.payload, e.occurred_at,
              e.status, e.attempts,
              k.webhook_signing_secret AS k_secret, k.webhook_url, k.webhook_basic_auth_username,
              k.webhook_basic_auth_password_enc, k.webhook_previous_signing_secret,
              k.webhook_previous_secret_until, k.webhook_disabled_at
       FROM webhook_events e LEFT JOIN api_keys k ON k.id = e.key_id
       WHERE e.id IN (SELECT value FROM json_each(?1))
         ${routedOnly ? "AND +e.status = 'pending' AND e.destination IS NOT NULL" : ""}`,
    )
    .bind(JSON.stringify(eventIds));
}

/** The events an `outboxEventsStatement` read (from `all()` or a batch). */
export function outboxEventsOf(result: D1Result | undefined): OutboxEvent[] {
  return ((result?.results ?? []) as EventRow[]).map(outboxEventOf);
}

/**
 * The events among `eventIds` that still exist, with their key's settings as they are now, in one
 * round trip for a whole batch of attempts; the same batch notes that a dispatcher holds the fresh
 * ones (`markTakenStatement`), so a hand-over costs no write of its own.
 *
 * @example const events = await loadOutboxEvents(env.DB, ids, Date.now()); events.get(id)?.status // "pending"
 */
export async function loadOutboxEvents(
  db: D1Database,
  eventIds: readonly string[],
  nowMs: number,
): Promise<Map<string, OutboxEvent>> {
  const [, read] = await db.batch<Record<string, unknown>>([
    markTakenStatement(db, eventIds, nowMs),
    outboxEventsStatement(db, eventIds),
  ]);
  return new Map(outboxEventsOf(read).map((event) => [event.id, event]));
}

function outboxEventOf(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    sendId: row.send_id,
    deliveryId: row.delivery_id,
    keyId: row.key_id,
    eventType: row.event_type,
    sequence: row.sequence,
    destination: row.destination,
    payload: row.payload,
    occurredAt: row.occurred_at,
    status: row.status,
    attempts: row.attempts,
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

/**
 * Notes that a dispatcher holds these events, so the sweep leaves them alone (the ones noted already
 * keep their time). `+status` keeps SQLite on the primary key rather than walking every pending event
 * through the status index.
 */
export function markTakenStatement(
  db: D1Database,
  eventIds: readonly string[],
  nowMs: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE webhook_events SET taken_at = ?1, next_attempt_at = COALESCE(next_attempt_at, ?1)
       WHERE id IN (SELECT value FROM json_each(?2)) AND +status = 'pending' AND taken_at IS NULL`,
    )
    .bind(nowMs, JSON.stringify(eventIds));
}
