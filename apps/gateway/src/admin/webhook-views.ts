import type { webhookAttempts, webhookEvents } from "../db/schema";

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Operator-facing shape of one attempt: when, how long, what came back. */
export function webhookAttemptView(row: typeof webhookAttempts.$inferSelect) {
  return {
    attempt: row.attempt,
    destination: row.destination,
    started_at: iso(row.startedAt),
    duration_ms: row.durationMs,
    response_status: row.responseStatus,
    response_body: row.responseBody,
    error: row.error,
    verdict: row.verdict,
  };
}

/** Operator-facing shape of an outbox event with its attempts, oldest first. */
export function webhookEventView(
  row: typeof webhookEvents.$inferSelect,
  attempts: (typeof webhookAttempts.$inferSelect)[],
) {
  return {
    event_id: row.id,
    event_type: row.eventType,
    message_id: row.sendId,
    delivery_id: row.deliveryId,
    sequence: row.sequence,
    destination: row.destination,
    status: row.status,
    reason: row.reason,
    attempt_count: row.attempts,
    next_attempt_at: row.status === "pending" ? iso(row.nextAttemptAt) : null,
    delivered_at: iso(row.deliveredAt),
    occurred_at: iso(row.occurredAt),
    created_at: iso(row.createdAt),
    data: JSON.parse(row.payload) as unknown,
    attempts: attempts.map(webhookAttemptView),
  };
}
