import type { DeliveryErrorCode } from "@lisoloo/protocol";
import type { Position, RecipientRow, SendRow } from "../db/queries/sends";
import { ApiError } from "../errors/api-error";
import { isoSeconds } from "../iso-seconds";
import { failureReason } from "../pipeline/event-payloads";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function iso(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms);
}

/** A cursor is short; anything much longer was not written by {@link encodeCursor}. */
const MAX_CURSOR_LENGTH = 64;

function invalidQuery(field: string, message: string): ApiError {
  return new ApiError("1110", { details: [{ field, message, code: "INVALID_FIELD_FORMAT" }] });
}

/**
 * FNV-1a (32 bits) of the send and position, in hex: ties a cursor to the send it was written for.
 * Not a secret: a cursor only ever reads the caller's own send, so this catches a cursor that was
 * mistyped, cut short, edited or taken from another message, not an attacker.
 */
function cursorTag(sendId: string, seq: number, idx: number): string {
  let hash = 0x811c9dc5;
  for (const ch of `${sendId}/${seq}.${idx}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Cursor = the last (dispatch, recipient) pair of the previous page and its send's tag, base64url. */
function encodeCursor(sendId: string, seq: number, idx: number): string {
  return btoa(`${seq}.${idx}.${cursorTag(sendId, seq, idx)}`)
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * The position a cursor stands for; 400 `1110` naming `cursor` for anything {@link encodeCursor}
 * did not write for this send: bad base64, another layout, a changed number, another send's cursor.
 */
function decodeCursor(sendId: string, cursor: string | undefined): Position {
  if (!cursor) return [-1, -1];
  const unknown = () => invalidQuery("cursor", "Must be the next_cursor of an earlier page of this message");
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw unknown();
  let decoded: string;
  try {
    decoded = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw unknown();
  }
  const match = /^(\d{1,9})\.(\d{1,9})\.[0-9a-f]{8}$/.exec(decoded);
  if (!match) throw unknown();
  const seq = Number(match[1]);
  const idx = Number(match[2]);
  // Only the exact spelling this send was given: no leading zeros, no other tag, no padding.
  if (encodeCursor(sendId, seq, idx) !== cursor) throw unknown();
  return [seq, idx];
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  // Digits only: Number() would also take "1e3", "0x10", " 5" and "5.0".
  const n = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw invalidQuery("limit", `Must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

/** What a `GET /status/{id}/recipients` query asks for: where to start, and how many rows. */
export type RecipientsQuery = { after: Position; limit: number };

/**
 * The query string of `GET /status/{id}/recipients`, checked against the send it names: 400 `1110`
 * naming `cursor` or `limit` when either is not one this send could have been given.
 */
export function parseRecipientsQuery(
  sendId: string,
  query: { cursor?: string | undefined; limit?: string | undefined },
): RecipientsQuery {
  const after = decodeCursor(sendId, query.cursor);
  return { after, limit: parseLimit(query.limit) };
}

/**
 * One page of recipient × dispatch detail, ordered by dispatch then recipient, from up to `limit + 1`
 * rows after the cursor (the extra one only says that another page follows), wherever they were read
 * from. Dispatches not yet released have no delivery rows; their recipients show as `pending` (or
 * `cancelled` when the dispatch was cancelled or skipped), so every page covers the whole send.
 */
export function recipientsPageView(send: SendRow, results: readonly RecipientRow[], limit: number) {
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
        reason: r.error_code ? failureReason(r.error_code as DeliveryErrorCode, r.error_message) : null,
        sent_at: iso(r.sent_at),
        delivered_at: iso(r.delivered_at),
        failed_at: iso(r.failed_at),
        updated_at: iso(r.updated_at ?? send.createdAt) as string,
      };
    }),
    next_cursor: results.length > limit && last ? encodeCursor(send.id, last.seq, last.idx) : null,
  };
}
