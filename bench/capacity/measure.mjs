// What the capacity bench reads between two moments of a run: the bytes and rows each table holds in
// the gateway's local D1 files (SQLite's `dbstat`), the D1 queries the gateway counted (its
// `d1.queries` log lines, LOG_D1_QUERIES) and the queue batches wrangler logged. Read-only.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/** The local D1 files of a bench gateway: the directory and every shard. */
export function d1Files(gateway) {
  const dir = path.join(gateway.stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite")
    .map((name) => path.join(dir, name));
}

/**
 * @typedef {object} Storage
 * @property {Record<string, { bytes: number, payload: number, rows: number }>} tables per table, its
 *   indexes included: pages it occupies (`bytes`), bytes of records in them (`payload`), rows
 * @property {number} fileBytes page_count × page_size of every file (what D1 bills as storage)
 * @property {number} freeBytes of which on the free list
 */

/**
 * Every table of every local D1 file, summed by table name. `dbstat` reads through the WAL, so no
 * checkpoint is needed for a consistent picture.
 *
 * @returns {Storage}
 */
export function storageOf(gateway) {
  /** @type {Storage} */
  const out = { tables: {}, fileBytes: 0, freeBytes: 0 };
  for (const file of d1Files(gateway)) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const owner = new Map(
        db
          .prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')")
          .all()
          .map((r) => [String(r.name), String(r.tbl_name)]),
      );
      const entry = (table) => {
        out.tables[table] ??= { bytes: 0, payload: 0, rows: 0 };
        return out.tables[table];
      };
      for (const r of db
        .prepare("SELECT name, sum(pgsize) AS bytes, sum(payload) AS payload FROM dbstat GROUP BY name")
        .all()) {
        const t = entry(owner.get(String(r.name)) ?? String(r.name));
        t.bytes += Number(r.bytes);
        t.payload += Number(r.payload);
      }
      for (const r of db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
        )
        .all()) {
        const name = String(r.name);
        entry(name).rows += Number(db.prepare(`SELECT count(*) AS n FROM "${name}"`).get()?.n ?? 0);
      }
      const pragma = (name) => Number(Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0] ?? 0);
      const pageSize = pragma("page_size");
      out.fileBytes += pragma("page_count") * pageSize;
      out.freeBytes += pragma("freelist_count") * pageSize;
    } finally {
      db.close();
    }
  }
  return out;
}

/** `after` − `before`, table by table (tables that did not change are left out). */
export function storageGrowth(before, after) {
  /** @type {Record<string, { bytes: number, payload: number, rows: number }>} */
  const tables = {};
  for (const [name, a] of Object.entries(after.tables)) {
    const b = before.tables[name] ?? { bytes: 0, payload: 0, rows: 0 };
    const d = { bytes: a.bytes - b.bytes, payload: a.payload - b.payload, rows: a.rows - b.rows };
    if (d.bytes !== 0 || d.payload !== 0 || d.rows !== 0) tables[name] = d;
  }
  const sum = (key) => Object.values(tables).reduce((s, t) => s + t[key], 0);
  return {
    tables,
    bytes: sum("bytes"),
    payload: sum("payload"),
    rows: sum("rows"),
    fileBytes: after.fileBytes - before.fileBytes,
  };
}

/**
 * @typedef {object} Counts
 * @property {number} queries D1 statements (alone or in a batch)
 * @property {number} calls D1 round trips (a batch is one)
 * @property {number} rowsRead D1 `meta.rows_read` (calls through `first()`/`raw()` report none)
 * @property {number} rowsWritten D1 `meta.rows_written` (likewise)
 * @property {number} withoutMeta calls that report no meta
 * @property {number} flushes `d1.queries` lines
 * @property {Record<string, number>} bySource queries by what flushed them (fetch, queue, scheduled, idle)
 * @property {{ source: string, queries: number, batch: number | null }[]} invocations each Worker
 *   invocation's own shard queries (`invocation_queries`, `waitUntil` work included) and, for a queue
 *   batch, its size
 * @property {number} queueBatches consumer invocations wrangler logged (`QUEUE name ok/total`), of
 *   every queue: the send queue's and the receipt queue's
 * @property {number} queueMessages messages in them
 * @property {number} requests HTTP requests wrangler logged
 */

