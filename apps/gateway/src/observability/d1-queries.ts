import { checkConfig } from "../config/config";
import type { WorkerEnv } from "../env";
import { log } from "./logger";

/**
 * An opt-in count of D1 queries, for capacity measurements (docs/CAPACITY.md). With the var
 * `LOG_D1_QUERIES` = "true", every D1 binding the code reaches (`env.DIRECTORY` from the handlers
 * and Durable Object constructors, each shard through `shardEnv`) counts its statements, and a
 * `d1.queries` line is written at the end of each Worker invocation (once its `waitUntil` work is
 * done too), or a second after the last query of a Durable Object's burst. Without the var nothing
 * is wrapped: the cost is one cached config lookup per invocation.
 *
 * A statement counts one query whether it runs alone or inside a `batch`, which is how D1 counts
 * them against its limit of 1000 queries per invocation; `calls` are round trips (a batch is one).
 * Two figures per line:
 * - `queries`, `calls`, `rows_*`, `by_binding`: everything the isolate ran since its previous line.
 *   Invocations of one isolate interleave, so this is not one invocation's work, but the lines add up
 *   to every query the isolate ran.
 * - `invocation_queries`: the shard queries of this invocation alone, its `waitUntil` work included:
 *   what counts against the per-invocation limit. The directory's few queries are not in it (its
 *   binding must stay one object for the caches keyed by it).
 *
 * @example
 * export default withD1QueryLog({ fetch, queue, scheduled } satisfies ExportedHandler<WorkerEnv>);
 * // {"level":"info","event":"d1.queries","source":"queue","invocation_queries":212,"batch_size":18,…}
 */

type Tally = {
  calls: number;
  queries: number;
  rowsRead: number;
  rowsWritten: number;
  /** `first()` and `raw()` answer without D1's meta: their rows are not in the two sums above. */
  withoutMeta: number;
  byBinding: Record<string, number>;
};

/** One invocation's own count. */
type Invocation = { queries: number };

const emptyTally = (): Tally => ({
  calls: 0,
  queries: 0,
  rowsRead: 0,
  rowsWritten: 0,
  withoutMeta: 0,
  byBinding: {},
});

/** A Durable Object has no end of invocation to flush at: its counts go out this long after a burst. */
const IDLE_FLUSH_MS = 1_000;

let tally = emptyTally();
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** Marks an env whose D1 bindings count; a spread copy (`shardEnv`) keeps the mark. */
const COUNTING = Symbol("d1.queries");
/** On the env one Worker invocation runs with: that invocation's own count. */
const INVOCATION = Symbol("d1.invocation");

/** One counting wrapper per D1 binding object, so caches keyed by the binding stay hits. */
const wrappers = new WeakMap<object, D1Database>();
const statements = new WeakMap<object, D1PreparedStatement>();

/** Writes what the isolate counted since its previous line (and `extra`), if there is anything. */
export function flushD1Queries(source: string, extra: Record<string, number> = {}): void {
  if (flushTimer !== null) {
    try {
      clearTimeout(flushTimer);
    } catch {
      // Set by another request of this isolate: it fires, finds nothing or little, and is harmless.
    }
  }
  flushTimer = null;
  if (tally.calls === 0 && Object.keys(extra).length === 0) return;
  const done = tally;
  tally = emptyTally();
  log.info("d1.queries", {
    source,
    ...extra,
    calls: done.calls,
    queries: done.queries,
    rows_read: done.rowsRead,
    rows_written: done.rowsWritten,
    calls_without_meta: done.withoutMeta,
    by_binding: done.byBinding,
  });
}

function record(
  binding: string,
  invocation: Invocation | null,
  queries: number,
  metas: (D1Meta | undefined)[] | null,
): void {
  if (invocation !== null) invocation.queries += queries;
  tally.calls += 1;
  tally.queries += queries;
  tally.byBinding[binding] = (tally.byBinding[binding] ?? 0) + queries;
  if (metas === null) tally.withoutMeta += 1;
  for (const meta of metas ?? []) {
    tally.rowsRead += meta?.rows_read ?? 0;
    tally.rowsWritten += meta?.rows_written ?? 0;
  }
  if (flushTimer === null) {
    try {
      flushTimer = setTimeout(() => flushD1Queries("idle"), IDLE_FLUSH_MS);
    } catch {
      // No timers outside a request: the next invocation's line carries it.
    }
  }
}

type Counted = { binding: string; invocation: Invocation | null };

function countedStatement(statement: D1PreparedStatement, to: Counted): D1PreparedStatement {
  const counted = new Proxy(statement, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      switch (prop) {
        case "bind":
          return (...values: unknown[]) => countedStatement(target.bind(...values), to);
        case "run":
        case "all":
          return async () => {
            const result = (await value.call(target)) as D1Result;
            record(to.binding, to.invocation, 1, [result.meta]);
            return result;
          };
        case "first":
        case "raw":
          return async (...args: unknown[]) => {
            const result = await value.apply(target, args);
            record(to.binding, to.invocation, 1, null);
            return result;
          };
        default:
          return value.bind(target);
      }
    },
  });
  statements.set(counted, statement);
  return counted;
}

