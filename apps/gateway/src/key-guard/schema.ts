/**
 * Tables of one key's guard. `rate_hits` keeps only the current window's rows, `suspension` and
 * `auth_version` at most one row each, so the hot path touches a handful of rows; `idempotency` rows
 * live 24 h.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rate_hits (
  bucket TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS suspension (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  until_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  lock_id TEXT,
  locked_at INTEGER,
  status INTEGER,
  body TEXT,
  headers TEXT,
  expires_at INTEGER NOT NULL,
  CHECK ((lock_id IS NULL) <> (status IS NULL))
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_expires_at ON idempotency (expires_at);
CREATE TABLE IF NOT EXISTS auth_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
`;

/** Creates the tables if they are missing; cheap enough to run in every constructor. */
export function createSchema(sql: SqlStorage): void {
  sql.exec(SCHEMA);
}
