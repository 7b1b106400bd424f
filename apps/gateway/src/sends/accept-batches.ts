import { databaseErrorText } from "../db/errors";
import { CallCombiner, settled } from "./combined-calls";

/**
 * At most this many statements in one combined accept (twenty one-recipient sends, eight statements
 * each; a send with more goes alone). D1 counts every statement of a batch toward the invocation that
 * runs it (1 000 at most): this and the request's own reads stay within the budget of 250 the gateway
 * keeps per invocation (test/query-budget.test.ts). A refused group's sends are tried again by their
 * own requests, each counted in its own invocation.
 */
export const maxStatementsPerAccept = 160;

/** The share of a send whose group was refused: its request tries it again alone. */
const tryAlone = Symbol("try alone");

/**
 * An error SQLite raised running the batch (a CHECK, UNIQUE or NOT NULL constraint, the ledger's
 * missing-wallet trigger, any `SQLITE_` code): D1 rolled the whole batch back, so each send can be
 * tried again alone. Any other failure (the database unreachable, a timeout) says nothing of whether
 * the batch committed, and every send in it gets that error, as a send alone would.
 */
function isStatementRefusal(error: unknown): boolean {
  return /constraint failed|NO_WALLET|SQLITE_[A-Z]/.test(databaseErrorText(error));
}

function combinerFor(db: D1Database): CallCombiner<D1PreparedStatement[], D1Result[]> {
  return new CallCombiner(
    async (sends) => {
      if (sends.length === 1) return [await settled(db.batch(sends[0] as D1PreparedStatement[]))];
      try {
        const results = await db.batch(sends.flat());
        let from = 0;
        return sends.map((statements) => {
          const value = results.slice(from, from + statements.length);
          from += statements.length;
          return { status: "fulfilled", value };
        });
      } catch (error) {
        if (!isStatementRefusal(error)) throw error;
        // One send was refused (an overdraft, a replayed Idempotency-Key) and took the others with it.
        return sends.map(() => ({ status: "rejected", reason: tryAlone }));
      }
    },
    { maxWeight: maxStatementsPerAccept, weight: (statements) => statements.length },
  );
}

const combiners = new WeakMap<D1Database, CallCombiner<D1PreparedStatement[], D1Result[]>>();

/**
 * Runs one send's accept statements as a transaction, in the same D1 batch as the accepts of other
 * requests of this isolate that are waiting for the same database (`CallCombiner`). Each send's
 * statements keep their order, and each gets exactly what `db.batch` would have given it alone: its
 * results, or the error of its own statements.
 */
export async function acceptBatch(
  db: D1Database,
  statements: D1PreparedStatement[],
  keepAlive: (call: Promise<unknown>) => void,
): Promise<D1Result[]> {
  let combiner = combiners.get(db);
  if (combiner === undefined) {
    combiner = combinerFor(db);
    combiners.set(db, combiner);
  }
  try {
    return await combiner.submit(statements, keepAlive);
  } catch (error) {
    if (error !== tryAlone) throw error;
    return db.batch(statements);
  }
}
