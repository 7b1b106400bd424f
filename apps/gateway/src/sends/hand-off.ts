import type { ShardEnv } from "../env";
import { log } from "../observability/logger";
import { dispatchMessages, enqueue } from "../pipeline/enqueue";
import type { DispatchMessage } from "../pipeline/messages";
import { handOverEvents } from "../webhooks/outbox/notify";
import type { AcceptedSend } from "./accept";

/**
 * What follows a committed send: an immediate send's recipients go to the queue, and `sms.queued`
 * to the webhook dispatcher. Runs after the 201, under the request's `waitUntil`; a failure here is
 * logged and repaired by the cron sweeps (stuck dispatches are queued again, pending events handed
 * again), never by the client retrying.
 */
export async function handOff(env: ShardEnv, accepted: AcceptedSend): Promise<void> {
  const tasks: Promise<void>[] = [handOverEvents(env, accepted.routed)];
  if (accepted.quote.request.sending_type === "immediate") {
    tasks.push(
      queueDispatches(
        env,
        dispatchMessages(env.SHARD, accepted.messageId, 0, accepted.quote.request.to.length),
      ),
    );
  }
  const results = await Promise.allSettled(tasks);
  for (const r of results) {
    if (r.status === "rejected") {
      log.error("send.hand_off_failed", { message_id: accepted.messageId, error: r.reason });
    }
  }
}

type HandOffs = {
  waiting: DispatchMessage[];
  /** When the hand-off under way started its current round; null when none is under way. */
  roundSince: number | null;
};

/**
 * Dispatch messages left for the hand-off under way in this isolate, per queue. Under load one
 * `sendBatch` then carries many sends' messages instead of each send paying a round trip to the queue
 * (locally a request to another Worker on the same thread, about a fifth of what a one-recipient
 * send costs the thread).
 */
const handOffs = new WeakMap<Queue, HandOffs>();

/** Rounds one request carries for others before it leaves the next to a later request. */
const maxRoundsPerRequest = 4;

/**
 * A round still going after this long belongs to a request that died with it (its invocation
 * cancelled, so the round never ends). A `sendBatch` that is answered at all is answered well within it.
 */
const roundLostAfterMs = 60_000;

/**
 * Queues one send's dispatch messages. The request that finds no hand-off under way starts one and
 * carries, round after round, what the others left meanwhile; the others leave their messages and are
 * done. Nobody needs the answer, so no request waits on another's I/O (a request that waits for a
 * call another request made can find itself resumed outside its own context): each round runs in the
 * context of the request that carries it, held by its `waitUntil`. A round that fails is logged with
 * the sends it carried, for the sweep to queue again.
 */
function queueDispatches(env: ShardEnv, messages: DispatchMessage[]): Promise<void> {
  let state = handOffs.get(env.SEND_QUEUE);
  if (state === undefined) {
    state = { waiting: [], roundSince: null };
    handOffs.set(env.SEND_QUEUE, state);
  }
  state.waiting.push(...messages);
  // A lost round (`roundLostAfterMs`): carry on without it, or what every later request leaves would
  // wait for the sweep.
  if (state.roundSince !== null && Date.now() - state.roundSince < roundLostAfterMs) return Promise.resolve();
  return carry(env, state);
}

async function carry(env: ShardEnv, state: HandOffs): Promise<void> {
  try {
    for (let round = 0; round < maxRoundsPerRequest && state.waiting.length > 0; round++) {
      state.roundSince = Date.now();
      await enqueueLogged(env, state.waiting.splice(0));
    }
  } finally {
    state.roundSince = null;
  }
  // What came during the last round. A request arriving from now on starts a hand-off of its own, so
  // nothing is left behind and no request carries others' for long.
  if (state.waiting.length > 0) await enqueueLogged(env, state.waiting.splice(0));
}

async function enqueueLogged(env: ShardEnv, messages: DispatchMessage[]): Promise<void> {
  try {
    await enqueue(env, messages);
  } catch (error) {
    log.error("send.hand_off_failed", { message_ids: [...new Set(messages.map((m) => m.sendId))], error });
  }
}
