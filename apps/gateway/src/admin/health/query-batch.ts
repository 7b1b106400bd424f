/**
 * The health view's statements, gathered from every part and run as ONE D1 batch: one round trip and
 * one consistent snapshot, however many parts there are. Each part adds its statements and gets back
 * a reader for their rows, called once the batch has run.
 */
export class QueryBatch {
  /** Every statement as added, named, with its binds: tests check each one's query plan. */
  readonly queries: { name: string; sql: string; binds: unknown[] }[] = [];
  private results: D1Result[] | null = null;

  constructor(private readonly db: D1Database) {}

  /** @example const rows = batch.add<{ n: number }>("sends", "SELECT COUNT(*) AS n FROM t WHERE a = ?1", 1); await batch.run(); rows() */
  add<T>(name: string, sql: string, ...binds: unknown[]): () => T[] {
    const index = this.queries.push({ name, sql, binds }) - 1;
    return () => {
      if (this.results === null) throw new Error("QueryBatch: read before run()");
      return (this.results[index]?.results ?? []) as T[];
    };
  }

  async run(): Promise<void> {
    this.results = await this.db.batch(this.queries.map((q) => this.db.prepare(q.sql).bind(...q.binds)));
  }
}

/** Whole seconds since `at` (never negative), or null when there is nothing to age. */
export function ageSeconds(at: number | null | undefined, nowMs: number): number | null {
  return at === null || at === undefined ? null : Math.max(0, Math.round((nowMs - at) / 1000));
}
