import { z } from "zod";
import { carrierReceiptSchema } from "../carriers/types";

/** Recipients handed to a carrier per queue message: one D1 claim and one carrier submit each. */
export const DISPATCH_CHUNK = 100;

/** The shard (`DB_0`, …) holding the send, so the consumer works on the right database. */
const shardSchema = z.string().regex(/^DB_\d{1,3}$/);

/** Submit the recipients `[from, to)` of one released dispatch. */
export const dispatchMessageSchema = z.object({
  type: z.literal("dispatch"),
  shard: shardSchema,
  sendId: z.string(),
  seq: z.int().min(0),
  from: z.int().min(0),
  to: z.int().min(1),
  /**
   * The claim token a sweep re-claimed this chunk's deliveries under, when it queues them again.
   * The consumer submits only deliveries that carry its token (by default the queue message's id),
   * so a late redelivery of a message presumed lost finds nothing left to submit.
   */
  claim: z.string().min(1).optional(),
  /**
   * Which hand-over this is for the claim: a chunk whose carrier answered `transient` for some
   * deliveries comes back as a new message with the same claim and the next attempt, after a
   * back-off that grows with it. Absent: the first.
   */
  attempt: z.int().min(1).optional(),
});

/** Receipts of one carrier, applied together (order within the list is arrival order). */
export const receiptsMessageSchema = z.object({
  type: z.literal("receipts"),
  /**
   * The shard holding the deliveries, when the connector knows it (the sandbox, a relay's signed
   * dlr-url). Absent for receipts an SMPP bind received by carrier id alone: each shard is asked.
   */
  shard: shardSchema.optional(),
  carrier: z.string(),
  receipts: z.array(carrierReceiptSchema).min(1),
  /** How many times these receipts have been looked up (unmatched ones come back later). Absent: the first. */
  attempt: z.int().min(1).optional(),
  /** The connector instance that received them (an SMPP bind, `slug#n`), told of the ones nobody claims. */
  source: z.string().max(80).optional(),
});

/**
 * One shard's jobs of one cron run, when the deployment has more shards than one cron invocation
 * runs itself (`CRON_SHARDS_PER_INVOCATION`): each then runs in a consumer invocation of its own, so
 * the D1 queries of a run never add up past one invocation's limit however many shards there are.
 */
export const cronMessageSchema = z.object({
  type: z.literal("cron"),
  shard: shardSchema,
  /** The run's scheduled time (Unix ms): every shard's jobs of one run judge "due" by the same clock. */
  scheduledTime: z.int().min(0),
});

/**
 * Everything the send and receipt queues carry. Parsed on arrival: a malformed body is dropped
 * loudly, not retried.
 */
export const queueMessageSchema = z.discriminatedUnion("type", [
  dispatchMessageSchema,
  receiptsMessageSchema,
  cronMessageSchema,
]);

export type DispatchMessage = z.infer<typeof dispatchMessageSchema>;
export type ReceiptsMessage = z.infer<typeof receiptsMessageSchema>;
export type CronMessage = z.infer<typeof cronMessageSchema>;
export type QueueMessage = z.infer<typeof queueMessageSchema>;
