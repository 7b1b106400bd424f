import type { WorkerEnv } from "../env";
import { log } from "../observability/logger";
import { shardEnv } from "../shards/shard-env";
import { closeDeliveries } from "./apply-receipts";
import { closeUnhanded } from "./closings";
import { queueMessageSchema } from "./messages";

/**
 * The dead-letter queue's consumer: a dispatch chunk that kept failing could not be handed to any
 * carrier, so its deliveries that never reached one end `failed` (1501) and are refunded; one whose
 * submit may be in flight is left to it (or, if it never says, to the unknown-outcome sweep). Dead
 * receipts are logged: their deliveries end by validity timeout instead.
 */
export async function consumeDeadLetters(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = queueMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.type === "dispatch") {
      const chunk = parsed.data;
      const shard = shardEnv(env, chunk.shard);
      const { results } = await shard.DB.prepare(
        `SELECT id FROM deliveries WHERE send_id = ?1 AND dispatch_seq = ?2 AND recipient_idx >= ?3 AND recipient_idx < ?4
           AND carrier_message_id IS NULL AND +status IN ('pending', 'processing')`,
      )
        .bind(chunk.sendId, chunk.seq, chunk.from, chunk.to)
        .all<{ id: number }>();
      if (results.length > 0) {
        const now = Date.now();
        await closeDeliveries(
          shard,
          ctx,
          results.map((r) => r.id),
          closeUnhanded(new Date(now).toISOString(), now),
          now,
        );
      }
    } else {
      log.error("queue.dead_letter", { queue_message_id: message.id, body: message.body });
    }
    message.ack();
  }
}
