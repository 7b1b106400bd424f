import type { ShardEnv } from "../../env";

/**
 * The dispatcher of one destination URL for one shard's events: one per URL, so a slow endpoint only
 * delays its own events, and per shard, so the dispatcher knows from its name alone which database
 * holds its events. A URL has no space, so the name splits back unambiguously.
 *
 * @example await dispatcherFor(env, "https://shop.example/hooks").enqueue([{ id: eventId, attempts: 0 }])
 */
export function dispatcherFor(env: ShardEnv, destination: string) {
  return env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName(`${env.SHARD} ${destination}`));
}

/** The shard whose events a dispatcher named by `dispatcherFor` delivers. */
export function shardOfDispatcher(name: string | undefined): string {
  return name?.slice(0, name.indexOf(" ")) ?? "";
}
