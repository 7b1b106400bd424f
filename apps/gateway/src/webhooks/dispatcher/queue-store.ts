import type { OutboxEvent } from "../outbox/outbox-store";

/**
 * A dispatcher's queue, in its Durable Object SQLite storage: which events it owes its destination,
 * when each is next due, and how many attempts each has had. Everything a restart needs lives here.
 */

/**
 * An event handed to a dispatcher, with the attempts it already had (0 for a fresh or replayed one)
 * and, from the writer that just committed it, the event itself with its key's webhook settings.
 */
export type HandedEvent = { id: string; attempts: number; event?: OutboxEvent };

/** An attempt that has been leased: nobody else will start it until the lease ends. */
export type LeasedAttempt = { eventId: string; attempt: number };

/**
 * A later event of a delivery waits with this as its due time until the delivery's earlier events
 * have left the queue (delivered or dead): then it falls due (`removeFromQueue`). Far beyond any real
 * time, and never armed as an alarm.
 */
export const WAITING_FOR_EARLIER = Number.MAX_SAFE_INTEGER;

/** @example createQueueSchema(ctx.storage.sql) // in the constructor; idempotent */
export function createQueueSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS queue (
    event_id TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER
  )`);
  // The event's delivery and its place among that delivery's events (null for a send's own event,
  // and for events queued before these columns existed): what keeps a recipient's events in order.
  const columns = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('queue')")
      .toArray()
      .map((c) => c.name),
  );
  if (!columns.has("delivery_id")) sql.exec("ALTER TABLE queue ADD COLUMN delivery_id INTEGER");
  if (!columns.has("sequence")) sql.exec("ALTER TABLE queue ADD COLUMN sequence INTEGER");
  // Every look-up by due time goes through `queue_lease_due` (waiting events have no lease), so an
  // index on the due time alone would only be one more B-tree to write for every event added,
  // freed to fall due, rescheduled or removed; queues made before this knew one.
  sql.exec("DROP INDEX IF EXISTS queue_due");
  // Waiting events (no lease) in due order, and leases by their end: what the next start and the
  // next wake-up look for, found without walking the attempts in flight or the whole queue.
  sql.exec("CREATE INDEX IF NOT EXISTS queue_lease_due ON queue (lease_until, next_attempt_at)");
  sql.exec(
    "CREATE INDEX IF NOT EXISTS queue_delivery ON queue (delivery_id, sequence) WHERE delivery_id IS NOT NULL",
  );
}

/**
 * Adds events due at `nowMs`. An event already queued keeps its place, attempt count and lease:
 * handing an event twice never makes two deliveries run side by side. A recipient's events go out in
 * their `sequence` order: an event whose delivery has an earlier event in the queue (handed over
 * before, or in the same hand-over) waits until that one has left (`WAITING_FOR_EARLIER`). Returns
 * the ids it added, and those of them that wait.
 *
 * @example addToQueue(sql, [{ id: eventId, attempts: 0 }], Date.now()) // { added: [eventId], waiting: [] }
 */
export function addToQueue(
  sql: SqlStorage,
  events: readonly HandedEvent[],
  nowMs: number,
): { added: string[]; waiting: string[] } {
  if (events.length === 0) return { added: [], waiting: [] };
  // One statement for the whole hand-over; RETURNING lists only the rows actually inserted. (`WHERE
  // true` lets SQLite parse ON CONFLICT after a SELECT.)
  const added = sql
    .exec<{ event_id: string }>(
      `INSERT INTO queue (event_id, attempts, next_attempt_at, delivery_id, sequence)
       SELECT value ->> '$.id', value ->> '$.attempts', ?2, value ->> '$.delivery', value ->> '$.sequence'
       FROM json_each(?1) WHERE true
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      JSON.stringify(
        events.map((e) => ({
          id: e.id,
          attempts: e.attempts,
          delivery: e.event?.deliveryId ?? null,
          sequence: e.event?.deliveryId == null ? null : e.event.sequence,
        })),
      ),
      nowMs,
    )
    .toArray()
    .map((row) => row.event_id);
  if (added.length === 0) return { added, waiting: [] };
  const waiting = sql
    .exec<{ event_id: string }>(
      `UPDATE queue SET next_attempt_at = ?2
       WHERE event_id IN (SELECT value FROM json_each(?1)) AND delivery_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM queue earlier
                     WHERE earlier.delivery_id = queue.delivery_id AND earlier.sequence < queue.sequence)
       RETURNING event_id`,
      JSON.stringify(added),
      WAITING_FOR_EARLIER,
    )
    .toArray()
    .map((row) => row.event_id);
  return { added, waiting };
}

/**
 * Takes up to `limit` due attempts, most overdue first, and leases them until `leaseUntil`; each
 * attempt counts from here, so an attempt cut short by a restart still uses up its place in the
 * schedule. One statement, however many are taken.
 *
 * @example const batch = leaseDue(sql, now, now + 30_000, 32) // [{ eventId, attempt: 1 }, …]
 */
export function leaseDue(sql: SqlStorage, nowMs: number, leaseUntil: number, limit: number): LeasedAttempt[] {
  if (limit <= 0) return [];
  // The waiting ones straight from `queue_lease_due` in due order, and leases that ran out (an
  // attempt cut short by a restart), each capped at `limit` before the two are merged.
  return sql
    .exec<{ event_id: string; attempts: number }>(
      `UPDATE queue SET attempts = attempts + 1, lease_until = ?2
       WHERE event_id IN (
         SELECT event_id FROM (
           SELECT event_id, next_attempt_at FROM (
             SELECT event_id, next_attempt_at FROM queue
             WHERE lease_until IS NULL AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?3)
           UNION ALL
           SELECT event_id, next_attempt_at FROM (
             SELECT event_id, next_attempt_at FROM queue
             WHERE lease_until <= ?1 AND next_attempt_at <= ?1 ORDER BY lease_until LIMIT ?3))
         ORDER BY next_attempt_at LIMIT ?3)
       RETURNING event_id, attempts`,
      nowMs,
      leaseUntil,
      limit,
    )
    .toArray()
    .map((row) => ({ eventId: row.event_id, attempt: row.attempts }));
}

/**
 * Whether the queue holds more than `count` events, whatever their state: reads at most `count + 1`
 * index entries, however long the queue.
 *
 * @example holdsMoreThan(sql, 64) // true when the dispatcher has a backlog
 */
export function holdsMoreThan(sql: SqlStorage, count: number): boolean {
  const row = sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM queue LIMIT ?1)", count + 1)
    .toArray()[0];
  return (row?.n ?? 0) > count;
}

/** @example reschedule(sql, eventId, now + 30_000) */
export function reschedule(sql: SqlStorage, eventId: string, at: number): void {
  sql.exec("UPDATE queue SET next_attempt_at = ?, lease_until = NULL WHERE event_id = ?", at, eventId);
}

/**
 * Forgets events (delivered or dead: nothing more is owed), and lets the next event of each of their
 * deliveries fall due at `nowMs` if it was waiting for them.
 *
 * @example removeFromQueue(sql, [eventId], Date.now())
 */
export function removeFromQueue(sql: SqlStorage, eventIds: readonly string[], nowMs: number): void {
  if (eventIds.length === 0) return;
  const deliveries = sql
    .exec<{ delivery_id: number | null }>(
      "DELETE FROM queue WHERE event_id IN (SELECT value FROM json_each(?)) RETURNING delivery_id",
      JSON.stringify(eventIds),
    )
    .toArray()
    .flatMap((r) => (r.delivery_id === null ? [] : [r.delivery_id]));
  if (deliveries.length === 0) return;
  // `+next_attempt_at`: no index on the due time may drive this (SQLite keeps no statistics in this
  // storage, and by due time it would walk every waiting event, thousands during a burst, for each
  // batch of outcomes); the primary key finds the few next events directly.
  sql.exec(
    `UPDATE queue SET next_attempt_at = ?2
     WHERE +next_attempt_at = ?3 AND event_id IN (
       SELECT (SELECT q.event_id FROM queue q WHERE q.delivery_id = d.value ORDER BY q.sequence LIMIT 1)
       FROM (SELECT DISTINCT value FROM json_each(?1)) d)`,
    JSON.stringify(deliveries),
    nowMs,
    WAITING_FOR_EARLIER,
  );
}

/**
 * When the alarm must next fire: the earliest due attempt, or the end of a lease left behind by a
 * restart mid-attempt. Null when the queue is empty.
 *
 * @example const at = nextWakeAt(sql); at === null ? deleteAlarm() : setAlarm(at)
 */
export function nextWakeAt(sql: SqlStorage): number | null {
  // The earliest waiting event is the first entry of its index; a leased one wakes the queue at the
  // later of its due time and its lease's end, and only the leased ones are looked at for that.
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MIN(at) AS at FROM (
         SELECT next_attempt_at AS at FROM (
           SELECT next_attempt_at FROM queue WHERE lease_until IS NULL AND next_attempt_at < ?1
           ORDER BY next_attempt_at LIMIT 1)
         UNION ALL
         SELECT MIN(MAX(next_attempt_at, lease_until)) FROM queue WHERE lease_until IS NOT NULL)`,
      WAITING_FOR_EARLIER,
    )
    .toArray()[0];
  return row?.at ?? null;
}

