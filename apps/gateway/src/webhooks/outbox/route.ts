import { type OutboxEvent, outboxEventsOf, outboxEventsStatement } from "./outbox-store";

/**
 * Where an event goes: the send's `callback_url`, else the key's `webhook_url`, fixed on the event once.
 * One bound for a key webhook disabled by a 410 is `dead`.
 *
 * A writer routes its events as it writes them (`routeOnInsert` in its `INSERT … SELECT`), writing
 * none that has nowhere to go, and reads back, in the same batch, those still owed a delivery, with
 * their key's webhook settings (`writtenEventsStatement`), so a dispatcher can make their first
 * attempt without reading D1: routing costs neither a round trip nor a statement of its own. Events
 * already written (the sweep's, the operator's re-send) are routed where they are
 * (`routeEventsStatements`); one of those with nowhere to go becomes `no_destination`.
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

/** The columns whose values `routeOnInsert` gives, in its order. */
export const ROUTED_COLUMNS = "destination, status, reason";

/**
 * For an `INSERT … SELECT` of events that joins their key's row as `k` (`LEFT JOIN api_keys k ON
 * k.id = …`), `callbackUrl` being SQL for the send's `callback_url`: the values of `ROUTED_COLUMNS`,
 * and the condition that keeps only the events that have a destination. An event with none is not
 * written at all (CONTRACT §8: none, no events): nothing would ever be delivered, and for a merchant
 * who polls `GET /status` instead of taking webhooks, those rows were most of what the pipeline wrote.
 * A missing key row routes like a key without a webhook.
 *
 * @example const route = routeOnInsert("s.callback_url");
 * `INSERT INTO webhook_events (id, …, ${ROUTED_COLUMNS}) SELECT ?1, …, ${route.values}
 *  FROM … JOIN sends s ON … LEFT JOIN api_keys k ON k.id = s.key_id WHERE ${route.where}`
 */
export function routeOnInsert(callbackUrl: string): { values: string; where: string } {
  const chosen = `COALESCE(${callbackUrl}, k.webhook_url)`;
  const disabled = `(k.webhook_disabled_at IS NOT NULL AND k.webhook_url = ${chosen})`;
  const { status, reason } = verdict(chosen, disabled, { status: "'pending'", reason: "NULL" });
  return { values: `${chosen}, ${status}, ${reason}`, where: `${chosen} IS NOT NULL` };
}

/**
 * The routing of a delivery's events (the claim's, the receipts'), inserted from a join that names
 * their send `s`; `join` adds its key as `k`.
 */
export const routeToSend = {
  ...routeOnInsert("s.callback_url"),
  join: "LEFT JOIN api_keys k ON k.id = s.key_id",
};

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
