import { terminalDeliveryStatuses } from "@lisoloo/protocol";
import { isoSeconds } from "../iso-seconds";
import { ARCHIVE_FORMAT_VERSION, ARCHIVE_SECTIONS, type ArchivedRow, type ArchiveSection } from "./format";
import { type ArchiveObjectWriter, BufferedJson, GzipJson } from "./gzip-json";

/** The delivery statuses nothing moves on from, as SQL. */
export const FINAL_STATUSES = terminalDeliveryStatuses.map((s) => `'${s}'`).join(", ");

/** Rows per read statement. */
export const READ_PAGE = 1000;

/**
 * What any write to a send's rows changes (`send` = the SQL naming the send's id): its own state,
 * counts and high-water marks of every table archived with it. Read in the same transaction as the
 * rows' first pages and required unchanged by the delete: a late receipt, a replayed webhook or
 * anything else that touched the send meanwhile keeps it in D1 (the next run archives it again,
 * overwriting the object).
 */
export function fingerprintOf(send: string): string {
  return `json_array(
  (SELECT json_array(state, state_changed_at, idempotency_key) FROM sends WHERE id = ${send}),
  (SELECT json_array(count(*), total(status = 'scheduled'), max(released_at)) FROM dispatches WHERE send_id = ${send}),
  (SELECT json_array(count(*), total(status IN (${FINAL_STATUSES})), max(updated_at), total(event_seq), total(refunded_micros))
     FROM deliveries WHERE send_id = ${send}),
  (SELECT json_array(count(*), max(id)) FROM receipts
     WHERE delivery_id IN (SELECT id FROM deliveries WHERE send_id = ${send})),
  (SELECT json_array(count(*), max(created_at)) FROM carrier_message_parts
     WHERE delivery_id IN (SELECT id FROM deliveries WHERE send_id = ${send})),
  (SELECT json_array(count(*), total(attempts), total(status = 'pending'), max(delivered_at), max(taken_at), max(next_attempt_at))
     FROM webhook_events WHERE send_id = ${send}),
  (SELECT json_array(count(*), max(id)) FROM webhook_attempts
     WHERE event_id IN (SELECT id FROM webhook_events WHERE send_id = ${send})))`;
}

/** `?1` = the group's send ids (JSON), `?2` = this run's lease, `?3` = the time now. */
const CLAIM_SQL = `UPDATE sends SET archive_lease_until = ?2
  WHERE id IN (SELECT value FROM json_each(?1)) AND COALESCE(archive_lease_until, 0) <= ?3`;

/** The sends this run holds (`?2` = its lease), each with its fingerprint. */
const SENDS_SQL = `SELECT s.*, ${fingerprintOf("s.id")} AS _fingerprint
  FROM sends s WHERE s.id IN (SELECT value FROM json_each(?1)) AND s.archive_lease_until = ?2`;

/**
 * How one section's rows are read for a group of sends. `from` selects the rows of the sends listed
 * in `?1` (a JSON array), `LIMIT ?2`; rows come send by send (ascending id) and, within a send, in
 * the order of an index, so a page is never sorted after its read. `after` continues one send past a
 * cursor (`?3`, …) through the same index. Columns starting with `_` only steer the reading: they
 * are left out of the object.
 */
type SectionQuery = {
  from: string;
  sendColumn: string;
  order: string;
  after: string;
  cursor: (row: ArchivedRow) => unknown[];
  send: (row: ArchivedRow) => string;
  /** The row's key in its table: exactly the rows of these keys are deleted. */
  key: (row: ArchivedRow) => unknown;
};

const inGroup = (column: string) => `${column} IN (SELECT value FROM json_each(?1))`;
const ownSend = (row: ArchivedRow) => row.send_id as string;
const joinedSend = (row: ArchivedRow) => row._send as string;

