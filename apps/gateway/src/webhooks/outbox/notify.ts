import type { ShardEnv } from "../../env";
import { log } from "../../observability/logger";
import { dispatcherFor, laneOf, lanesOf } from "../dispatcher/address";
import type { HandedEvent } from "../dispatcher/queue-store";
import { type RoutedEvent, routedEvents, routeEventsStatements } from "./route";

/**
 * Hands routed events to their dispatchers, each with the event as read back by its writer (so its
 * first attempt needs no read of D1): one RPC per destination and lane the events take (`laneOf`).
 * Call it after the batch that wrote and routed the events, under `waitUntil`. It never throws:
 * whatever it could not hand over stays `pending` and the sweep hands it later.
 *
 * @example
 * const out = await db.batch([...stateChange, insertRoutedEvents, writtenEventsStatement(db, ids)]);
 * ctx.waitUntil(handOverEvents(env, routedEvents(out.at(-1))));
 */
export async function handOverEvents(env: ShardEnv, routed: readonly RoutedEvent[]): Promise<void> {
  if (routed.length === 0) return;
  const lanes = lanesOf(env);
  const byLane = new Map<string, { destination: string; lane: number; events: HandedEvent[] }>();
  for (const event of routed) {
    const lane = laneOf(event.deliveryId, lanes);
    const at = `${lane} ${event.destination}`;
    const entry = byLane.get(at) ?? { destination: event.destination, lane, events: [] };
    entry.events.push({ id: event.id, attempts: event.attempts, event });
    byLane.set(at, entry);
  }
  const handed = await Promise.allSettled(
    [...byLane.values()].map(({ destination, lane, events }) =>
      dispatcherFor(env, destination, lane).enqueue(events),
    ),
  );
  for (const outcome of handed) {
    if (outcome.status === "rejected") {
      log.error("webhook.enqueue_failed", { error: outcome.reason });
    }
  }
}

/**
 * Routes events already in D1 (one batch) and hands them over: for the sweep and the operator's
 * re-send, whose events were not routed when written. Never throws, like `handOverEvents`.
 *
 * @example ctx.waitUntil(notifyWebhooks(env, [eventId]));
 */
export async function notifyWebhooks(env: ShardEnv, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  let routed: RoutedEvent[];
  try {
    routed = routedEvents((await env.DB.batch(routeEventsStatements(env.DB, eventIds))).at(-1));
  } catch (error) {
    log.error("webhook.route_failed", { events: eventIds.length, error });
    return;
  }
  await handOverEvents(env, routed);
}
