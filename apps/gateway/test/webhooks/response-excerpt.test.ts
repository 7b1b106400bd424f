import { describe, expect, it } from "vitest";
import { responseBodyLimitBytes } from "../../src/webhooks/dispatcher/deliver";
import { notifyWebhooks } from "../../src/webhooks/outbox/notify";
import {
  attemptRows,
  drivenDispatcher,
  eventRow,
  insertEvent,
  merchantWithWebhook,
  runAlarm,
  TestClock,
} from "./fixtures";
import { receiverEndpoint, type ScriptedResponse, scriptReceiver } from "./receiver";

// Whatever shape the answer takes (declared length or chunked, empty or long), the attempt log keeps
// its first KiB and the verdict rests on the status.
describe("what an attempt keeps of the receiver's answer", () => {
  const limit = responseBodyLimitBytes;
  const long = "y".repeat(3 * limit);
  const exact = "z".repeat(limit);
  it.each<[string, ScriptedResponse, string]>([
    ["an empty 200 with a declared length", { status: 200, headers: { "content-length": "0" } }, ""],
    ["an empty 200 without one", { status: 200 }, ""],
    ["a 204", { status: 204 }, ""],
    [
      "a short 200 with a declared length",
      { status: 200, headers: { "content-length": "6" }, body: "thanks" },
      "thanks",
    ],
    ["a short chunked 200", { status: 200, body: "thanks" }, "thanks"],
    ["a long chunked 200", { status: 200, body: long }, long.slice(0, responseBodyLimitBytes)],
    ["a 200 of exactly the limit", { status: 200, body: exact }, exact],
    // "é" is two bytes in UTF-8: the limit falls between them.
    [
      "a 200 cut through a character",
      { status: 200, body: `${"y".repeat(limit - 1)}é` },
      `${"y".repeat(limit - 1)}\uFFFD`,
    ],
    [
      "a long 200 with a declared length",
      { status: 200, headers: { "content-length": String(long.length) }, body: long },
      long.slice(0, responseBodyLimitBytes),
    ],
  ])("%s", async (_, answer, kept) => {
    const endpoint = receiverEndpoint();
    await scriptReceiver(endpoint.path, [answer]);
    const merchant = await merchantWithWebhook(endpoint.url);
    const stub = await drivenDispatcher(merchant.shard, endpoint.url, new TestClock());
    const { eventId } = await insertEvent({ keyId: merchant.keyId });
    await notifyWebhooks(merchant.shard, [eventId]);
    await runAlarm(stub);

    expect(await eventRow(eventId)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await attemptRows(eventId)).toMatchObject([
      { attempt: 1, response_status: answer.status, response_body: kept, verdict: "delivered", error: null },
    ]);
  });
});
