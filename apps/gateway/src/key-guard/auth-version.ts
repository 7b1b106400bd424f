/**
 * A key's auth version: a counter its guard keeps in SQLite (so it survives eviction), starting at 0.
 * Every writer of something the auth path reads from the key's row or its merchant's bumps it once
 * its D1 write has committed; the auth path tags each copy of those rows it keeps with the version it
 * read before reading them, so a copy whose tag is behind the guard's may be stale and is read again.
 *
 * Every admission reports the version, so it is read once per instance and then kept: the guard is
 * the counter's only writer, and its storage is never changed behind its back.
 */
export class AuthVersion {
  /** The stored version; undefined until first read. */
  private known: number | undefined;

  constructor(private readonly sql: SqlStorage) {}

  /** The key's current auth version (0 until the first bump). */
  current(): number {
    if (this.known === undefined) {
      const row = this.sql
        .exec<{ version: number }>("SELECT version FROM auth_version WHERE id = 1")
        .toArray()[0];
      this.known = row?.version ?? 0;
    }
    return this.known;
  }

  /** Moves the key's auth version on by one and returns the new one. */
  bump(): number {
    const version = this.sql
      .exec<{ version: number }>(
        `INSERT INTO auth_version (id, version) VALUES (1, 1)
         ON CONFLICT (id) DO UPDATE SET version = version + 1
         RETURNING version`,
      )
      .one().version;
    this.known = version;
    return version;
  }
}
