import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../../src/webhooks/dispatcher/dispatcher";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import { waitFor } from "../helpers";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  lanePlaces,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receivedAt, receiverEndpoint, scriptReceiver } from "./receiver";

describe("attempts that hang", () => {
  // One, then more than half the places (past the point where the dispatcher gathers free places
  // into a batch before reading): either way the places still free take the retries on time.
  it.each([1, Math.floor((lanePlaces * 3) / 4)])(
    "%i hanging hold up none of the retries falling due to the same destination meanwhile",
    async (hangs) => {
      const endpoint = receiverEndpoint();
      // Three events fail once (500); the next requests, fresh events' first attempts, hang past the
      // timeout; everything after them is answered at once.
      await scriptReceiver(endpoint.path, [
        { status: 500 },
        { status: 500 },
        { status: 500 },
        ...Array.from({ length: hangs }, () => ({ status: 200, delayMs: 15_000 })),
        { status: 200 },
      ]);
      const merchant = await merchantWithWebhook(endpoint.url);
      const clock = new TestClock();
      const stub = await drivenDispatcher(merchant.shard, endpoint.url, clock, 5000);
      await runInDurableObject(stub, (instance: WebhookDispatcher) => {
        instance.random = () => 0.5; // no jitter: the three retries fall due together, 30 s on
      });
      const retried: string[] = [];
      for (let i = 0; i < 3; i++)
        retried.push((await insertEvent({ keyId: merchant.keyId, sequence: i })).eventId);
      await notifyWebhooks(merchant.shard, retried);
      await runAlarm(stub);
      const retryAt = (await eventRow(retried[0] as string)).next_attempt_at as number;
      for (const id of retried)
        expect(await eventRow(id)).toMatchObject({ status: "pending", next_attempt_at: retryAt });

      const hanging: string[] = [];
      for (let i = 0; i < hangs; i++)
        hanging.push((await insertEvent({ keyId: merchant.keyId, sequence: 10 + i })).eventId);
      await notifyWebhooks(merchant.shard, hanging);
      // From here the dispatcher's clock runs with the real one: the retries fall due half a second
      // after the hanging attempts start, and their timeout is 5 s away.
      const startedAt = Date.now();
      await runInDurableObject(stub, (instance: WebhookDispatcher) => {
        instance.now = () => retryAt - 500 + (Date.now() - startedAt);
      });
      const run = runAlarm(stub);

      // Every retry is delivered while the hanging attempts are all still without an outcome.
      await waitFor(
        () => Promise.all(retried.map((id) => eventRow(id))),
        (events) => events.every((e) => e.status === "delivered"),
      );
      for (const id of hanging) expect(await attemptRows(id)).toEqual([]);
      const ids = (await receivedAt(endpoint.path)).map((r) => r.headers["webhook-id"]);
      expect(ids.slice(0, 3).sort()).toEqual([...retried].sort());
      expect(ids.slice(3, 3 + hangs).sort()).toEqual([...hanging].sort());
      expect(ids.slice(3 + hangs).sort()).toEqual([...retried].sort());

      // Then they time out and are retried like any other.
      await run;
      for (const id of hanging) {
        expect(await attemptRows(id)).toMatchObject([
          { attempt: 1, response_status: null, error: "Timed out" },
        ]);
        expect(await eventRow(id)).toMatchObject({ status: "pending", attempts: 1 });
      }
    },
  );
});
