import { terminalDeliveryStatuses } from "@lisoloo/protocol";
import { configOf } from "../config/config";
import { ARCHIVABLE_MAX_DELIVERIES } from "../db/schema";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { ARCHIVE_FORMAT_VERSION, type ArchivedRow, type ArchiveSection, archiveKey } from "./format";
import { GzipJson } from "./gzip-json";

const DAY_MS = 86_400_000;

/** Sends archived per run at most: about 36,000 a day at one run a minute. */
export const ARCHIVE_BATCH = 25;

/**
 * The oldest candidates looked at per run. The few that cannot go yet (a delivery some fault left
 * open, a webhook still being delivered) are looked at again every run, but never more than this.
 */
const CANDIDATE_WINDOW = 200;

/** Deliveries (recipients × dispatches) archived per run, past the first send: a run's rows stay bounded. */
const RUN_DELIVERY_BUDGET = 10_000;

/**
 * How long a run holds a send it is archiving (`sends.archive_lease_until`): longer than a cron
 * invocation can live, so a run that overlaps a slow one never writes the same send's object.
 */
const ARCHIVE_LEASE_MS = 20 * 60_000;

/** A run starts no new send after this long; the next minute's run goes on. */
const RUN_TIME_BUDGET_MS = 30_000;

/** Rows per read statement. */
const READ_PAGE = 500;

/** Keys per delete statement (bound as one JSON array: D1 allows 100 parameters, not 250). */
const DELETE_CHUNK = 250;

/** Delivery or event ids per read of the rows hanging off them (a few each). */
const CHILD_CHUNK = 100;
const CHILD_STATEMENTS_PER_BATCH = 10;

const FINAL_STATUSES = terminalDeliveryStatuses.map((s) => `'${s}'`).join(", ");

/**
 * The sends that may leave D1 (`?1` = the cutoff, `?2` = how many, `?3` = the time now): every
 * delivery final, no dispatch still to come, not paused, no webhook event still being delivered, the
 * Idempotency-Key window over, no other run archiving it, and no change since the cutoff — the latest
 * of acceptance, the merchant's pause/resume/cancel, a dispatch release and a delivery's change, what
 * `GET /status` reports as `updated_at`.
 *
 * Candidates come from `sends_archive_idx` (oldest last dispatch first; its condition is repeated
 * word for word, which SQLite needs to use a partial index, and INDEXED BY fails loudly rather than
 * scan if it ever goes). Each is then checked through its own rows by the per-send indexes; `+status`
 * keeps the planner off the status indexes, which would walk every open delivery or scheduled
 * dispatch of every merchant.
 */
export const ARCHIVE_CANDIDATES_SQL = `
SELECT s.id, s.merchant_id, s.total_recipients * s.dispatch_count AS deliveries
FROM (SELECT id, merchant_id, total_recipients, dispatch_count, state, state_changed_at, idempotency_key, created_at,
             archive_lease_until
      FROM sends INDEXED BY sends_archive_idx
      WHERE last_dispatch_at < ?1 AND total_recipients * dispatch_count <= ${ARCHIVABLE_MAX_DELIVERIES}
      ORDER BY last_dispatch_at LIMIT ${CANDIDATE_WINDOW}) s
WHERE s.state <> 'paused' AND s.idempotency_key IS NULL AND COALESCE(s.archive_lease_until, 0) <= ?3
  AND s.created_at < ?1 AND COALESCE(s.state_changed_at, 0) < ?1
  AND NOT EXISTS (SELECT 1 FROM dispatches WHERE send_id = s.id AND (+status = 'scheduled' OR released_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM deliveries WHERE send_id = s.id AND (+status NOT IN (${FINAL_STATUSES}) OR updated_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM webhook_events WHERE send_id = s.id AND +status = 'pending')
LIMIT ?2`;

/**
 * What any write to a send's rows changes (`?1` = the send): its own state, counts and high-water
 * marks of every table archived with it. Read before the rows are, and required unchanged by the
 * delete: a late receipt, a replayed webhook or anything else that touched the send meanwhile keeps
 * it in D1 (the next run archives it again, overwriting the object).
 */
