import { type OutboxEvent, outboxEventsOf, outboxEventsStatement } from "./outbox-store";

/**
 * Where each freshly written event goes, settled by ONE statement however many events: the send's
 * `callback_url`, else the key's `webhook_url`, fixed on the event the first time it is routed. An
 * event with neither becomes `no_destination`; one bound for a key webhook disabled by a 410 becomes
 * `dead`. Then the events still owed a delivery are read back whole, with their key's webhook
 * settings, so a dispatcher can make their first attempt without reading D1. Both statements go at
 * the end of the batch that writes the events: routing costs no round trip of its own.
 *
 * @example
 * const out = await db.batch([...stateChange, insertEvents, ...routeEventsStatements(db, eventIds)]);
 * ctx.waitUntil(handOverEvents(env, routedEvents(out.at(-1))));
 */
export function routeEventsStatements(db: D1Database, eventIds: readonly string[]): D1PreparedStatement[] {
  return [routeStatement(db, eventIds), outboxEventsStatement(db, eventIds, true)];
}

/** An event still owed a delivery, as its writer read it back, and the destination it is bound for. */
export type RoutedEvent = OutboxEvent & { destination: string };

/** The events the routing left owed a delivery: the result of the last of `routeEventsStatements`. */
export function routedEvents(result: D1Result | undefined): RoutedEvent[] {
  return outboxEventsOf(result).filter((e): e is RoutedEvent => e.destination !== null);
}

function routeStatement(db: D1Database, eventIds: readonly string[]): D1PreparedStatement {
  // Every SET expression sees the row as it was, so each one works from the destination the event
  // ends up with (`chosen`), whether it had one already or gets one now. `+status`: without it
  // SQLite prefers the status index and walks every pending event of every merchant to find these
  // few; the primary key finds them directly.
  const chosen = `COALESCE(destination,
    (SELECT callback_url FROM sends WHERE sends.id = webhook_events.send_id),
    (SELECT webhook_url FROM api_keys WHERE api_keys.id = webhook_events.key_id))`;
  const disabled = `EXISTS (SELECT 1 FROM api_keys k WHERE k.id = webhook_events.key_id
    AND k.webhook_disabled_at IS NOT NULL AND k.webhook_url = ${chosen})`;
  return db
    .prepare(
      `UPDATE webhook_events SET
         destination = ${chosen},
         status = CASE WHEN ${chosen} IS NULL THEN 'no_destination' WHEN ${disabled} THEN 'dead' ELSE status END,
         reason = CASE
           WHEN ${chosen} IS NULL THEN 'Neither the send''s callback_url nor the key''s webhook_url is set'
           WHEN ${disabled} THEN 'The key''s webhook was disabled after a 410 Gone'
           ELSE reason END,
         next_attempt_at = CASE WHEN ${chosen} IS NOT NULL AND ${disabled} THEN NULL ELSE next_attempt_at END
       WHERE id IN (SELECT value FROM json_each(?1)) AND +status = 'pending'`,
    )
    .bind(JSON.stringify(eventIds));
}
