import type { ShardEnv } from "../env";
import { log } from "../observability/logger";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";
import { handOverEvents } from "../webhooks/outbox/notify";
import type { AcceptedSend } from "./accept";

/**
 * What follows a committed send: an immediate send's recipients go to the queue, and `sms.queued`
 * to the webhook dispatcher. Runs after the 201; a failure here is repaired by the cron sweeps
 * (stuck dispatches are queued again, pending events handed again), never by the client retrying.
 */
export async function handOff(env: ShardEnv, accepted: AcceptedSend): Promise<void> {
  const tasks: Promise<void>[] = [handOverEvents(env, accepted.routed)];
  if (accepted.quote.request.sending_type === "immediate") {
    tasks.push(
      enqueue(env, dispatchMessages(env.SHARD, accepted.messageId, 0, accepted.quote.request.to.length)),
    );
  }
  const results = await Promise.allSettled(tasks);
  for (const r of results) {
    if (r.status === "rejected") {
      log.error("send.hand_off_failed", { message_id: accepted.messageId, error: r.reason });
    }
  }
}
