import { type ArchivedSend, readArchivedSend } from "../archive/read-archive";
import {
  foldProgress,
  type Position,
  type ProgressGroup,
  progressStatements,
  type RecipientRow,
  recipientRowsStatement,
  type SendProgress,
  type SendRow,
} from "../db/queries/sends";
import type { ShardEnv } from "../env";
import { ApiError } from "../errors/api-error";

/**
 * A send of the caller's and the rows its views are rendered from: read from D1 while it lives
 * there, from its archive object once archived. Both give the same shapes, and the views are pure
 * functions of them (`statusView`, `recipientsPageView`), so a send answers the same either way.
 */
export type SendRows = {
  send: SendRow;
  /** The send was read from the archive: nothing of it can change any more. */
  archived: boolean;
  progress(): Promise<SendProgress>;
  /** Up to `count` rows after `after`, ordered by dispatch then recipient. */
  recipientRows(after: Position, count: number): Promise<RecipientRow[]>;
};

/** `GROUP BY status` over rows, as SQLite groups them (ordered by status). */
function groupByStatus<T extends { status: string }>(
  rows: readonly T[],
  next: (row: T) => number | null,
  last: (row: T) => number | null,
): ProgressGroup[] {
  const groups = new Map<string, ProgressGroup>();
  // MIN and MAX skip nulls, as in SQL.
  const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const row of rows) {
    const group = groups.get(row.status) ?? { status: row.status, n: 0, next: null, last: null };
    group.n += 1;
    group.next = min(group.next, next(row));
    group.last = max(group.last, last(row));
    groups.set(row.status, group);
  }
  return [...groups.values()].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
}

/** The archive's counterpart of `progressStatements`: the same groups, from the archived rows. */
function archivedProgress(archived: ArchivedSend): SendProgress {
  return foldProgress(
    groupByStatus(
      archived.deliveries,
      () => null,
      (d) => d.updated_at,
    ),
    groupByStatus(
      archived.dispatches,
      (d) => (d.status === "scheduled" ? d.due_at : null),
      (d) => d.released_at,
    ),
  );
}

/** The archive's counterpart of `recipientRowsStatement`: dispatches × recipients, with their deliveries. */
function archivedRecipientRows(archived: ArchivedSend, after: Position, count: number): RecipientRow[] {
  const deliveries = new Map(archived.deliveries.map((d) => [`${d.dispatch_seq}.${d.recipient_idx}`, d]));
  const dispatches = [...archived.dispatches].sort((a, b) => a.seq - b.seq);
  const recipients = [...archived.recipients].sort((a, b) => a.idx - b.idx);
  const [afterSeq, afterIdx] = after;
  const rows: RecipientRow[] = [];
  for (const d of dispatches) {
    if (d.seq < afterSeq) continue;
    for (const r of recipients) {
      if (d.seq === afterSeq && r.idx <= afterIdx) continue;
      if (rows.length === count) return rows;
      const x = deliveries.get(`${d.seq}.${r.idx}`);
      rows.push({
        seq: d.seq,
        due_at: d.due_at,
        dispatch_status: d.status,
        idx: r.idx,
        phone: r.phone,
        status: x?.status ?? null,
        error_code: x?.error_code ?? null,
        error_message: x?.error_message ?? null,
        carrier: x?.carrier ?? null,
        sent_at: x?.sent_at ?? null,
        delivered_at: x?.delivered_at ?? null,
        failed_at: x?.failed_at ?? null,
        updated_at: x?.updated_at ?? null,
      });
    }
  }
  return rows;
}

/** The rows of an archived send. */
export function archivedSendRows(archived: ArchivedSend): SendRows {
  return {
    send: archived.send,
    archived: true,
    progress: async () => archivedProgress(archived),
    recipientRows: async (after, count) => archivedRecipientRows(archived, after, count),
  };
}

/**
 * The rows of a send found in D1. Each read is batched with a look at the send's own row: when the
 * archive took the send between the lookup and the read (its rows are gone), the read is answered
 * from the archive object, which was written before anything was deleted.
 */
export function liveSendRows(env: ShardEnv, send: SendRow): SendRows {
  const db = env.DB;
  const present = () => db.prepare("SELECT 1 AS present FROM sends WHERE id = ?").bind(send.id);
  const fromArchive = async () => {
    const archived = await readArchivedSend(env.ARCHIVE, send.merchantId, send.id);
    if (!archived) throw new ApiError("1201");
    return archivedSendRows(archived);
  };
  return {
    send,
    archived: false,
    async progress() {
      const [here, deliveries, dispatches] = await db.batch<ProgressGroup>([
        present(),
        ...progressStatements(db, send.id),
      ]);
      if ((here?.results.length ?? 0) === 0) return (await fromArchive()).progress();
      return foldProgress(deliveries?.results ?? [], dispatches?.results ?? []);
    },
    async recipientRows(after, count) {
      const [here, rows] = await db.batch<RecipientRow>([
        present(),
        recipientRowsStatement(db, send.id, after, count),
      ]);
      if ((here?.results.length ?? 0) === 0) return (await fromArchive()).recipientRows(after, count);
      return rows?.results ?? [];
    },
  };
}
