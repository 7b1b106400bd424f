import { openSealed, sealSecret } from "../../crypto/secret-box";
import type { WorkerEnv } from "../../env";
import type { ResealPosition, ResealTotals } from "./cursor";
import { databaseOf, type SealedColumn, sealedColumns } from "./sealed-columns";

/** Sealed values one page handles at most: one update each, so a page stays far below D1's 1000 queries. */
export const RESEAL_PAGE_LIMIT = 200;

/**
 * Columns one page may read: each read is a query even when the column is empty, so a deployment
 * with many shards and few sealed values still pages rather than reading every shard in one call.
 */
const MAX_READS_PER_PAGE = 10;

/** A sealed value no configured key opens: its password must be set again through the admin API. */
export type UnreadableSecret = { database: string; table: string; id: string };

export type ResealPageResult = {
  /** This page's counts. */
  counts: ResealTotals;
  unreadable: UnreadableSecret[];
  /** Where the next page starts; null when every column has been walked. */
  next: ResealPosition | null;
};

type SealedRow = { id: string; sealed: string };

/**
 * One page of a re-seal pass: up to `limit` sealed values from `from` on, in column order and by id
 * within a column. A value the current key opens is counted `current` and left alone; one only a
 * previous key opens is sealed again under the current key; one no key opens is reported. Each
 * update applies only if the row still holds what was read: a password the admin API replaced
 * meanwhile (sealed under the current key) is left as it is, and counted `current`.
 *
 * @example await resealPage(env, config.credentialKeys, { database: "DIRECTORY", after: null }, 200)
 */
export async function resealPage(
  env: WorkerEnv,
  keys: readonly string[],
  from: ResealPosition,
  limit: number,
): Promise<ResealPageResult> {
  const [currentKey] = keys;
  if (currentKey === undefined) throw new Error("resealPage needs the current CREDENTIALS_KEY");
  const columns = sealedColumns(env);
  const counts: ResealTotals = { resealed: 0, current: 0, unreadable: 0 };
  const unreadable: UnreadableSecret[] = [];
  let index = columns.findIndex((c) => c.database === from.database);
  if (index < 0) throw new Error(`no sealed column in ${from.database}`);
  let after = from.after;
  let budget = limit;
  for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
    const column = columns[index] as SealedColumn;
    const db = databaseOf(env, column);
    const rows = await readSealed(db, column, after, budget);
    const updates: D1PreparedStatement[] = [];
    for (const row of rows) {
      const opened = await openSealed(keys, row.sealed);
      if (opened === null) {
        counts.unreadable++;
        unreadable.push({ database: column.database, table: column.table, id: row.id });
      } else if (opened.keyIndex === 0) {
        counts.current++;
      } else {
        updates.push(
          db
            .prepare(
              `UPDATE ${column.table} SET ${column.column} = ?1 WHERE ${column.id} = ?2 AND ${column.column} = ?3`,
            )
            .bind(await sealSecret(currentKey, opened.plaintext), row.id, row.sealed),
        );
      }
    }
    if (updates.length > 0) {
      for (const result of await db.batch(updates)) {
        if ((result.meta.changes ?? 0) > 0) counts.resealed++;
        else counts.current++;
      }
    }
    budget -= rows.length;
    const last = rows.at(-1);
    // A full page: the column may hold more after its last id.
    if (budget === 0 && last !== undefined)
      return { counts, unreadable, next: { database: column.database, after: last.id } };
    // Fewer than asked: this column is done; the next one starts from its first id.
    index++;
    after = null;
    if (index >= columns.length) return { counts, unreadable, next: null };
  }
  return { counts, unreadable, next: { database: (columns[index] as SealedColumn).database, after: null } };
}

/**
 * The next sealed values of a column after `after`, by id: its primary key, so the walk is stable and
 * ids never change under it. It steps over rows without a sealed value (most keys have no Basic
 * password); those tables grow with merchants and carriers, never with traffic.
 */
async function readSealed(
  db: D1Database,
  column: SealedColumn,
  after: string | null,
  limit: number,
): Promise<SealedRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${column.id} AS id, ${column.column} AS sealed FROM ${column.table}
       WHERE ${column.column} IS NOT NULL AND ${column.id} > ?1 ORDER BY ${column.id} LIMIT ?2`,
    )
    .bind(after ?? "", limit)
    .all<SealedRow>();
  return results;
}
