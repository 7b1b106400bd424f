import type { ShardEnv } from "../../env";
import { log } from "../../observability/logger";
import { dispatcherFor } from "../dispatcher/address";
import type { HandedEvent } from "../dispatcher/queue-store";

type Routed = { id: string; destination: string; attempts: number };

/**
 * Settles where each pending event goes, in ONE statement however many events: the send's
 * `callback_url`, else the key's `webhook_url`, fixed on the event the first time it is handed over.
 * An event with neither becomes `no_destination`; one bound for a key webhook disabled by a 410
 * becomes `dead`. Returns the events still owed a delivery.
 */
async function routeEvents(db: D1Database, eventIds: readonly string[]): Promise<Routed[]> {
  // Every SET expression sees the row as it was, so each one works from the destination the event
  // ends up with (`chosen`), whether it had one already or gets one now. `+status`: without it
  // SQLite prefers the status index and walks every pending event of every merchant to find these
  // few; the primary key finds them directly.
  const chosen = `COALESCE(destination,
    (SELECT callback_url FROM sends WHERE sends.id = webhook_events.send_id),
    (SELECT webhook_url FROM api_keys WHERE api_keys.id = webhook_events.key_id))`;
  const disabled = `EXISTS (SELECT 1 FROM api_keys k WHERE k.id = webhook_events.key_id
    AND k.webhook_disabled_at IS NOT NULL AND k.webhook_url = ${chosen})`;
  const { results } = await db
    .prepare(
      `UPDATE webhook_events SET
         destination = ${chosen},
         status = CASE WHEN ${chosen} IS NULL THEN 'no_destination' WHEN ${disabled} THEN 'dead' ELSE status END,
         reason = CASE
           WHEN ${chosen} IS NULL THEN 'Neither the send''s callback_url nor the key''s webhook_url is set'
           WHEN ${disabled} THEN 'The key''s webhook was disabled after a 410 Gone'
           ELSE reason END,
         next_attempt_at = CASE WHEN ${chosen} IS NOT NULL AND ${disabled} THEN NULL ELSE next_attempt_at END
       WHERE id IN (SELECT value FROM json_each(?1)) AND +status = 'pending'
       RETURNING id, destination, attempts, status`,
    )
    .bind(JSON.stringify(eventIds))
    .all<Routed & { status: string }>();
  return results.filter((r) => r.status === "pending");
}

/**
 * Hands freshly committed outbox events to their dispatchers: one D1 statement, then one RPC per
 * destination (usually one). Call it after the batch that wrote the events, under `waitUntil`.
 * It never throws: whatever it could not hand over stays `pending` and the sweep hands it later.
 *
 * @example
 * await db.batch([...stateChange, insertEvent]);
 * ctx.waitUntil(notifyWebhooks(env, [eventId]));
 */
export async function notifyWebhooks(env: ShardEnv, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  let routed: Routed[];
  try {
    routed = await routeEvents(env.DB, eventIds);
  } catch (error) {
    log.error("webhook.route_failed", { events: eventIds.length, error });
    return;
  }
  const byDestination = new Map<string, HandedEvent[]>();
  for (const event of routed) {
    const list = byDestination.get(event.destination) ?? [];
    list.push({ id: event.id, attempts: event.attempts });
    byDestination.set(event.destination, list);
  }
  const handed = await Promise.allSettled(
    [...byDestination].map(([destination, events]) => dispatcherFor(env, destination).enqueue(events)),
  );
  for (const outcome of handed) {
    if (outcome.status === "rejected") {
      log.error("webhook.enqueue_failed", { error: outcome.reason });
    }
  }
}
