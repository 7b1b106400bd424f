/** What one archive run may take: sends (one R2 put each) and deliveries (recipients × dispatches). */
export type ArchiveShare = { sends: number; deliveries: number };

/**
 * What the archive may spend in ONE cron invocation, over every shard it runs: the cron runs every
 * job of every shard in the same invocation, so this is the whole invocation's, never a shard's.
 *
 * - `sends`: one R2 put each, and nothing else of the invocation calls R2. A Worker invocation may
 *   make 1000 subrequests (R2 calls among them); 400 leaves the rest to D1 round trips and the other
 *   jobs' queue and Durable Object calls.
 * - `deliveries`: what bounds the rows (about 8 to 10 a delivery at archive time, webhook attempts
 *   being purged long before) that the runs read, hold and delete, hence their memory and the D1
 *   statements their pages and delete chunks take (see archive-sends.ts for the arithmetic).
 */
export const ARCHIVE_PER_INVOCATION: ArchiveShare = { sends: 400, deliveries: 10_000 };

/**
 * Shards that archive in one invocation, taking turns minute by minute when there are more. Every
 * run costs a few D1 statements whatever it moves (its candidates, a claim and a read per group, a
 * delete batch), and may move one send of up to ARCHIVABLE_MAX_DELIVERIES even past its share: two
 * runs an invocation keep both within the invocation's budget however many shards there are, where
 * one run per shard would grow with them (and past 400 shards leave each less than one send).
 */
export const ARCHIVE_SHARDS_PER_INVOCATION = 2;

const MINUTE_MS = 60_000;

/**
 * The archive share of shard `index` (of `count`, in `shardNames` order) in the cron invocation
 * scheduled at `scheduledTime`, or null when it is another shard's turn. The invocation's budget is
 * split evenly among the shards whose turn it is; with more shards than ARCHIVE_SHARDS_PER_INVOCATION
 * each minute takes the next ones, so every shard gets the same number of turns.
 *
 * @example archiveShareOf(0, 1, now) // { sends: 400, deliveries: 10_000 }: one shard takes it all
 * @example archiveShareOf(1, 2, now) // { sends: 200, deliveries: 5_000 }: two share it every minute
 * @example archiveShareOf(3, 10, now) // a fifth of the minutes { sends: 200, … }, otherwise null
 */
export function archiveShareOf(index: number, count: number, scheduledTime: number): ArchiveShare | null {
  const turns = Math.min(count, ARCHIVE_SHARDS_PER_INVOCATION);
  const first = (Math.floor(scheduledTime / MINUTE_MS) * turns) % count;
  if ((index - first + count) % count >= turns) return null;
  return {
    sends: Math.floor(ARCHIVE_PER_INVOCATION.sends / turns),
    deliveries: Math.floor(ARCHIVE_PER_INVOCATION.deliveries / turns),
  };
}
