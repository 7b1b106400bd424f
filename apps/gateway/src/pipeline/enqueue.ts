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
 * Sends messages to the send queue in batches the queue accepts. A delay applies to every message
 * (used for receipts that arrive later, such as the sandbox's slow number).
 */
export async function enqueue(env: WorkerEnv, messages: QueueMessage[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    await env.SEND_QUEUE.sendBatch(
      messages.slice(i, i + SEND_BATCH_LIMIT).map((body) => ({ body, contentType: "json" as const })),
      delaySeconds > 0 ? { delaySeconds } : undefined,
    );
  }
}
