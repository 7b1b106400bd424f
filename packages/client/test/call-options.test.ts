import { afterEach, describe, expect, it } from "vitest";
import { createLisolooClient, type LisolooClientOptions, LisolooTimeoutError } from "../src/index.js";
import { apiError, type FakeApi, ok, type Reply, startScriptedApi } from "./fake-api.js";
import { balanceData, newMessageId, recipientDelivery, sendData, statusData } from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A client against a server that answers `replies` in order, then keeps answering the last one. */
async function scripted(replies: Reply[], options: Partial<LisolooClientOptions> = {}) {
  api = await startScriptedApi(replies);
  const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, ...options });
  return { client, api };
}

const sendBody = { to: ["+243998857000"], message: "Hi" };

describe("timeoutMs per call", () => {
  it("shortens the client's budget for one call", async () => {
    const { client, api } = await scripted([{ ...ok(balanceData()), delayMs: 2_000 }], { timeoutMs: 30_000 });
    const error = await client.balance({ timeoutMs: 100, retry: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100 });
    expect(api.requests).toHaveLength(1);
  });

  it("lengthens it for one call", async () => {
    const { client } = await scripted([{ ...ok(balanceData()), delayMs: 300 }], {
      timeoutMs: 100,
      retry: false,
    });
    await expect(client.balance()).rejects.toBeInstanceOf(LisolooTimeoutError);
    await expect(client.balance({ timeoutMs: 10_000 })).resolves.toEqual(balanceData());
  });
});

describe("retry per call", () => {
  it("false tries once where the client would retry", async () => {
    const { client, api } = await scripted([apiError("1402"), ok(balanceData())], {
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    await expect(client.balance({ retry: false })).rejects.toMatchObject({ error_code: "1402" });
    expect(api.requests).toHaveLength(1);
  });

  it("retries where the client would not, keeping the client's other settings", async () => {
    const { client, api } = await scripted(
      [apiError("1402"), apiError("1401"), "drop", ok(sendData(), 201)],
      { retry: false },
    );
    await expect(client.send(sendBody, { retry: { attempts: 4, baseDelayMs: 1 } })).resolves.toBeDefined();
    expect(api.requests).toHaveLength(4);
    expect(new Set(api.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
  });

  it("replaces only the fields it gives", async () => {
    const { client, api } = await scripted([apiError("1401")], { retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(client.status(newMessageId(), { retry: { attempts: 4 } })).rejects.toMatchObject({
      error_code: "1401",
    });
    expect(api.requests).toHaveLength(4);
  });

  it("never makes cancel, pause or resume retry after a failure that may have run them", async () => {
    const { client, api } = await scripted([apiError("1402"), ok({})]);
    await expect(
      client.cancel(newMessageId(), { retry: { attempts: 5, baseDelayMs: 1 } }),
    ).rejects.toMatchObject({
      error_code: "1402",
    });
    expect(api.requests).toHaveLength(1);
  });
});

describe("bad call options", () => {
  it.each([
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ timeoutMs: Number.NaN }, /timeoutMs/],
    [{ retry: { attempts: 0 } }, /attempts/],
    [{ retry: { maxDelayMs: -5 } }, /maxDelayMs/],
  ])("%j rejects the call, which sends nothing", async (options, message) => {
    const { client, api } = await scripted([ok(balanceData())]);
    await expect(client.balance(options)).rejects.toThrow(message);
    await expect(client.withResponse.balance(options)).rejects.toThrow(message);
    expect(api.requests).toHaveLength(0);
  });
});

describe("waitForFinal and allRecipients", () => {
  it("waitForFinal reads the status under requestTimeoutMs and retry", async () => {
    const id = newMessageId();
    const { client, api } = await scripted([{ ...ok(statusData(id)), delayMs: 2_000 }]);
    const error = await client
      .waitForFinal(id, { requestTimeoutMs: 100, retry: false, timeoutMs: 60_000 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "LisolooTimeoutError", timeoutMs: 100 });
    expect(api.requests).toHaveLength(1);
  });

  it("allRecipients fetches every page under the call's retry policy", async () => {
    const id = newMessageId();
    const page = (next: string | null) =>
      ok({ message_id: id, items: [recipientDelivery()], next_cursor: next });
    const { client, api } = await scripted([page("c1"), apiError("1401"), page(null)], { retry: false });
    const seen = [];
    for await (const item of client.allRecipients(id, { retry: { attempts: 2, baseDelayMs: 1 } }))
      seen.push(item);
    expect(seen).toHaveLength(2);
    expect(api.requests).toHaveLength(3);
  });
});