/** One queued event as the dispatcher sees it (tests and operators read this). */
export type QueueEntry = {
  eventId: string;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
};

/** @example listQueue(sql) // [{ eventId, attempts: 1, nextAttemptAt: 1_780_000_030_000, leaseUntil: null }] */
export function listQueue(sql: SqlStorage): QueueEntry[] {
  return sql
    .exec<{ event_id: string; attempts: number; next_attempt_at: number; lease_until: number | null }>(
      "SELECT event_id, attempts, next_attempt_at, lease_until FROM queue ORDER BY next_attempt_at",
    )
    .toArray()
    .map((r) => ({
      eventId: r.event_id,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      leaseUntil: r.lease_until,
    }));
}

/** A dispatcher's queue in three numbers, for the operator health view. */
export type QueueStats = {
  /** Events it still owes its destination. */
  queued: number;
  /** Attempts under way (leased, the lease still running). */
  inFlight: number;
  /** Attempts due now and not yet started. */
  due: number;
  /** The earliest next attempt of an event not in flight; null when there is none. */
  nextAttemptAt: number | null;
};

/** @example queueStats(sql, Date.now()) // { queued: 3, inFlight: 1, due: 0, nextAttemptAt: 1_780_000_030_000 } */
export function queueStats(sql: SqlStorage, nowMs: number): QueueStats {
  const row = sql
    .exec<{ queued: number; in_flight: number; due: number; next_at: number | null }>(
      `SELECT COUNT(*) AS queued,
              COUNT(CASE WHEN lease_until > ?1 THEN 1 END) AS in_flight,
              COUNT(CASE WHEN next_attempt_at <= ?1 AND (lease_until IS NULL OR lease_until <= ?1) THEN 1 END) AS due,
              MIN(CASE WHEN (lease_until IS NULL OR lease_until <= ?1) AND next_attempt_at < ?2
                       THEN next_attempt_at END) AS next_at
       FROM queue`,
      nowMs,
      WAITING_FOR_EARLIER,
    )
    .one();
  return { queued: row.queued, inFlight: row.in_flight, due: row.due, nextAttemptAt: row.next_at };
}

/**
 * A destination's lanes' stats as one: counts added, the earliest next attempt.
 *
 * @example sumQueueStats([{ queued: 2, inFlight: 1, due: 0, nextAttemptAt: 9 }, { queued: 1, inFlight: 0, due: 1, nextAttemptAt: null }])
 * // { queued: 3, inFlight: 1, due: 1, nextAttemptAt: 9 }
 */
export function sumQueueStats(lanes: readonly QueueStats[]): QueueStats {
  const next = lanes.flatMap((s) => (s.nextAttemptAt === null ? [] : [s.nextAttemptAt]));
  return {
    queued: lanes.reduce((n, s) => n + s.queued, 0),
    inFlight: lanes.reduce((n, s) => n + s.inFlight, 0),
    due: lanes.reduce((n, s) => n + s.due, 0),
    nextAttemptAt: next.length === 0 ? null : Math.min(...next),
  };
}
