import { errorByCode } from "@lisoloo/protocol";
import type { SendRow } from "../db/queries/sends";
import { ApiError } from "../errors/api-error";
import { isoSeconds } from "../iso-seconds";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

type Row = {
  seq: number;
  due_at: number;
  dispatch_status: string;
  idx: number;
  phone: string;
  status: string | null;
  error_code: string | null;
  carrier: string | null;
  sent_at: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  updated_at: number | null;
};

function iso(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms);
}

/** Cursor = the last (dispatch, recipient) pair of the previous page, opaque to clients. */
function decodeCursor(cursor: string | undefined): [number, number] {
  if (!cursor) return [-1, -1];
  const match = /^(\d+)\.(\d+)$/.exec(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  if (!match)
    throw new ApiError("1110", {
      details: [{ field: "cursor", message: "Unknown cursor", code: "INVALID_FIELD_FORMAT" }],
    });
  return [Number(match[1]), Number(match[2])];
}

function encodeCursor(seq: number, idx: number): string {
  return btoa(`${seq}.${idx}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new ApiError("1110", {
      details: [
        {
          field: "limit",
          message: `Must be an integer from 1 to ${MAX_LIMIT}`,
          code: "INVALID_FIELD_FORMAT",
        },
      ],
    });
  }
  return n;
}

/**
 * One page of recipient × dispatch detail, ordered by dispatch then recipient. Dispatches not yet
 * released have no delivery rows; their recipients show as `pending` (or `cancelled` when the
 * dispatch was cancelled or skipped), so every page covers the whole send.
 */
export async function recipientsPage(
  db: D1Database,
  send: SendRow,
  query: { cursor?: string | undefined; limit?: string | undefined },
) {
  const [afterSeq, afterIdx] = decodeCursor(query.cursor);
  const limit = parseLimit(query.limit);
  const { results } = await db
    .prepare(
      `SELECT d.seq, d.due_at, d.status AS dispatch_status, r.idx, r.phone,
              x.status, x.error_code, x.carrier, x.sent_at, x.delivered_at, x.failed_at, x.updated_at
       FROM dispatches d
       JOIN recipients r ON r.send_id = d.send_id
       LEFT JOIN deliveries x ON x.send_id = d.send_id AND x.dispatch_seq = d.seq AND x.recipient_idx = r.idx
       WHERE d.send_id = ?1 AND (d.seq, r.idx) > (?2, ?3)
       ORDER BY d.seq, r.idx
       LIMIT ?4`,
    )
    .bind(send.id, afterSeq, afterIdx, limit + 1)
    .all<Row>();
  const rows = results.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    message_id: send.id,
    items: rows.map((r) => {
      const status =
        r.status ??
        (r.dispatch_status === "cancelled" || r.dispatch_status === "skipped" ? "cancelled" : "pending");
      return {
        phone: r.phone,
        dispatch_at: iso(r.due_at) as string,
        status,
        carrier: r.carrier,
        error_code: r.error_code,
        reason: r.error_code ? errorByCode(r.error_code as "1501").message : null,
        sent_at: iso(r.sent_at),
        delivered_at: iso(r.delivered_at),
        failed_at: iso(r.failed_at),
        updated_at: iso(r.updated_at ?? send.createdAt) as string,
      };
    }),
    next_cursor: results.length > limit && last ? encodeCursor(last.seq, last.idx) : null,
  };
}
