// Read-only access to the local D1 database of a bench gateway, for the server-side timestamps the
// pipeline records (when a delivery was claimed, submitted, finished). Never written to.
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * Opens the gateway's local D1 databases read-only (the directory and every shard) as one: a read's
 * rows are those of every database together, and a single-row answer (`get`, a count or a sum) adds
 * up each database's numbers. A bench's merchants may sit on any shard.
 *
 * @param {{ stateDir: string }} gateway
 * @returns {{ prepare(sql: string): { all(...params: unknown[]): any[], get(...params: unknown[]): any }, close(): void }}
 */
export function openLocalD1(gateway) {
  const dir = path.join(gateway.stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (files.length === 0) throw new Error(`No D1 database in ${dir}`);
  // A read can meet the gateway's write lock (its local D1 is the same file): wait for it, as SQLite's
  // busy timeout does, rather than fail the run with "database is locked".
  const dbs = files.map(
    (file) => new DatabaseSync(path.join(dir, file), { readOnly: true, timeout: 10_000 }),
  );
  return {
    prepare(sql) {
      return {
        all: (...params) => dbs.flatMap((db) => db.prepare(sql).all(...params)),
        get: (...params) => {
          /** @type {Record<string, unknown> | undefined} */
          let sum;
          for (const row of dbs.map((db) => db.prepare(sql).get(...params))) {
            if (row === undefined) continue;
            if (sum === undefined) sum = { ...row };
            else
              for (const [k, v] of Object.entries(row))
                if (typeof v === "number") sum[k] = Number(sum[k] ?? 0) + v;
          }
          return sum;
        },
      };
    },
    close() {
      for (const db of dbs) db.close();
    },
  };
}

/**
 * Per delivery of the given sends: accepted (the send's created_at), claimed by the consumer
 * (processing_at), handed to the carrier (sent_at, the carrier's own stamp), and the moment the last
 * state change was applied (updated_at), all Unix ms from the gateway's clock.
 *
 * @param {ReturnType<typeof openLocalD1>} db
 * @param {string[]} sendIds
 * @returns {{ accepted: number, claimed: number | null, submitted: number | null, finished: number, status: string }[]}
 */
export function deliveryTimes(db, sendIds) {
  return /** @type {any[]} */ (
    db
      .prepare(
        `SELECT s.created_at AS accepted, d.processing_at AS claimed, d.sent_at AS submitted,
                d.updated_at AS finished, d.status AS status
         FROM deliveries d JOIN sends s ON s.id = d.send_id
         WHERE d.send_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(sendIds))
  );
}
