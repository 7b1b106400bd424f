import { IDEMPOTENCY_LOCK_STALE_MS, IDEMPOTENCY_TTL_MS } from "./limits";
import type { BeginResult, StoredResponse } from "./types";

type Row = {
  fingerprint: string;
  lock_id: string | null;
  locked_at: number | null;
  status: number | null;
  body: string | null;
  headers: string | null;
};

/** Deletes records older than 24 h; returns the earliest remaining expiry (for the purge alarm). */
export function purgeExpired(sql: SqlStorage, nowMs: number): number | null {
  sql.exec("DELETE FROM idempotency WHERE expires_at <= ?", nowMs);
  const next = sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM idempotency").one();
  return next.at;
}

function lock(sql: SqlStorage, key: string, fingerprint: string, nowMs: number): BeginResult {
  const lockId = crypto.randomUUID();
  sql.exec(
    `INSERT INTO idempotency (key, fingerprint, lock_id, locked_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, lock_id = excluded.lock_id,
       locked_at = excluded.locked_at, expires_at = excluded.expires_at,
       status = NULL, body = NULL, headers = NULL`,
    key,
    fingerprint,
    lockId,
    nowMs,
    nowMs + IDEMPOTENCY_TTL_MS,
  );
  return { state: "new", lockId };
}

/**
 * Decides what a request carrying Idempotency-Key `key` gets: a fresh lock, a replay, a 1303 while
 * the first one runs, or a 1108 when the fingerprint differs. A lock older than
 * `IDEMPOTENCY_LOCK_STALE_MS` is taken over: its request is presumed dead.
 */
export function beginIdempotent(
  sql: SqlStorage,
  key: string,
  fingerprint: string,
  nowMs: number,
): BeginResult {
  sql.exec("DELETE FROM idempotency WHERE key = ? AND expires_at <= ?", key, nowMs);
  const row = sql
    .exec<Row>(
      "SELECT fingerprint, lock_id, locked_at, status, body, headers FROM idempotency WHERE key = ?",
      key,
    )
    .toArray()[0];
  if (row === undefined) return lock(sql, key, fingerprint, nowMs);
  if (row.status !== null) {
    if (row.fingerprint !== fingerprint) return { state: "mismatch" };
    return {
      state: "replay",
      status: row.status,
      body: row.body ?? "",
      headers: JSON.parse(row.headers ?? "{}") as Record<string, string>,
    };
  }
  if (nowMs - (row.locked_at ?? 0) >= IDEMPOTENCY_LOCK_STALE_MS) return lock(sql, key, fingerprint, nowMs);
  return row.fingerprint === fingerprint ? { state: "in_progress" } : { state: "mismatch" };
}

/** Stores the response of the request holding `lockId`; false when that lock was lost meanwhile. */
export function completeIdempotent(
  sql: SqlStorage,
  key: string,
  lockId: string,
  response: StoredResponse,
): boolean {
  const cursor = sql.exec(
    `UPDATE idempotency SET status = ?, body = ?, headers = ?, lock_id = NULL, locked_at = NULL
     WHERE key = ? AND lock_id = ?`,
    response.status,
    response.body,
    JSON.stringify(response.headers),
    key,
    lockId,
  );
  return cursor.rowsWritten > 0;
}

/** Releases the lock without storing anything, so a retry runs afresh; false when it was already lost. */
export function abandonIdempotent(sql: SqlStorage, key: string, lockId: string): boolean {
  return sql.exec("DELETE FROM idempotency WHERE key = ? AND lock_id = ?", key, lockId).rowsWritten > 0;
}
