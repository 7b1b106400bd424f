import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { sends } from "../schema";

/** A send of this merchant, or null: another merchant's id is indistinguishable from a missing one. */
export function findSend(db: Db, merchantId: string, messageId: string) {
  return db
    .select()
    .from(sends)
    .where(and(eq(sends.id, messageId), eq(sends.merchantId, merchantId)))
    .get();
}

/** The send a key made under an Idempotency-Key, if any. */
export function findSendByIdempotencyKey(db: Db, keyId: string, idempotencyKey: string) {
  return db
    .select()
    .from(sends)
    .where(and(eq(sends.keyId, keyId), eq(sends.idempotencyKey, idempotencyKey)))
    .get();
}

export type SendRow = NonNullable<Awaited<ReturnType<typeof findSend>>>;

export type SendProgress = {
  /** Deliveries that exist (released dispatches), counted per status. */
  deliveries: Record<string, number>;
  /** Dispatches not yet released, and how many were cancelled or skipped before release. */
  dispatches: { scheduled: number; released: number; cancelled: number; skipped: number };
  nextDispatchAt: number | null;
  /** Latest change of a delivery or a dispatch release, or null when nothing has moved yet. */
  lastChangeAt: number | null;
};

/**
 * One group of a send's deliveries or dispatches by status, as `GET /status` reads them: how many,
 * the earliest due time of those still scheduled, and the latest change among them.
 */
export type ProgressGroup = { status: string; n: number; next: number | null; last: number | null };

/** The two grouped reads `GET /status` derives its answer from, for one D1 batch. */
export function progressStatements(
  d1: D1Database,
  sendId: string,
): [D1PreparedStatement, D1PreparedStatement] {
  return [
    d1
      .prepare(
        "SELECT status, count(*) AS n, NULL AS next, MAX(updated_at) AS last FROM deliveries WHERE send_id = ? GROUP BY status",
      )
      .bind(sendId),
    d1
      .prepare(
        "SELECT status, count(*) AS n, MIN(CASE WHEN status = 'scheduled' THEN due_at END) AS next, MAX(released_at) AS last FROM dispatches WHERE send_id = ? GROUP BY status",
      )
      .bind(sendId),
  ];
}

/** A send's progress from its grouped deliveries and dispatches, wherever they were read from. */
export function foldProgress(
  deliveryGroups: readonly ProgressGroup[],
  dispatchGroups: readonly ProgressGroup[],
): SendProgress {
  const deliveries: Record<string, number> = {};
  let lastChangeAt: number | null = null;
  const seen = (at: number | null) => {
    if (at !== null && (lastChangeAt === null || at > lastChangeAt)) lastChangeAt = at;
  };
  for (const r of deliveryGroups) {
    deliveries[r.status] = r.n;
    seen(r.last);
  }
  const dispatches = { scheduled: 0, released: 0, cancelled: 0, skipped: 0 };
  let nextDispatchAt: number | null = null;
  for (const r of dispatchGroups) {
    if (r.status in dispatches) dispatches[r.status as keyof typeof dispatches] = r.n;
    if (r.next !== null) nextDispatchAt = r.next;
    seen(r.last);
  }
  return { deliveries, dispatches, nextDispatchAt, lastChangeAt };
}

/** Everything `GET /status` derives its answer from, in one round trip (two grouped reads). */
export async function readSendProgress(d1: D1Database, sendId: string): Promise<SendProgress> {
  const [deliveryRows, dispatchRows] = await d1.batch<ProgressGroup>(progressStatements(d1, sendId));
  return foldProgress(deliveryRows?.results ?? [], dispatchRows?.results ?? []);
}

/** A place in a send's recipient × dispatch list: (dispatch `seq`, recipient `idx`). */
export type Position = readonly [seq: number, idx: number];

/** One recipient in one dispatch, with its delivery once the dispatch was released (else nulls). */
export type RecipientRow = {
  seq: number;
  due_at: number;
  dispatch_status: string;
  idx: number;
  phone: string;
  status: string | null;
  error_code: string | null;
  error_message: string | null;
  carrier: string | null;
  sent_at: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  updated_at: number | null;
};

/** Up to `count` recipient rows of a send after `after`, ordered by dispatch then recipient. */
export function recipientRowsStatement(
  d1: D1Database,
  sendId: string,
  after: Position,
  count: number,
): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT d.seq, d.due_at, d.status AS dispatch_status, r.idx, r.phone,
              x.status, x.error_code, x.error_message, x.carrier, x.sent_at, x.delivered_at, x.failed_at, x.updated_at
       FROM dispatches d
       JOIN recipients r ON r.send_id = d.send_id
       LEFT JOIN deliveries x ON x.send_id = d.send_id AND x.dispatch_seq = d.seq AND x.recipient_idx = r.idx
       WHERE d.send_id = ?1 AND (d.seq, r.idx) > (?2, ?3)
       ORDER BY d.seq, r.idx
       LIMIT ?4`,
    )
    .bind(sendId, after[0], after[1], count);
}
