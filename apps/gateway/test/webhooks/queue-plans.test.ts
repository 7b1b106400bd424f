import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dispatcherFor } from "../../src/webhooks/dispatcher/address";
import {
  addToQueue,
  createQueueSchema,
  holdsMoreThan,
  leaseDue,
  listQueue,
  nextWakeAt,
  removeFromQueue,
  reschedule,
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
    const stub = dispatcherFor(merchant.shard, endpoint.url, 0);
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
        for (const step of plan) {
          // Neither a look-up by due time alone (it matches every waiting event) nor a walk of the table.
          expect(step, query).not.toMatch(/\(next_attempt_at=\?\)/);
          expect(step, query).not.toMatch(/^SCAN queue$/);
        }
      }
    });
  });

  it("keep no index on the due time alone: every look-up by due time has the lease index", async () => {
    const endpoint = receiverEndpoint();
    const merchant = await merchantWithWebhook(endpoint.url);
    const stub = dispatcherFor(merchant.shard, endpoint.url, 0);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // A queue made before the index was dropped gets rid of it when its dispatcher starts.
      sql.exec("CREATE INDEX IF NOT EXISTS queue_due ON queue (next_attempt_at)");
      createQueueSchema(sql);
      const indexes = sql
        .exec<{ name: string }>("SELECT name FROM pragma_index_list('queue') ORDER BY name")
        .toArray()
        .map((r) => r.name);
      expect(indexes).toEqual(["queue_delivery", "queue_lease_due", "sqlite_autoindex_queue_1"]);
      // Listing the queue in due order (operators, tests) still works, sorted without an index.
      const now = Date.now();
      addToQueue(sql, [handed("a", 7, 1), handed("b", 8, 1)], now);
      reschedule(sql, "a", now + 30_000);
      expect(listQueue(sql).map((e) => [e.eventId, e.nextAttemptAt])).toEqual([
        ["b", now],
        ["a", now + 30_000],
      ]);
    });
  });
});