const FINGERPRINT_SQL = `json_array(
  (SELECT json_array(state, state_changed_at, idempotency_key) FROM sends WHERE id = ?1),
  (SELECT json_array(count(*), total(status = 'scheduled'), max(released_at)) FROM dispatches WHERE send_id = ?1),
  (SELECT json_array(count(*), total(status IN (${FINAL_STATUSES})), max(updated_at), total(event_seq), total(refunded_micros))
     FROM deliveries WHERE send_id = ?1),
  (SELECT json_array(count(*), max(id)) FROM receipts
     WHERE delivery_id IN (SELECT id FROM deliveries WHERE send_id = ?1)),
  (SELECT json_array(count(*), max(created_at)) FROM carrier_message_parts
     WHERE delivery_id IN (SELECT id FROM deliveries WHERE send_id = ?1)),
  (SELECT json_array(count(*), total(attempts), total(status = 'pending'), max(delivered_at), max(taken_at), max(next_attempt_at))
     FROM webhook_events WHERE send_id = ?1),
  (SELECT json_array(count(*), max(id)) FROM webhook_attempts
     WHERE event_id IN (SELECT id FROM webhook_events WHERE send_id = ?1)))`;

type Candidate = { id: string; merchant_id: string; deliveries: number };

/** The keys of every row written to the object: exactly these are deleted, nothing else. */
type Written = {
  recipients: number[];
  dispatches: number[];
  deliveries: number[];
  receipts: number[];
  carrier_message_parts: [string, string][];
  webhook_events: string[];
  webhook_attempts: number[];
};

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every row of a keyset-paged read: `page(after)` returns up to READ_PAGE rows after the last one. */
async function* paged<T extends ArchivedRow>(page: (last: T | undefined) => Promise<T[]>) {
  let last: T | undefined;
  for (;;) {
    const rows = await page(last);
    if (rows.length > 0) yield rows;
    if (rows.length < READ_PAGE) return;
    last = rows[rows.length - 1];
  }
}

/**
 * The rows hanging off `keys` (receipts of deliveries, attempts of events), CHILD_CHUNK keys a
 * statement and a few statements a round trip.
 */
async function* childrenOf(db: D1Database, sql: string, keys: readonly (string | number)[]) {
  for (const group of chunks(chunks(keys, CHILD_CHUNK), CHILD_STATEMENTS_PER_BATCH)) {
    const results = await db.batch<ArchivedRow>(
      group.map((chunk) => db.prepare(sql).bind(JSON.stringify(chunk))),
    );
    for (const result of results) if (result.results.length > 0) yield result.results;
  }
}

/**
 * Writes one send's rows to its archive object, section by section, and returns the object's bytes,
 * the keys of what it holds and the fingerprint it was read under.
 */
