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

async function gzipBase64(text: string): Promise<string> {
  const packed = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(packed).arrayBuffer());
  return btoa(String.fromCharCode(...bytes));
}
// 3 KiB that compress to a few dozen bytes: a declared length says nothing of the unpacked size.
const gzipped = await gzipBase64("y".repeat(3 * responseBodyLimitBytes));

// Whatever shape the answer takes (declared length or chunked, empty or long, compressed or not), the
// attempt log keeps its first KiB and the verdict rests on the status.
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
      "a 200 of exactly the limit with a declared length",
      { status: 200, headers: { "content-length": String(limit) }, body: exact },
      exact,
    ],
    [
      "a short gzip-encoded 200 with a declared length that unpacks past the limit",
      {
        status: 200,
        headers: { "content-encoding": "gzip", "content-length": String(atob(gzipped).length) },
        bodyBase64: gzipped,
      },
      long.slice(0, responseBodyLimitBytes),
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
