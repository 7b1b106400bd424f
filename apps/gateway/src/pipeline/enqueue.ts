import type { WorkerEnv } from "../env";
import { DISPATCH_CHUNK, type DispatchMessage, type QueueMessage } from "./messages";

/** Queues take at most 100 messages per `sendBatch`. */
const SEND_BATCH_LIMIT = 100;

/** The dispatch messages that hand every recipient of one dispatch to the pipeline. */
export function dispatchMessages(
  shard: string,
  sendId: string,
  seq: number,
  recipients: number,
): DispatchMessage[] {
  const out: DispatchMessage[] = [];
  for (let from = 0; from < recipients; from += DISPATCH_CHUNK) {
    out.push({ type: "dispatch", shard, sendId, seq, from, to: Math.min(recipients, from + DISPATCH_CHUNK) });
  }
  return out;
}

/**
 * The queue a message goes to. Receipts have one of their own: queues are FIFO, and on the send queue
 * the receipts for a campaign's first chunks would wait behind every chunk queued after them.
 */
export function queueOf(env: WorkerEnv, message: QueueMessage): Queue {
  return message.type === "receipts" ? env.RECEIPT_QUEUE : env.SEND_QUEUE;
}

/**
 * Sends messages to their queues (`queueOf`) in batches the queues accept, in order within each
 * queue. A delay applies to every message (used for receipts that arrive later, such as the
 * sandbox's slow number).
 */
export async function enqueue(env: WorkerEnv, messages: QueueMessage[], delaySeconds = 0): Promise<void> {
  const byQueue = new Map<Queue, QueueMessage[]>();
  for (const message of messages) {
    const queue = queueOf(env, message);
    const list = byQueue.get(queue);
    if (list) list.push(message);
    else byQueue.set(queue, [message]);
  }
  for (const [queue, list] of byQueue) {
    for (let i = 0; i < list.length; i += SEND_BATCH_LIMIT) {
      await queue.sendBatch(
        list.slice(i, i + SEND_BATCH_LIMIT).map((body) => ({ body, contentType: "json" as const })),
        delaySeconds > 0 ? { delaySeconds } : undefined,
      );
    }
  }
}
