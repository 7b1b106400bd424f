import { configOf } from "../config/config";
import { ARCHIVABLE_MAX_DELIVERIES } from "../db/schema";
import type { ShardEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import { log } from "../observability/logger";
import { ARCHIVE_FORMAT_VERSION, type ArchiveSection, archiveKey } from "./format";
import { claimAndRead, FINAL_STATUSES, fingerprintOf, type HeldSend } from "./group-rows";
import { ARCHIVE_PER_INVOCATION, type ArchiveShare } from "./share";

const DAY_MS = 86_400_000;

/**
 * Sends read, written and deleted together: their rows come from a few statements per table for the
 * whole group (the send ids bound as one JSON array, never one parameter each: D1 allows 100), and
 * leave D1 in one batch. Groups stop at ARCHIVE_GROUP_SENDS sends or ARCHIVE_GROUP_DELIVERIES
 * deliveries, whichever comes first, which bounds the text a group holds before it is compressed
 * (a few MB) and the JSON arrays bound to a statement (tens of KB, D1 allows 2 MB). A send larger
 * than a group on its own is a group of one, compressed as it is read.
 *
 * What a run costs, with R2 puts at most its share's sends (archive/share.ts):
 * - D1: 1 statement for the candidates, then per group one batch of 9 to claim and read (the claim,
 *   the sends with their fingerprints, the first page of each of the 7 tables) and one batch of at
 *   most 9 to delete (the sends, each table that has rows, the release of the leases): 18. Past
 *   that, one statement per further READ_PAGE rows of a table (two where a page ends inside a send)
 *   and one per further DELETE_CHUNK keys.
 * - 1-recipient sends (about 12 rows each: the send, its recipient, dispatch and delivery, 2
 *   receipts, a carrier part, 4 webhook events, an attempt if any is left) fill a group by its 200
 *   sends with 800 events: no further page, no further chunk. So 200 sends cost 1 + 18 = 19
 *   statements and 200 puts, one shard's 400 cost 37 and 400 (test/archive.test.ts measures 300:
 *   37 statements, 300 puts).
 * - At most, a run with share (s sends, d deliveries) forms ⌈s ÷ 200⌉ + 2d ÷ 2,500 + 1 groups (a
 *   group closed for its deliveries and the next one hold more than 2,500 between them), and at about
 *   10 rows a delivery takes up to 2 × 10d ÷ 1,000 further pages and 10d ÷ 2,000 further chunks.
 *   A run moves at most one send past d, of at most ARCHIVABLE_MAX_DELIVERIES (5,000). With a share
 *   of (200, 5,000): 6 groups (108) + 100 + 25 + 1 = 234 statements; 468 for the invocation's two
 *   shards, however many there are.
 */
export const ARCHIVE_GROUP_SENDS = 200;
export const ARCHIVE_GROUP_DELIVERIES = 2_500;

/** R2 puts in flight at once per run (a Worker invocation opens at most 6 connections at a time). */
export const ARCHIVE_PUT_CONCURRENCY = 6;

/**
 * Candidates looked at per run past the share's sends. The few that cannot go yet (a delivery some
 * fault left open, a webhook still being delivered) are looked at again every run, but never more
 * than this many beyond what the run may take.
 */
const CANDIDATE_SLACK = 200;

/**
 * How long a run holds a send it is archiving (`sends.archive_lease_until`): longer than a cron
 * invocation can live, so a run that overlaps a slow one never writes the same send's object.
 */
const ARCHIVE_LEASE_MS = 20 * 60_000;

/** A run starts no new group after this long; the next minute's run goes on. */
const RUN_TIME_BUDGET_MS = 30_000;

/** Keys per delete statement, over the group's sends. */
const DELETE_CHUNK = 2_000;

/**
 * The sends that may leave D1 (`?1` = the cutoff, `?2` = how many, `?3` = the time now, `?4` = how
 * many to look at): every delivery final, no dispatch still to come, not paused, no webhook event
 * still being delivered, the Idempotency-Key window over, no other run archiving it, and no change
 * since the cutoff — the latest of acceptance, the merchant's pause/resume/cancel, a dispatch release
 * and a delivery's change, what `GET /status` reports as `updated_at`.
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
      ORDER BY last_dispatch_at LIMIT ?4) s
WHERE s.state <> 'paused' AND s.idempotency_key IS NULL AND COALESCE(s.archive_lease_until, 0) <= ?3
  AND s.created_at < ?1 AND COALESCE(s.state_changed_at, 0) < ?1
  AND NOT EXISTS (SELECT 1 FROM dispatches WHERE send_id = s.id AND (+status = 'scheduled' OR released_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM deliveries WHERE send_id = s.id AND (+status NOT IN (${FINAL_STATUSES}) OR updated_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM webhook_events WHERE send_id = s.id AND +status = 'pending')
LIMIT ?2`;

type Candidate = { id: string; merchant_id: string; deliveries: number };

/**
 * The candidates a run takes, oldest first, in groups: up to the share's deliveries (the first send
 * always, so that a send larger than a share still goes), each group within ARCHIVE_GROUP_SENDS and
 * ARCHIVE_GROUP_DELIVERIES.
 */
export function groupsOf(candidates: readonly Candidate[], share: ArchiveShare): Candidate[][] {
  const groups: Candidate[][] = [];
  let group: Candidate[] = [];
  let inGroup = 0;
  let budget = share.deliveries;
  for (const [i, candidate] of candidates.slice(0, share.sends).entries()) {
    if (i > 0 && candidate.deliveries > budget) break;
    budget -= candidate.deliveries;
    if (
      group.length >= ARCHIVE_GROUP_SENDS ||
      (group.length > 0 && inGroup + candidate.deliveries > ARCHIVE_GROUP_DELIVERIES)
    ) {
      groups.push(group);
      group = [];
      inGroup = 0;
    }
    group.push(candidate);
    inGroup += candidate.deliveries;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** How each table's rows are named by the keys written to the objects (`g` a send, `k` one key). */
const KEY_MATCH: Record<ArchiveSection, string> = {
  recipients: "t.send_id = g.value ->> 0 AND t.idx = k.value",
  dispatches: "t.send_id = g.value ->> 0 AND t.seq = k.value",
  // `+send_id` only double-checks: it must not steer the planner to the per-send index.
  deliveries: "t.id = k.value AND +t.send_id = g.value ->> 0",
  receipts: "t.id = k.value",
  carrier_message_parts: "t.carrier = k.value ->> 0 AND t.carrier_message_id = k.value ->> 1",
  webhook_events: "t.id = k.value AND +t.send_id = g.value ->> 0",
  webhook_attempts: "t.id = k.value",
};

/** The order rows leave in: the send first, then what hangs off others before those. */
const DELETE_ORDER: ArchiveSection[] = [
  "webhook_attempts",
  "webhook_events",
  "carrier_message_parts",
  "receipts",
  "deliveries",
  "dispatches",
  "recipients",
];

/** `[[send id, [key, …]], …]` of every send's keys of `table`, DELETE_CHUNK keys a statement at most. */
function keyChunks(sends: readonly HeldSend[], table: ArchiveSection): [string, unknown[]][][] {
  const chunks: [string, unknown[]][][] = [];
  let chunk: [string, unknown[]][] = [];
  let size = 0;
  for (const send of sends) {
    const keys = send.keys[table];
    for (let i = 0; i < keys.length; ) {
      const take = Math.min(DELETE_CHUNK - size, keys.length - i);
      chunk.push([send.id, keys.slice(i, i + take)]);
      size += take;
      i += take;
      if (size === DELETE_CHUNK) {
        chunks.push(chunk);
        chunk = [];
        size = 0;
      }
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Deletes what the objects hold, for the whole group, in ONE batch. Each send's own row goes first,
 * and only while this run's lease and the fingerprint its object was read under are both still
 * there (`RETURNING` says which went); every other row goes only once its send's row is gone. So
 * for each send either all of it leaves D1, or (it changed meanwhile) none of it does. Every row is
 * named by its key: exactly the rows written to an object are deleted, nothing else. The batch ends
 * by freeing the sends still there (changed, or their object not written) for the next run.
 */
function deleteStatements(
  db: D1Database,
  written: readonly HeldSend[],
  groupIds: readonly string[],
  lease: number,
): D1PreparedStatement[] {
  const release = db
    .prepare(
      `UPDATE sends SET archive_lease_until = NULL
       WHERE id IN (SELECT value FROM json_each(?1)) AND archive_lease_until = ?2`,
    )
    .bind(JSON.stringify(groupIds), lease);
  if (written.length === 0) return [release];
  const sends = db
    .prepare(
      `DELETE FROM sends WHERE rowid IN (
         SELECT s.rowid FROM json_each(?1) g CROSS JOIN sends s
         WHERE s.id = g.value ->> 0 AND s.merchant_id = g.value ->> 1 AND s.archive_lease_until = ?2
           AND ${fingerprintOf("s.id")} = g.value ->> 2)
       RETURNING id`,
    )
    .bind(JSON.stringify(written.map((s) => [s.id, s.merchantId, s.fingerprint])), lease);
  // The join runs in the order written (CROSS JOIN): each key looks its row up by its own index.
  const rows = DELETE_ORDER.flatMap((table) =>
    keyChunks(written, table).map((chunk) =>
      db
        .prepare(
          `DELETE FROM ${table} WHERE rowid IN (
             SELECT t.rowid FROM json_each(?1) g CROSS JOIN json_each(g.value, '$[1]') k CROSS JOIN ${table} t
             WHERE ${KEY_MATCH[table]} AND NOT EXISTS (SELECT 1 FROM sends WHERE id = g.value ->> 0))`,
        )
        .bind(JSON.stringify(chunk)),
    ),
  );
  return [sends, ...rows, release];
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

type GroupOutcome = { archived: number; failed: number; error?: unknown };

/**
 * Archives one group: takes its lease and reads it, writes one object per send (the key and JSON a
 * send archived alone gets), then moves the rows of those written out of D1 in one batch. A crash
 * in between leaves the sends in D1 and objects the next run writes again: a duplicate, never a
 * loss.
 */
async function archiveGroup(env: ShardEnv, group: readonly Candidate[], now: number): Promise<GroupOutcome> {
  const db = env.DB;
  const lease = Date.now() + ARCHIVE_LEASE_MS;
  const ids = group.map((c) => c.id);
  const release = () => db.batch(deleteStatements(db, [], ids, lease)).catch(() => {});
  let held: HeldSend[];
  try {
    held = await claimAndRead(db, group, lease, now);
  } catch (error) {
    log.error("archive.group_failed", { shard: env.SHARD, sends: group.length, error });
    await release();
    return { archived: 0, failed: group.length, error };
  }
  const written: HeldSend[] = [];
  let bytes = 0;
  let failed = 0;
  let firstError: unknown;
  await eachBounded(held, ARCHIVE_PUT_CONCURRENCY, async (send) => {
    try {
      const object = await send.out.finish();
      await env.ARCHIVE.put(archiveKey(send.merchantId, send.id), object, {
        httpMetadata: { contentType: "application/gzip" },
        customMetadata: { format_version: String(ARCHIVE_FORMAT_VERSION), archived_at: isoSeconds(now) },
      });
      written.push(send);
      bytes += object.byteLength;
    } catch (error) {
      // One object that cannot be written (an R2 outage) does not hold the others back: its send stays.
      log.error("archive.send_failed", { message_id: send.id, merchant_id: send.merchantId, error });
      failed++;
      firstError ??= error;
    }
  });
  let gone: Set<string>;
  try {
    const [deleted] = await db.batch<{ id: string }>(deleteStatements(db, written, ids, lease));
    gone = new Set(written.length > 0 ? (deleted?.results ?? []).map((r) => r.id) : []);
  } catch (error) {
    // The objects stay in R2 and are written again by the run that archives their sends.
    log.error("archive.group_failed", { shard: env.SHARD, sends: group.length, error });
    await release();
    return { archived: 0, failed: failed + written.length, error };
  }
  for (const send of written)
    if (!gone.has(send.id))
      log.warn("archive.send_changed", { message_id: send.id, merchant_id: send.merchantId });
  const rows = written
    .filter((send) => gone.has(send.id))
    .reduce((sum, send) => sum + Object.values(send.keys).reduce((n, keys) => n + keys.length, 1), 0);
  log.info("archive.group", {
    shard: env.SHARD,
    sends: group.length,
    held: held.length,
    archived: gone.size,
    rows,
    bytes,
  });
  return { archived: gone.size, failed, error: firstError };
}

/**
 * The cron's archive job on one shard: moves finished sends whose last change is older than
 * `ARCHIVE_AFTER_DAYS` from D1 to R2, oldest first, one object each, up to `share` (the shard's part
 * of the invocation's budget, archive/share.ts). The wallet ledger is never touched: its rows keep
 * the send's id and still add up to the balance. Returns how many left D1.
 */
export async function archiveSends(
  env: ShardEnv,
  now: number,
  share: ArchiveShare = ARCHIVE_PER_INVOCATION,
): Promise<number> {
  if (share.sends <= 0) return 0;
  const cutoff = now - configOf(env).archiveAfterDays * DAY_MS;
  const started = Date.now();
  const { results } = await env.DB.prepare(ARCHIVE_CANDIDATES_SQL)
    .bind(cutoff, share.sends, started, share.sends + CANDIDATE_SLACK)
    .all<Candidate>();
  let archived = 0;
  let failed = 0;
  let firstError: unknown;
  for (const group of groupsOf(results, share)) {
    if (Date.now() - started > RUN_TIME_BUDGET_MS) break;
    const outcome = await archiveGroup(env, group, now);
    archived += outcome.archived;
    failed += outcome.failed;
    if (outcome.failed > 0) firstError ??= outcome.error;
  }
  if (failed > 0)
    throw new Error(`${failed} send(s) could not be archived, ${archived} were`, { cause: firstError });
  return archived;
}