function counted(db: D1Database | D1DatabaseSession, to: Counted) {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => countedStatement(target.prepare(sql), to);
      if (prop === "batch")
        return async (list: D1PreparedStatement[]) => {
          const results = await target.batch(list.map((s) => statements.get(s) ?? s));
          record(
            to.binding,
            to.invocation,
            list.length,
            results.map((r) => r.meta),
          );
          return results;
        };
      if (prop === "exec" && "exec" in target)
        return async (sql: string) => {
          const result = await target.exec(sql);
          record(to.binding, to.invocation, result.count, null);
          return result;
        };
      if (prop === "withSession" && "withSession" in target)
        return (constraint?: Parameters<D1Database["withSession"]>[0]) =>
          counted(target.withSession(constraint), to);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The one counting wrapper of a binding object, for whatever runs outside a Worker invocation's env. */
function shared(db: D1Database, binding: string): D1Database {
  let wrapper = wrappers.get(db);
  if (wrapper === undefined) {
    wrapper = counted(db, { binding, invocation: null }) as D1Database;
    wrappers.set(db, wrapper);
  }
  return wrapper;
}

/**
 * `db` counting its queries under `binding` when `env` is a counting env (`countD1Queries`), else
 * `db` itself; on a Worker invocation's env, they count towards that invocation too. `shardEnv`
 * passes every shard through it.
 */
export function countedD1(env: object, binding: string, db: D1Database): D1Database {
  if (!(COUNTING in env)) return db;
  const invocation = (env as { [INVOCATION]?: Invocation })[INVOCATION];
  return invocation ? (counted(db, { binding, invocation }) as D1Database) : shared(db, binding);
}

const countingEnvs = new WeakMap<object, WorkerEnv>();

/**
 * The env with `DIRECTORY` counting its queries (and a mark that makes `shardEnv` count each shard)
 * when `LOG_D1_QUERIES` is "true", else `env` itself. The same env in gives the same env out, so
 * what is cached per env or per binding keeps working.
 *
 * @example super(ctx, countD1Queries(env)); // in a Durable Object's constructor
 */
export function countD1Queries<E extends WorkerEnv>(env: E): E {
  if (COUNTING in env) return env;
  const checked = checkConfig(env);
  if (!checked.ok || !checked.config.logD1Queries) return env;
  let counting = countingEnvs.get(env);
  if (counting === undefined) {
    counting = { ...env, DIRECTORY: shared(env.DIRECTORY, "DIRECTORY"), [COUNTING]: true } as WorkerEnv;
    countingEnvs.set(env, counting);
  }
  return counting as E;
}

type Handlers = Required<Pick<ExportedHandler<WorkerEnv>, "fetch" | "queue" | "scheduled">>;

/**
 * Runs one invocation on an env of its own (so its shard queries are its own) with a context whose
 * `waitUntil` work is followed, and writes its line once all of that is done.
 */
function counting<T>(
  env: WorkerEnv,
  ctx: ExecutionContext,
  source: string,
  extra: Record<string, number>,
  run: (env: WorkerEnv, ctx: ExecutionContext) => T | Promise<T>,
) {
  const base = countD1Queries(env);
  if (base === env) return run(env, ctx);
  const invocation: Invocation = { queries: 0 };
  const own = { ...base, [INVOCATION]: invocation } as WorkerEnv;
  const tails: Promise<unknown>[] = [];
  const followed = new Proxy(ctx, {
    get(target, prop) {
      if (prop === "waitUntil")
        return (promise: Promise<unknown>) => {
          tails.push(promise);
          target.waitUntil(promise);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const done = async () => {
    while (tails.length > 0) await Promise.allSettled(tails.splice(0));
    flushD1Queries(source, { ...extra, invocation_queries: invocation.queries });
  };
  return (async () => {
    try {
      return await run(own, followed);
    } finally {
      ctx.waitUntil(done());
    }
  })();
}

/** The Worker's handlers, each counting its D1 queries and writing its line when it is done (opt-in). */
export function withD1QueryLog<H extends Handlers>(handlers: H): H {
  const logged: Handlers = {
    fetch: (request, env, ctx) => counting(env, ctx, "fetch", {}, (e, c) => handlers.fetch(request, e, c)),
    queue: (batch, env, ctx) =>
      counting(env, ctx, "queue", { batch_size: batch.messages.length }, (e, c) =>
        handlers.queue(batch, e, c),
      ),
    scheduled: (controller, env, ctx) =>
      counting(env, ctx, "scheduled", {}, (e, c) => handlers.scheduled(controller, e, c)),
  };
  return { ...handlers, ...logged };
}
