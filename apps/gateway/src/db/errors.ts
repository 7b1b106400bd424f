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
