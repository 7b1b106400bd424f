import { DISPATCH_CHUNK, type DispatchMessage } from "./messages";

/**
 * Dispatch messages of one batch that are handed over together: those of the same shard, as long as
 * their recipients together stay within one chunk's size. A one-recipient send (a login code) is a
 * chunk of one, and claiming, marking, submitting and recording ten of them at once costs the four
 * D1 round trips of one instead of forty; a full chunk of a campaign keeps a group of its own, so a
 * carrier is never handed more at once than before. Arrival order is kept within each shard.
 */
export function dispatchGroups<T extends { body: DispatchMessage }>(items: T[]): T[][] {
  const groups: T[][] = [];
  const open = new Map<string, { group: T[]; size: number }>();
  for (const item of items) {
    const size = item.body.to - item.body.from;
    const current = open.get(item.body.shard);
    if (current !== undefined && current.size + size <= DISPATCH_CHUNK) {
      current.group.push(item);
      current.size += size;
      continue;
    }
    const group = [item];
    groups.push(group);
    open.set(item.body.shard, { group, size });
  }
  return groups;
}