const SECTION_QUERIES: Record<ArchiveSection, SectionQuery> = {
  recipients: {
    from: `SELECT * FROM recipients WHERE ${inGroup("send_id")}`,
    sendColumn: "send_id",
    order: "idx",
    after: "idx > ?3",
    cursor: (r) => [r.idx],
    send: ownSend,
    key: (r) => r.idx,
  },
  dispatches: {
    from: `SELECT * FROM dispatches WHERE ${inGroup("send_id")}`,
    sendColumn: "send_id",
    order: "seq",
    after: "seq > ?3",
    cursor: (r) => [r.seq],
    send: ownSend,
    key: (r) => r.seq,
  },
  deliveries: {
    from: `SELECT * FROM deliveries WHERE ${inGroup("send_id")}`,
    sendColumn: "send_id",
    order: "dispatch_seq, recipient_idx",
    after: "(dispatch_seq, recipient_idx) > (?3, ?4)",
    cursor: (r) => [r.dispatch_seq, r.recipient_idx],
    send: ownSend,
    key: (r) => r.id,
  },
  // Rows hanging off a delivery or an event come in their parent's order, then their own index's.
  receipts: {
    from: `SELECT d.send_id AS _send, d.dispatch_seq AS _seq, d.recipient_idx AS _idx, r.*
      FROM deliveries d JOIN receipts r ON r.delivery_id = d.id WHERE ${inGroup("d.send_id")}`,
    sendColumn: "d.send_id",
    order: "d.dispatch_seq, d.recipient_idx, r.id",
    after:
      "(d.dispatch_seq, d.recipient_idx) >= (?3, ?4) AND (d.dispatch_seq, d.recipient_idx, r.id) > (?3, ?4, ?5)",
    cursor: (r) => [r._seq, r._idx, r.id],
    send: joinedSend,
    key: (r) => r.id,
  },
  carrier_message_parts: {
    from: `SELECT d.send_id AS _send, d.dispatch_seq AS _seq, d.recipient_idx AS _idx, p.rowid AS _rowid, p.*
      FROM deliveries d JOIN carrier_message_parts p ON p.delivery_id = d.id WHERE ${inGroup("d.send_id")}`,
    sendColumn: "d.send_id",
    order: "d.dispatch_seq, d.recipient_idx, p.part_index, p.rowid",
    after:
      "(d.dispatch_seq, d.recipient_idx) >= (?3, ?4) AND (d.dispatch_seq, d.recipient_idx, p.part_index, p.rowid) > (?3, ?4, ?5, ?6)",
    cursor: (r) => [r._seq, r._idx, r.part_index, r._rowid],
    send: joinedSend,
    key: (r) => [r.carrier, r.carrier_message_id],
  },
  // Events have a text key; their rowid (which the per-send index carries) orders them.
  webhook_events: {
    from: `SELECT rowid AS _rowid, * FROM webhook_events WHERE ${inGroup("send_id")}`,
    sendColumn: "send_id",
    order: "rowid",
    after: "rowid > ?3",
    cursor: (r) => [r._rowid],
    send: ownSend,
    key: (r) => r.id,
  },
  webhook_attempts: {
    from: `SELECT e.send_id AS _send, e.rowid AS _event, a.*
      FROM webhook_events e JOIN webhook_attempts a ON a.event_id = e.id WHERE ${inGroup("e.send_id")}`,
    sendColumn: "e.send_id",
    order: "e.rowid, a.started_at, a.id",
    after: "e.rowid >= ?3 AND (e.rowid, a.started_at, a.id) > (?3, ?4, ?5)",
    cursor: (r) => [r._event, r.started_at, r.id],
    send: joinedSend,
    key: (r) => r.id,
  },
};

function pageOf(db: D1Database, query: SectionQuery, ids: readonly string[], cursor?: unknown[]) {
  const sql = `${query.from}${cursor ? ` AND ${query.after}` : ""}
    ORDER BY ${query.sendColumn}, ${query.order} LIMIT ?2`;
  return db.prepare(sql).bind(JSON.stringify(ids), READ_PAGE, ...(cursor ?? []));
}

/** A row as its table holds it: the reading's own columns left out, the others in their order. */
function tableRow(row: ArchivedRow): ArchivedRow {
  const out: ArchivedRow = {};
  for (const [column, value] of Object.entries(row)) if (!column.startsWith("_")) out[column] = value;
  return out;
}

/** A send of the group this run holds: its object being written, and the key of every row in it. */
export type HeldSend = {
  id: string;
  merchantId: string;
  fingerprint: string;
  out: ArchiveObjectWriter;
  keys: Record<ArchiveSection, unknown[]>;
};

