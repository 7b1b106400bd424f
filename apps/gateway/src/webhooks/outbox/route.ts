import { type OutboxEvent, outboxEventsOf, outboxEventsStatement } from "./outbox-store";

/**
 * Where an event goes: the send's `callback_url`, else the key's `webhook_url`, fixed on the event once.
 * An event with neither is `no_destination`; one bound for a key webhook disabled by a 410 is `dead`.
 *
 * A writer routes its events as it writes them (`routedColumns` in its `INSERT … SELECT`) and reads
 * back, in the same batch, those still owed a delivery, with their key's webhook settings
 * (`writtenEventsStatement`), so a dispatcher can make their first attempt without reading D1:
 * routing costs neither a round trip nor a statement of its own. Events written before they could be
 * routed (the sweep's, the operator's re-send) are routed where they are (`routeEventsStatements`).
 *
 * @example
 * const out = await db.batch([...stateChange, insertRoutedEvents, writtenEventsStatement(db, eventIds)]);
 * ctx.waitUntil(handOverEvents(env, routedEvents(out.at(-1))));
 */

const NO_DESTINATION_REASON = "'Neither the send''s callback_url nor the key''s webhook_url is set'";
const DISABLED_REASON = "'The key''s webhook was disabled after a 410 Gone'";

/** `status` and `reason` of an event bound for `chosen` (NULL: nowhere), `disabled` saying its key's webhook is off. */
function verdict(chosen: string, disabled: string, otherwise: { status: string; reason: string }) {
  return {
    status: `CASE WHEN ${chosen} IS NULL THEN 'no_destination' WHEN ${disabled} THEN 'dead' ELSE ${otherwise.status} END`,
    reason: `CASE WHEN ${chosen} IS NULL THEN ${NO_DESTINATION_REASON} WHEN ${disabled} THEN ${DISABLED_REASON}
              ELSE ${otherwise.reason} END`,
  };
}

/** The columns `routedColumns` fills, in its order. */
export const ROUTED_COLUMNS = "destination, status, reason";

/**
 * SQL for the `destination, status, reason` of events being inserted, for an `INSERT … SELECT` that
 * joins their key's row as `k` (`LEFT JOIN api_keys k ON k.id = …`); `callbackUrl` is SQL for the
 * send's `callback_url`. A missing key row routes like a key without a webhook.
 *
 * @example `INSERT INTO webhook_events (id, …, ${ROUTED_COLUMNS}) SELECT ?1, …, ${routedColumns("s.callback_url")}
 *           FROM … JOIN sends s ON … LEFT JOIN api_keys k ON k.id = s.key_id`
 */
export function routedColumns(callbackUrl: string): string {
  const chosen = `COALESCE(${callbackUrl}, k.webhook_url)`;
  const disabled = `(k.webhook_disabled_at IS NOT NULL AND k.webhook_url = ${chosen})`;
  const { status, reason } = verdict(chosen, disabled, { status: "'pending'", reason: "NULL" });
  return `${chosen}, ${status}, ${reason}`;
}

/** Reads back the events among `eventIds` still owed a delivery, with their key's settings: the last of a writer's batch. */
export function writtenEventsStatement(db: D1Database, eventIds: readonly string[]): D1PreparedStatement {
  return outboxEventsStatement(db, eventIds, true);
}

/**
 * Routes events already written without a destination (ONE statement however many), then reads
 * back those still owed a delivery, like `writtenEventsStatement`.
 */
export function routeEventsStatements(db: D1Database, eventIds: readonly string[]): D1PreparedStatement[] {
  return [routeStatement(db, eventIds), writtenEventsStatement(db, eventIds)];
}

/** An event still owed a delivery, as its writer read it back, and the destination it is bound for. */
export type RoutedEvent = OutboxEvent & { destination: string };

/** The events the routing left owed a delivery: the result of `writtenEventsStatement`. */
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
  const { status, reason } = verdict(chosen, disabled, { status: "status", reason: "reason" });
  return db
    .prepare(
      `UPDATE webhook_events SET
         destination = ${chosen},
         status = ${status},
         reason = ${reason},
         next_attempt_at = CASE WHEN ${chosen} IS NOT NULL AND ${disabled} THEN NULL ELSE next_attempt_at END
       WHERE id IN (SELECT value FROM json_each(?1)) AND +status = 'pending'`,
    )
    .bind(JSON.stringify(eventIds));
}
