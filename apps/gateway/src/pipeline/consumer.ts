import { keepOrphans } from "../carriers/orphans";
import type { CarrierReceipt } from "../carriers/types";
import { runShardJobs } from "../cron/scheduled";
import type { WorkerEnv } from "../env";
import { log } from "../observability/logger";
import { everyShard, shardEnv } from "../shards/shard-env";
import { applyReceiptsAndNotify } from "./apply-receipts";
import { processDispatchChunks } from "./dispatch-chunk";
import { dispatchGroups } from "./dispatch-groups";
import { enqueue } from "./enqueue";
import {
  type CronMessage,
  type DispatchMessage,
  type QueueMessage,
  queueMessageSchema,
  type ReceiptsMessage,
} from "./messages";
import { receiptGroups } from "./receipt-groups";

/** Back-off for a message that failed: 2, 4, 8, 16, 32 s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}

/**
 * Receipts that name no known delivery yet (a receipt can overtake our write of the carrier id) are
 * looked up again this much later, this many times in all (about a minute), then kept as orphans.
 */
const UNMATCHED_RECEIPT_DELAY_SECONDS = 5;
const UNMATCHED_RECEIPT_ATTEMPTS = 12;

/**
 * Applies receipts in the shard they name, or, for receipts known by carrier id alone (an SMPP
 * bind's), in each shard in turn: a receipt matches a delivery in one shard at most, so each shard
 * is only asked about what the ones before it did not claim. Returns what none claimed (the very
 * objects given).
 */
async function applyInShards(
  env: WorkerEnv,
  ctx: ExecutionContext,
  shard: string | undefined,
  carrier: string,
  receipts: CarrierReceipt[],
): Promise<CarrierReceipt[]> {
  const shards = shard === undefined ? everyShard(env) : [shardEnv(env, shard)];
  let unmatched = receipts;
  for (const one of shards) {
    if (unmatched.length === 0) break;
    unmatched = (await applyReceiptsAndNotify(one, ctx, carrier, unmatched)).unmatched;
  }
  return unmatched;
}

/**
 * Applies a group of receipt messages at once, then settles each message on its own: the receipts
 * of it that matched nothing are looked up again later, or kept as orphans once out of attempts.
 */
async function handleReceipts(
  env: WorkerEnv,
  ctx: ExecutionContext,
  group: { message: Message<unknown>; body: ReceiptsMessage }[],
): Promise<void> {
  const head = group[0]?.body;
  if (head === undefined) return;
  const unmatched = new Set(
    await applyInShards(
      env,
      ctx,
      head.shard,
      head.carrier,
      group.flatMap((g) => g.body.receipts),
    ),
  );
  for (const { message, body } of group) {
    const left = body.receipts.filter((r) => unmatched.has(r));
    if (left.length === 0) continue;
    // Counted in the message, since each look-up again is a new message (whose `attempts` restart).
    const attempt = Math.max(body.attempt ?? 1, message.attempts);
    if (attempt < UNMATCHED_RECEIPT_ATTEMPTS) {
      await enqueue(
        env,
        [{ ...body, receipts: left, attempt: attempt + 1 }],
        UNMATCHED_RECEIPT_DELAY_SECONDS,
      );
    } else {
      await keepOrphans(env, body.carrier, body.source ?? null, left);
    }
  }
}

/** Hands a group of dispatch chunks of one shard over together, each under its own claim token. */
async function handleDispatches(
  env: WorkerEnv,
  ctx: ExecutionContext,
  group: { message: Message<unknown>; body: DispatchMessage }[],
): Promise<void> {
  const head = group[0]?.body;
  if (head === undefined) return;
  await processDispatchChunks(
    shardEnv(env, head.shard),
    ctx,
    group.map(({ message, body }) => ({ msg: body, token: body.claim ?? message.id })),
  );
}

/**
 * Dispatch groups of one batch handled at once: while one waits on D1 (claim, mark, ids), another
 * keeps the carrier's submit window full. Receipts keep one lane, in arrival order: a `sent` applied
 * after its `delivered` is recorded, not applied, and its event would never be emitted.
 */
const DISPATCH_LANES = 4;

async function inLanes<T>(items: T[], lanes: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/**
 * The consumer of the send queue and the receipt queue: it reads every message type, whichever queue
 * a batch comes from. Each message is acknowledged on its own, so a failure in the middle of a batch
 * retries only the messages that did not finish (with back-off); what still fails after the queue's
 * retries goes to the dead-letter queue.
 */
export async function consumeSendQueue(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  const dispatches: [Message<unknown>, QueueMessage][] = [];
  const receipts: [Message<unknown>, QueueMessage][] = [];
  const crons: [Message<unknown>, QueueMessage][] = [];
  for (const message of batch.messages) {
    const parsed = queueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // A body we cannot read will never become readable: drop it loudly instead of retrying it.
      log.error("queue.malformed", { queue_message_id: message.id, issues: parsed.error.issues });
      message.ack();
      continue;
    }
    const lane = { dispatch: dispatches, receipts, cron: crons }[parsed.data.type];
    lane.push([message, parsed.data]);
  }
  // A shard's cron jobs run in a batch of their own: they may cost about 470 D1 queries and 400 R2
  // calls, more than anything else a batch carries. The other messages go back to their queues (as new
  // messages, not retries, which would count against their attempts); the next batches take them.
  if (crons.length > 0) {
    const others = [...crons.splice(1), ...dispatches.splice(0), ...receipts.splice(0)];
    // A dispatch keeps its claim token (by default its message id), so deliveries an earlier delivery
    // of that message claimed are still its own to submit.
    const resent = others.map(([message, body]) =>
      body.type === "dispatch" ? { ...body, claim: body.claim ?? message.id } : body,
    );
    if (resent.length > 0) await enqueue(env, resent);
    for (const [message] of others) message.ack();
  }
  // A group fails or succeeds as one. Applying receipts again is harmless (a receipt already applied
  // is recorded, not applied twice), losing one is not; handing chunks over again is too (each keeps
  // its claim token: what was marked or taken under it is not submitted twice).
  const runGroup =
    <B>(handleGroup: (group: { message: Message<unknown>; body: B }[]) => Promise<void>) =>
    async (group: { message: Message<unknown>; body: B }[]) => {
      try {
        await handleGroup(group);
        for (const { message } of group) message.ack();
      } catch (error) {
        for (const { message } of group) {
          log.error("queue.retry", { queue_message_id: message.id, attempts: message.attempts, error });
          message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        }
      }
    };
  const receiptItems = receipts.flatMap(([message, body]) =>
    body.type === "receipts" ? [{ message, body }] : [],
  );
  const dispatchItems = dispatches.flatMap(([message, body]) =>
    body.type === "dispatch" ? [{ message, body }] : [],
  );
  await Promise.all([
    inLanes(
      dispatchGroups(dispatchItems),
      DISPATCH_LANES,
      runGroup<DispatchMessage>((group) => handleDispatches(env, ctx, group)),
    ),
    inLanes(
      receiptGroups(receiptItems),
      1,
      runGroup<ReceiptsMessage>((group) => handleReceipts(env, ctx, group)),
    ),
    // At most one is left (the others went back to their queue above).
    inLanes(
      crons.flatMap(([message, body]) => (body.type === "cron" ? [[{ message, body }]] : [])),
      1,
      runGroup<CronMessage>(async ([cron]) => {
        if (cron) await runShardJobs([shardEnv(env, cron.body.shard)], ctx, cron.body.scheduledTime);
      }),
    ),
  ]);
}
