import type { WorkerEnv } from "../env";
import { queueMessageSchema } from "../pipeline/messages";
import { isShardOf, shardEnv } from "../shards/shard-env";
import { log } from "./logger";

/** A body is kept up to this many characters: enough to read what it was, never a row too big for D1. */
const BODY_LIMIT = 4096;

type Row = {
  shard: string | null;
  id: string;
  kind: "dispatch" | "receipts" | "cron" | "unreadable";
  sendId: string | null;
  seq: number | null;
  from: number | null;
  to: number | null;
  body: string;
};

function rowOf(message: Message<unknown>): Row {
  const parsed = queueMessageSchema.safeParse(message.body);
  const chunk = parsed.success && parsed.data.type === "dispatch" ? parsed.data : null;
  return {
    shard: parsed.success ? (parsed.data.shard ?? null) : null,
    id: message.id,
    kind: parsed.success ? parsed.data.type : "unreadable",
    sendId: chunk?.sendId ?? null,
    seq: chunk?.seq ?? null,
    from: chunk?.from ?? null,
    to: chunk?.to ?? null,
    body: (JSON.stringify(message.body) ?? String(message.body)).slice(0, BODY_LIMIT),
  };
}

/**
 * Writes every message of a dead-letter batch to `dead_letters` of the shard it names (one statement
 * per shard, each message once however often the batch is handled; a body naming no shard goes to
 * the directory), so the operator health view can count them and name their sends. Never throws: a
 * failed write is logged and the dead-letter consumer still refunds.
 *
 * @example await recordDeadLetters(env, batch); await consumeDeadLetters(batch, env, ctx);
 */
export async function recordDeadLetters(
  env: WorkerEnv,
  batch: MessageBatch<unknown>,
  nowMs = Date.now(),
): Promise<void> {
  const byDatabase = new Map<D1Database, Row[]>();
  for (const message of batch.messages) {
    const row = rowOf(message);
    const db = row.shard !== null && isShardOf(env, row.shard) ? shardEnv(env, row.shard).DB : env.DIRECTORY;
    byDatabase.set(db, [...(byDatabase.get(db) ?? []), row]);
  }
  await Promise.all([...byDatabase].map(([db, rows]) => recordIn(db, batch.queue, rows, nowMs)));
}

async function recordIn(db: D1Database, queue: string, rows: Row[], nowMs: number): Promise<void> {
  try {
    await db
      .prepare(
        `INSERT INTO dead_letters (id, queue, kind, send_id, dispatch_seq, from_idx, to_idx, body, created_at)
         SELECT value ->> '$.id', ?2, value ->> '$.kind', value ->> '$.sendId', value ->> '$.seq',
                value ->> '$.from', value ->> '$.to', value ->> '$.body', ?3
         FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO NOTHING`,
      )
      .bind(JSON.stringify(rows), queue, nowMs)
      .run();
  } catch (error) {
    log.error("dead_letter.record_failed", { queue, messages: rows.length, error });
  }
}
