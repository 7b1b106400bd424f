import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dispatcherFor } from "../../src/webhooks/dispatcher/address";
import {
  addToQueue,
  holdsMoreThan,
  leaseDue,
  nextWakeAt,
  removeFromQueue,
} from "../../src/webhooks/dispatcher/queue-store";
import type { OutboxEvent } from "../../src/webhooks/outbox/outbox-store";
import { merchantWithWebhook } from "./fixtures";
import { receiverEndpoint } from "./receiver";

/** A statement as the queue ran it, with its bindings. */
type Ran = { query: string; bindings: unknown[] };

/** `sql`, recording every statement run through it. */
function recording(sql: SqlStorage, ran: Ran[]): SqlStorage {
  return new Proxy(sql, {
    get(target, property) {
      if (property === "exec")
        return (query: string, ...bindings: unknown[]) => {
          ran.push({ query, bindings });
          return target.exec(query, ...bindings);
        };
      return Reflect.get(target, property, target);
    },
  });
}

function handed(id: string, deliveryId: number, sequence: number) {
  return { id, attempts: 0, event: { deliveryId, sequence } as OutboxEvent };
}

describe("the dispatcher's queue statements", () => {
  // The storage keeps no statistics, so SQLite picks indexes by their shape alone: the waiting
  // events (a burst's later events, thousands at once) share one due time, and a statement that
  // looks them up by it walks them all each time it runs.
  it("never walk the waiting events to find the few they change", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const stub = dispatcherFor(merchant.shard, endpoint.url);
    await runInDurableObject(stub, (_instance, state) => {
      const ran: Ran[] = [];
      const sql = recording(state.storage.sql, ran);
      const now = Date.now();
      const events = Array.from({ length: 30 }, (_, i) => handed(crypto.randomUUID(), 1_000 + (i % 10), i));
      const { added, waiting } = addToQueue(sql, events, now);
      expect(added).toHaveLength(30);
      expect(waiting).toHaveLength(20);
      holdsMoreThan(sql, 64);
      const leased = leaseDue(sql, now, now + 30_000, 32);
      expect(leased).toHaveLength(10);
      removeFromQueue(
        sql,
        leased.map((l) => l.eventId),
        now,
      );
      nextWakeAt(sql);
      // The next event of each delivery fell due.
      expect(leaseDue(sql, now, now + 30_000, 32)).toHaveLength(10);

      expect(ran.length).toBeGreaterThanOrEqual(7);
      for (const { query, bindings } of ran) {
        const plan = state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...bindings)
          .toArray()
          .map((r) => r.detail);
        for (const step of plan) expect(step, query).not.toMatch(/queue_due \(next_attempt_at=\?\)/);
      }
    });
  });
});
