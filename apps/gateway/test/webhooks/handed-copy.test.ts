import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../../src/webhooks/dispatcher/dispatcher";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { wrapD1, wrapShards } from "../wrap-bindings";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receivedAt, receiverEndpoint, type ScriptedResponse, scriptReceiver } from "./receiver";

/** Reads of the outbox a dispatcher makes before an attempt (its writes are counted apart). */
const isOutboxRead = (sql: string) => /^\s*SELECT e\.id/.test(sql);

/** A webhook key, its dispatcher on a test clock, and every statement that dispatcher runs on its shard. */
async function watchedDispatcher(responses: ScriptedResponse[] = []) {
  const endpoint = receiverEndpoint();
  await scriptReceiver(endpoint.path, responses);
  const merchant = await merchantWithWebhook(endpoint.url);
  const clock = new TestClock();
  const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock);
  const statements: string[] = [];
  await runInDurableObject(stub, (instance: WebhookDispatcher) => {
    const own = instance as unknown as { env: Cloudflare.Env };
    own.env = wrapShards((db) => wrapD1(db, (sql) => void statements.push(sql)), own.env);
  });
  return { endpoint, merchant, clock, stub, statements };
}

describe("the event its writer hands over", () => {
  it("is attempted the first time without reading D1; a retry reads the event and its key afresh", async () => {
    const { endpoint, merchant, clock, stub, statements } = await watchedDispatcher([
      { status: 500 },
      { status: 200 },
    ]);
    const { eventId } = await insertEvent({ keyId: merchant.keyId });

    // Routed, read back and handed over with the event, as a writer's batch does.
    await notifyWebhooks(merchant.shard, [eventId]);
    expect(await runAlarm(stub)).toBe(true);
    expect(await receivedAt(endpoint.path)).toHaveLength(1);
    expect(statements.filter(isOutboxRead)).toEqual([]);
    expect(await eventRow(eventId)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await eventRow(eventId)).taken_at).not.toBeNull();

    // The retry is read from D1: it goes out with the key's secret as it is now.
    clock.advanceTo((await eventRow(eventId)).next_attempt_at as number);
    expect(await runAlarm(stub)).toBe(true);
    expect(statements.filter(isOutboxRead)).toHaveLength(1);
    expect(await receivedAt(endpoint.path)).toHaveLength(2);
    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 2 });
    expect((await attemptRows(eventId)).map((a) => a.verdict)).toEqual(["retry", "delivered"]);
  });

  it("is read from D1 when handed over without its copy (an older caller, a test)", async () => {
    const { endpoint, merchant, stub, statements } = await watchedDispatcher();
    const { eventId } = await insertEvent({ keyId: merchant.keyId });
    await merchant.shard.DB.prepare("UPDATE webhook_events SET destination = ?1 WHERE id = ?2")
      .bind(endpoint.url, eventId)
      .run();
    await stub.enqueue([{ id: eventId, attempts: 0 }]);
    expect(await runAlarm(stub)).toBe(true);
    expect(statements.filter(isOutboxRead)).toHaveLength(1);
    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 1 });
  });
});