async function writeObject(db: D1Database, candidate: Candidate, now: number) {
  const id = candidate.id;
  const [fingerprint, sendRow] = await db.batch<ArchivedRow>([
    db.prepare(`SELECT ${FINGERPRINT_SQL} AS fingerprint`).bind(id),
    db.prepare("SELECT * FROM sends WHERE id = ?1 AND merchant_id = ?2").bind(id, candidate.merchant_id),
  ]);
  const row = sendRow?.results[0];
  if (!row) return null;
  // The lease is this run's own bookkeeping, not part of the send.
  const { archive_lease_until: _lease, ...send } = row;
  const written: Written = {
    recipients: [],
    dispatches: [],
    deliveries: [],
    receipts: [],
    carrier_message_parts: [],
    webhook_events: [],
    webhook_attempts: [],
  };
  const out = new GzipJson();
  try {
    await out.write(
      `{"version":${ARCHIVE_FORMAT_VERSION},"archived_at":${JSON.stringify(isoSeconds(now))},"send":${JSON.stringify(send)}`,
    );
    const section = async (
      name: ArchiveSection,
      rows: AsyncIterable<ArchivedRow[]>,
      keep: (row: ArchivedRow) => void,
    ) => {
      await out.openSection(name);
      for await (const page of rows) {
        for (const row of page) keep(row);
        await out.rows(page);
      }
      await out.closeSection();
    };
    const all = async (statement: D1PreparedStatement) => (await statement.all<ArchivedRow>()).results;

    await section(
      "recipients",
      paged((last) =>
        all(
          db
            .prepare("SELECT * FROM recipients WHERE send_id = ?1 AND idx > ?2 ORDER BY idx LIMIT ?3")
            .bind(id, last?.idx ?? -1, READ_PAGE),
        ),
      ),
      (r) => written.recipients.push(r.idx as number),
    );
    await section(
      "dispatches",
      paged((last) =>
        all(
          db
            .prepare("SELECT * FROM dispatches WHERE send_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")
            .bind(id, last?.seq ?? -1, READ_PAGE),
        ),
      ),
      (r) => written.dispatches.push(r.seq as number),
    );
    await section(
      "deliveries",
      paged((last) =>
        all(
          db
            .prepare(
              `SELECT * FROM deliveries WHERE send_id = ?1 AND (dispatch_seq, recipient_idx) > (?2, ?3)
               ORDER BY dispatch_seq, recipient_idx LIMIT ?4`,
            )
            .bind(id, last?.dispatch_seq ?? -1, last?.recipient_idx ?? -1, READ_PAGE),
        ),
      ),
      (r) => written.deliveries.push(r.id as number),
    );
    await section(
      "receipts",
      childrenOf(
        db,
        "SELECT * FROM receipts WHERE delivery_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        written.deliveries,
      ),
      (r) => written.receipts.push(r.id as number),
    );
    await section(
      "carrier_message_parts",
      childrenOf(
        db,
        `SELECT * FROM carrier_message_parts WHERE delivery_id IN (SELECT value FROM json_each(?1))
         ORDER BY delivery_id, part_index`,
        written.deliveries,
      ),
      (r) => written.carrier_message_parts.push([r.carrier as string, r.carrier_message_id as string]),
    );
    // Events have a text key; their rowid (which the per-send index carries) pages them in order.
    let lastEvent = 0;
    await section(
      "webhook_events",
      paged(async () => {
        const rows = await all(
          db
            .prepare(
              "SELECT rowid AS _rowid, * FROM webhook_events WHERE send_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3",
            )
            .bind(id, lastEvent, READ_PAGE),
        );
        lastEvent = (rows[rows.length - 1]?._rowid as number | undefined) ?? lastEvent;
        return rows.map(({ _rowid, ...row }) => row);
      }),
      (r) => written.webhook_events.push(r.id as string),
    );
    await section(
      "webhook_attempts",
      childrenOf(
        db,
        "SELECT * FROM webhook_attempts WHERE event_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        written.webhook_events,
      ),
      (r) => written.webhook_attempts.push(r.id as number),
    );
    const bytes = await out.finish();
    return { bytes, written, fingerprint: fingerprint?.results[0]?.fingerprint as string };
  } catch (error) {
    out.abort(error);
    throw error;
  }
}

/**
 * Deletes what the object holds, in ONE batch. The send's own row goes first, and only while its
 * fingerprint is the one the object was read under; every other statement deletes only once that
 * row is gone. So either the whole send leaves D1, or (it changed meanwhile) nothing does. Each
 * statement deletes at most DELETE_CHUNK rows, named by key.
 */
function deleteStatements(
  db: D1Database,
  candidate: Candidate,
  lease: number,
  fingerprint: string,
  written: Written,
): D1PreparedStatement[] {
  const gone = "NOT EXISTS (SELECT 1 FROM sends WHERE id = ?1)";
  const each = (sql: string, keys: readonly unknown[]) =>
    chunks(keys, DELETE_CHUNK).map((chunk) => db.prepare(sql).bind(candidate.id, JSON.stringify(chunk)));
  const inChunk = "IN (SELECT value FROM json_each(?2))";
  // Rows go by primary key; `+send_id` only double-checks, it must not steer the planner to the
  // per-send index (which would walk every event or delivery of the send for each chunk).
  return [
    db
      .prepare(
        `DELETE FROM sends WHERE id = ?1 AND merchant_id = ?2 AND archive_lease_until = ?3 AND ${FINGERPRINT_SQL} = ?4`,
      )
      .bind(candidate.id, candidate.merchant_id, lease, fingerprint),
    ...each(`DELETE FROM webhook_attempts WHERE id ${inChunk} AND ${gone}`, written.webhook_attempts),
    ...each(
      `DELETE FROM webhook_events WHERE id ${inChunk} AND +send_id = ?1 AND ${gone}`,
      written.webhook_events,
    ),
    ...each(
      `DELETE FROM carrier_message_parts WHERE (carrier, carrier_message_id) IN
         (SELECT value ->> 0, value ->> 1 FROM json_each(?2)) AND ${gone}`,
      written.carrier_message_parts,
    ),
    ...each(`DELETE FROM receipts WHERE id ${inChunk} AND ${gone}`, written.receipts),
    ...each(`DELETE FROM deliveries WHERE id ${inChunk} AND +send_id = ?1 AND ${gone}`, written.deliveries),
    ...each(`DELETE FROM dispatches WHERE send_id = ?1 AND seq ${inChunk} AND ${gone}`, written.dispatches),
    ...each(`DELETE FROM recipients WHERE send_id = ?1 AND idx ${inChunk} AND ${gone}`, written.recipients),
  ];
}