/**
 * What the gateway counted so far, from its log (the `d1.queries` lines of a gateway started with
 * LOG_D1_QUERIES=true and log level `log`, and wrangler's own request and queue lines).
 *
 * @param {{ logFile: string }} gateway
 * @returns {Counts}
 */
export function countsOf(gateway) {
  /** @type {Counts} */
  const c = {
    queries: 0,
    calls: 0,
    rowsRead: 0,
    rowsWritten: 0,
    withoutMeta: 0,
    flushes: 0,
    bySource: {},
    invocations: [],
    queueBatches: 0,
    queueMessages: 0,
    requests: 0,
  };
  for (const line of readFileSync(gateway.logFile, "utf8").split("\n")) {
    if (line.includes('"event":"d1.queries"')) {
      const start = line.indexOf("{");
      let r;
      try {
        r = JSON.parse(line.slice(start));
      } catch {
        continue;
      }
      c.flushes += 1;
      c.queries += r.queries;
      c.calls += r.calls;
      c.rowsRead += r.rows_read;
      c.rowsWritten += r.rows_written;
      c.withoutMeta += r.calls_without_meta;
      c.bySource[r.source] = (c.bySource[r.source] ?? 0) + r.queries;
      if (typeof r.invocation_queries === "number")
        c.invocations.push({ source: r.source, queries: r.invocation_queries, batch: r.batch_size ?? null });
      continue;
    }
    const queue = /\bQUEUE \S+ (\d+)\/(\d+)/.exec(line);
    if (queue) {
      c.queueBatches += 1;
      c.queueMessages += Number(queue[2]);
      continue;
    }
    if (/\[wrangler:info\] (GET|POST|PUT|PATCH|DELETE) /.test(line)) c.requests += 1;
  }
  return c;
}

/** `after` − `before` for every number of `Counts`. */
export function countsGrowth(before, after) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    if (typeof value === "number") out[key] = value - /** @type {number} */ (before[key] ?? 0);
    else if (Array.isArray(value)) out[key] = value.slice(before[key]?.length ?? 0);
    else {
      out[key] = {};
      for (const [k, v] of Object.entries(value)) out[key][k] = v - (before[key]?.[k] ?? 0);
    }
  }
  return /** @type {Counts} */ (out);
}

/**
 * Each kind of Worker invocation's own shard queries: how many invocations, the mean, the largest;
 * for queue batches also the largest batch and the queries per message over all of them.
 *
 * @param {Counts["invocations"]} invocations
 */
export function invocationStats(invocations) {
  /** @type {Record<string, { n: number, mean: number, max: number, maxBatch: number | null, perMessage: number | null }>} */
  const out = {};
  for (const source of [...new Set(invocations.map((i) => i.source))]) {
    // A request that ran no shard query is not one the limit concerns (health, settle calls).
    const mine = invocations.filter((i) => i.source === source && (source !== "fetch" || i.queries > 0));
    if (mine.length === 0) continue;
    const total = mine.reduce((s, i) => s + i.queries, 0);
    const batches = mine.filter((i) => i.batch !== null);
    const messages = batches.reduce((s, i) => s + (i.batch ?? 0), 0);
    out[source] = {
      n: mine.length,
      mean: total / mine.length,
      max: Math.max(...mine.map((i) => i.queries)),
      maxBatch: batches.length > 0 ? Math.max(...batches.map((i) => i.batch ?? 0)) : null,
      perMessage: messages > 0 ? total / messages : null,
    };
  }
  return out;
}
