import type { ShardEnv, WorkerEnv } from "../env";
import { log } from "../observability/logger";
import { shardEnv } from "../shards/shard-env";
import { closeDeliveries } from "./apply-receipts";
import { closeUnhanded } from "./closings";
import { type DispatchMessage, queueMessageSchema } from "./messages";

/**
 * The dead-letter queue's consumer: a dispatch chunk that kept failing could not be handed to any
 * carrier, so its deliveries that never reached one end `failed` (1501) and are refunded; one whose
 * submit may be in flight is left to it (or, if it never says, to the unknown-outcome sweep). Dead
 * receipts are logged: their deliveries end by validity timeout instead. Every chunk of the batch is
 * read in one statement per shard and closed through one receipt path (in pages), so a batch costs
 * about as much as one chunk did.
 */
export async function consumeDeadLetters(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  const byShard = new Map<string, DispatchMessage[]>();
  for (const message of batch.messages) {
    const parsed = queueMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.type === "dispatch")
      byShard.set(parsed.data.shard, [...(byShard.get(parsed.data.shard) ?? []), parsed.data]);
    else log.error("queue.dead_letter", { queue_message_id: message.id, body: message.body });
  }
  for (const [shard, chunks] of byShard) await closeChunks(shardEnv(env, shard), ctx, chunks);
  for (const message of batch.messages) message.ack();
}

/** Closes what these chunks of one shard left unhanded. */
async function closeChunks(env: ShardEnv, ctx: ExecutionContext, chunks: DispatchMessage[]): Promise<void> {
  // Each chunk's own (send, dispatch, recipient) range; `+status` keeps SQLite off the status index.
  const { results } = await env.DB.prepare(
    `SELECT d.id FROM json_each(?1) j
     JOIN deliveries d ON d.send_id = j.value ->> '$.sendId' AND d.dispatch_seq = j.value ->> '$.seq'
       AND d.recipient_idx >= j.value ->> '$.from' AND d.recipient_idx < j.value ->> '$.to'
     WHERE d.carrier_message_id IS NULL AND +d.status IN ('pending', 'processing')`,
  )
    .bind(JSON.stringify(chunks.map(({ sendId, seq, from, to }) => ({ sendId, seq, from, to }))))
    .all<{ id: number }>();
  if (results.length === 0) return;
  const now = Date.now();
  await closeDeliveries(
    env,
    ctx,
    results.map((r) => r.id),
    closeUnhanded(new Date(now).toISOString(), now),
    now,
  );
}
