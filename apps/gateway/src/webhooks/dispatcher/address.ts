import { configOf } from "../../config/config";
import type { ShardEnv } from "../../env";

/**
 * A destination's lane of an event: which of the destination's dispatchers delivers it. All of a
 * delivery's events share one (its recipient's events keep their order, which only one dispatcher
 * can hold); a send's own event goes to the first. With several lanes (`WEBHOOK_DISPATCHER_LANES`), a
 * burst to one URL leaves through as many Durable Objects side by side: each runs on one thread and,
 * deployed, keeps only six requests waiting for an answer at once.
 *
 * @example laneOf(1234, 8) // 2
 */
export function laneOf(deliveryId: number | null, lanes: number): number {
  return deliveryId === null ? 0 : deliveryId % lanes;
}

/** How many dispatchers share each destination in this deployment (`WEBHOOK_DISPATCHER_LANES`). */
export function lanesOf(env: ShardEnv): number {
  return configOf(env).webhookDispatcherLanes;
}

/**
 * The dispatcher of one lane of one destination URL for one shard's events: per URL, so a slow
 * endpoint only delays its own events, and per shard, so the dispatcher knows from its name alone
 * which database holds its events. A URL has no space, so the name splits back unambiguously. Lane 0
 * keeps the name a destination's one dispatcher had before lanes, so a queue from then carries on.
 *
 * @example await dispatcherFor(env, "https://shop.example/hooks", 0).enqueue([{ id: eventId, attempts: 0 }])
 */
export function dispatcherFor(env: ShardEnv, destination: string, lane: number) {
  const name = lane === 0 ? `${env.SHARD} ${destination}` : `${env.SHARD} ${destination} ${lane}`;
  return env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName(name));
}

/** Every lane's dispatcher of a destination, lane 0 first: for views of its whole queue. */
export function dispatchersOf(env: ShardEnv, destination: string) {
  return Array.from({ length: lanesOf(env) }, (_, lane) => dispatcherFor(env, destination, lane));
}

/** The shard whose events a dispatcher named by `dispatcherFor` delivers. */
export function shardOfDispatcher(name: string | undefined): string {
  return name?.slice(0, name.indexOf(" ")) ?? "";
}