/** Writes one page's rows to their sends' objects (the page comes send by send). */
async function deliver(
  query: SectionQuery,
  name: ArchiveSection,
  page: ArchivedRow[],
  held: Map<string, HeldSend>,
) {
  for (let i = 0; i < page.length; ) {
    const id = query.send(page[i] as ArchivedRow);
    let end = i;
    while (end < page.length && query.send(page[end] as ArchivedRow) === id) end++;
    const send = held.get(id);
    if (send) {
      const rows = page.slice(i, end);
      for (const row of rows) send.keys[name].push(query.key(row));
      await send.out.rows(rows.map(tableRow));
    }
    i = end;
  }
}

/**
 * Every row of one section for the sends held, from the first page (read with the others) on: a
 * full page goes on with the rest of its last send, through the index, then with the sends after it.
 */
async function readSection(
  db: D1Database,
  name: ArchiveSection,
  first: ArchivedRow[],
  held: Map<string, HeldSend>,
) {
  const query = SECTION_QUERIES[name];
  const ids = [...held.keys()].sort();
  let page = first;
  let within: string | null = null;
  for (;;) {
    await deliver(query, name, page, held);
    const last = page[page.length - 1];
    let past: string | null = within;
    if (last && page.length >= READ_PAGE) {
      const id = query.send(last);
      if (held.has(id)) {
        within = id;
        page = (await pageOf(db, query, [id], query.cursor(last)).all<ArchivedRow>()).results;
        continue;
      }
      past = id;
    }
    if (past === null) return;
    const after = past;
    const rest = ids.filter((id) => id > after);
    if (rest.length === 0) return;
    within = null;
    page = (await pageOf(db, query, rest).all<ArchivedRow>()).results;
  }
}

/**
 * Takes this run's lease on the sends of `group` that no other run holds and reads them, all in ONE
 * batch (one transaction): the claim, each send's row and fingerprint, and the first page of every
 * section for the whole group. Pages past the first follow section by section. Returns the sends
 * held, each with its object written but for its end; the others are left alone.
 *
 * A group of one send is compressed as it is read (it may be a large one); a group of several is
 * held as text, each object compressed on `finish`.
 */
export async function claimAndRead(
  db: D1Database,
  group: readonly { id: string; merchant_id: string }[],
  lease: number,
  now: number,
): Promise<HeldSend[]> {
  const ids = group.map((c) => c.id).sort();
  const [, sendRows, ...firstPages] = await db.batch<ArchivedRow>([
    db.prepare(CLAIM_SQL).bind(JSON.stringify(ids), lease, Date.now()),
    db.prepare(SENDS_SQL).bind(JSON.stringify(ids), lease),
    ...ARCHIVE_SECTIONS.map((name) => pageOf(db, SECTION_QUERIES[name], ids)),
  ]);
  const merchantOf = new Map(group.map((c) => [c.id, c.merchant_id]));
  const held = new Map<string, HeldSend>();
  const header = `{"version":${ARCHIVE_FORMAT_VERSION},"archived_at":${JSON.stringify(isoSeconds(now))},"send":`;
  try {
    for (const row of sendRows?.results ?? []) {
      // The lease is this run's own bookkeeping, not part of the send.
      const { archive_lease_until: _lease, _fingerprint, ...send } = row;
      const id = send.id as string;
      if (merchantOf.get(id) !== send.merchant_id) continue;
      const out = group.length === 1 ? new GzipJson() : new BufferedJson();
      const keys = Object.fromEntries(
        ARCHIVE_SECTIONS.map((name) => [name, []]),
      ) as unknown as HeldSend["keys"];
      held.set(id, {
        id,
        merchantId: send.merchant_id as string,
        fingerprint: _fingerprint as string,
        out,
        keys,
      });
      await out.write(header + JSON.stringify(send));
    }
    for (const [i, name] of ARCHIVE_SECTIONS.entries()) {
      for (const send of held.values()) await send.out.openSection(name);
      await readSection(db, name, firstPages[i]?.results ?? [], held);
      for (const send of held.values()) await send.out.closeSection();
    }
  } catch (error) {
    for (const send of held.values()) send.out.abort(error);
    throw error;
  }
  return [...held.values()];
}
