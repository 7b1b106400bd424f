/**
 * The whole text of a database error, causes included: drizzle wraps D1's error ("Failed query: …")
 * and keeps SQLite's own message ("CHECK constraint failed: …") in `cause`.
 */
export function databaseErrorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" | ");
}

/** True when a UNIQUE constraint refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(databaseErrorText(error));
}

/**
 * The columns a UNIQUE (or PRIMARY KEY) violation names, as SQLite writes them (`sends.key_id`), or
 * null when the error is not one.
 *
 * @example uniqueViolationColumns(new Error("UNIQUE constraint failed: sends.key_id, sends.idempotency_key: SQLITE_CONSTRAINT"))
 * // ["sends.key_id", "sends.idempotency_key"]
 */
export function uniqueViolationColumns(error: unknown): string[] | null {
  const match = /UNIQUE constraint failed: ([\w$]+\.[\w$]+(?:, [\w$]+\.[\w$]+)*)/i.exec(
    databaseErrorText(error),
  );
  return match?.[1] ? match[1].split(", ") : null;
}

/**
 * True when the UNIQUE constraint over exactly these columns of `table` refused the write, and not
 * some other one: a primary key, another unique index, a CHECK. Column order does not matter.
 *
 * @example isUniqueViolationOf(error, "sends", ["key_id", "idempotency_key"])
 */
export function isUniqueViolationOf(error: unknown, table: string, columns: readonly string[]): boolean {
  const named = uniqueViolationColumns(error);
  if (named === null || named.length !== columns.length) return false;
  const expected = new Set(columns.map((column) => `${table}.${column}`));
  return named.every((column) => expected.has(column));
}