/**
 * Archives one send: takes its lease, writes its object, then moves its rows out of D1 in one batch.
 * A crash in between leaves the send in D1 and an object the next run writes again: a duplicate,
 * never a loss. Returns whether the send left D1.
 */
async function archiveSend(env: ShardEnv, candidate: Candidate, now: number): Promise<boolean> {
  const db = env.DB;
  const lease = Date.now() + ARCHIVE_LEASE_MS;
  const claimed = await db
    .prepare(
      "UPDATE sends SET archive_lease_until = ?2 WHERE id = ?1 AND COALESCE(archive_lease_until, 0) <= ?3",
    )
    .bind(candidate.id, lease, Date.now())
    .run();
  if ((claimed.meta.changes ?? 0) === 0) return false;
  const release = () =>
    db
      .prepare("UPDATE sends SET archive_lease_until = NULL WHERE id = ?1 AND archive_lease_until = ?2")
      .bind(candidate.id, lease)
      .run();
  let archived = false;
  try {
    const object = await writeObject(db, candidate, now);
    if (!object) return false;
    const { bytes, written, fingerprint } = object;
    await env.ARCHIVE.put(archiveKey(candidate.merchant_id, candidate.id), bytes, {
      httpMetadata: { contentType: "application/gzip" },
      customMetadata: { format_version: String(ARCHIVE_FORMAT_VERSION), archived_at: isoSeconds(now) },
    });
    const [sendDeleted] = await db.batch(deleteStatements(db, candidate, lease, fingerprint, written));
    archived = (sendDeleted?.meta.changes ?? 0) === 1;
    const fields = { message_id: candidate.id, merchant_id: candidate.merchant_id };
    if (!archived) log.warn("archive.send_changed", fields);
    else {
      const rows = Object.values(written).reduce((sum, keys) => sum + keys.length, 1);
      log.info("archive.send", { ...fields, rows, bytes: bytes.byteLength });
    }
    return archived;
  } finally {
    // A send that stays (it changed, or something failed) is free for the next run at once.
    if (!archived) await release().catch(() => {});
  }
}

/**
 * The cron's archive job: moves up to ARCHIVE_BATCH finished sends whose last change is older than
 * `ARCHIVE_AFTER_DAYS` from D1 to R2, oldest first, one object each. The wallet ledger is never
 * touched: its rows keep the send's id and still add up to the balance. Returns how many left D1.
 */
export async function archiveSends(env: ShardEnv, now: number): Promise<number> {
  const cutoff = now - configOf(env).archiveAfterDays * DAY_MS;
  const started = Date.now();
  const { results } = await env.DB.prepare(ARCHIVE_CANDIDATES_SQL)
    .bind(cutoff, ARCHIVE_BATCH, started)
    .all<Candidate>();
  let budget = RUN_DELIVERY_BUDGET;
  let archived = 0;
  let failed = 0;
  let firstError: unknown;
  for (const [i, candidate] of results.entries()) {
    if (i > 0 && (candidate.deliveries > budget || Date.now() - started > RUN_TIME_BUDGET_MS)) break;
    budget -= candidate.deliveries;
    try {
      if (await archiveSend(env, candidate, now)) archived++;
    } catch (error) {
      // One send that cannot be archived (an R2 outage, a D1 error) does not hold the others back.
      log.error("archive.send_failed", {
        message_id: candidate.id,
        merchant_id: candidate.merchant_id,
        error,
      });
      failed++;
      firstError ??= error;
    }
  }
  if (failed > 0)
    throw new Error(`${failed} send(s) could not be archived, ${archived} were`, { cause: firstError });
  return archived;
}
