import { afterEach, describe, expect, it } from "vitest";
import { createLisolooClient, type LisolooClient, LisolooResponseError } from "../src/index.js";
import { type FakeApi, ok, type Reply, startFakeApi } from "./fake-api.js";
import {
  balanceData,
  cancelData,
  healthData,
  newMessageId,
  newPhone,
  pauseData,
  previewData,
  recipientDelivery,
  resumeData,
  sendData,
  statusData,
} from "./fixtures.js";

const PREFIX = "/api/v1/lisoloo/sms-api";
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function clientFor(reply: (index: number) => Reply, apiKey = `sk_test_${newMessageId()}`) {
  api = await startFakeApi((_request, index) => reply(index));
  return { client: createLisolooClient({ apiKey, baseUrl: api.url, retry: false }), api, apiKey };
}

type MethodCase = {
  name: string;
  call: (client: LisolooClient, id: string) => Promise<unknown>;
  method: string;
  path: (id: string) => string;
  reply: (id: string) => Reply;
  data: (reply: Reply) => unknown;
  body?: unknown;
};

const dataOf = (reply: Reply) => (reply as { body: { data: unknown } }).body.data;
const sendBody = { to: ["+243998857000", "+243 812 345 678"], message: "Votre code : 4821" };

const methods: MethodCase[] = [
  {
    name: "send",
    call: (c) => c.send(sendBody),
    method: "POST",
    path: () => "/send",
    reply: (id) => ok(sendData(id), 201),
    data: dataOf,
    body: sendBody,
  },
  {
    name: "preview",
    call: (c) => c.preview(sendBody),
    method: "POST",
    path: () => "/preview",
    reply: () => ok(previewData()),
    data: dataOf,
    body: sendBody,
  },
  {
    name: "status",
    call: (c, id) => c.status(id),
    method: "GET",
    path: (id) => `/status/${id}`,
    reply: (id) => ok(statusData(id)),
    data: dataOf,
  },
  {
    name: "recipients",
    call: (c, id) => c.recipients(id, { cursor: "MC4x", limit: 2 }),
    method: "GET",
    path: (id) => `/status/${id}/recipients?cursor=MC4x&limit=2`,
    reply: (id) =>
      ok({ message_id: id, items: [recipientDelivery(), recipientDelivery()], next_cursor: null }),
    data: dataOf,
  },
  {
    name: "balance",
    call: (c) => c.balance(),
    method: "GET",
    path: () => "/balance",
    reply: () => ok(balanceData()),
    data: dataOf,
  },
  {
    name: "cancel",
    call: (c, id) => c.cancel(id),
    method: "DELETE",
    path: (id) => `/cancel/${id}`,
    reply: (id) => ok(cancelData(id)),
    data: dataOf,
  },
  {
    name: "pause",
    call: (c, id) => c.pause(id),
    method: "POST",
    path: (id) => `/pause/${id}`,
    reply: (id) => ok(pauseData(id)),
    data: dataOf,
  },
  {
    name: "resume",
    call: (c, id) => c.resume(id),
    method: "POST",
    path: (id) => `/resume/${id}`,
    reply: (id) => ok(resumeData(id)),
    data: dataOf,
  },
  {
    name: "health",
    call: (c) => c.health(),
    method: "GET",
    path: () => "/health",
    reply: () => ({ status: 200, body: healthData() }),
    data: (reply) => (reply as { body: unknown }).body,
  },
];

describe("each method", () => {
  it.each(methods)("$name: $method, returns the validated data", async (m) => {
    const id = newMessageId();
    const reply = m.reply(id);
    const { client, api, apiKey } = await clientFor(() => reply);
    await expect(m.call(client, id)).resolves.toEqual(m.data(reply));
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.method).toBe(m.method);
    expect(request?.url).toBe(`${PREFIX}${m.path(id)}`);
    expect(request?.headers["app-key"]).toBe(m.name === "health" ? undefined : apiKey);
    expect(request?.headers.accept).toBe("application/json");
    if (m.body === undefined) {
      expect(request?.body).toBe("");
      expect(request?.headers["content-type"]).toBeUndefined();
    } else {
      expect(JSON.parse(request?.body ?? "")).toEqual(m.body);
      expect(request?.headers["content-type"]).toBe("application/json");
    }
    expect(request?.headers["idempotency-key"]).toEqual(
      m.name === "send" ? expect.stringMatching(uuidV4) : undefined,
    );
    // Without a language the client sets none (Node's fetch then sends its default "*").
    expect(request?.headers["accept-language"] ?? "*").toBe("*");
  });

  it("sends the caller's Idempotency-Key as given, and a fresh one per call otherwise", async () => {
    const { client, api } = await clientFor(() => ok(sendData(), 201));
    const mine = `order-${newMessageId()}`;
    await client.send(sendBody, { idempotencyKey: mine });
    await client.send(sendBody);
    await client.send(sendBody);
    const keys = api.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toBe(mine);
    expect(new Set(keys).size).toBe(3);
  });

  it("percent-encodes a message id so it stays one path segment", async () => {
    const { client, api } = await clientFor(() => ok(statusData(newMessageId())));
    await client.status("../balance?x=1");
    expect(api.requests[0]?.url).toBe(`${PREFIX}/status/..%2Fbalance%3Fx%3D1`);
  });

  it("keeps a base URL's path and drops its trailing slashes", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: `${api.url}/edge//` });
    await client.balance();
    expect(api.requests[0]?.url).toBe(`/edge${PREFIX}/balance`);
  });

  it("calls the fetch it is given", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    const seen: string[] = [];
    const client = createLisolooClient({
      apiKey: "sk_test_x",
      baseUrl: api.url,
      fetch: (input, init) => {
        seen.push(`${init.method} ${input}`);
        return fetch(input, init);
      },
    });
    await client.balance();
    expect(seen).toEqual([`GET ${api.url}${PREFIX}/balance`]);
  });

  it.each([
    [{ apiKey: "" }, /apiKey/],
    [{ apiKey: "sk_test_x", baseUrl: "api.lisoloo.test" }, /baseUrl/],
    [{ apiKey: "sk_test_x", timeoutMs: 0 }, /timeoutMs/],
    [{ apiKey: "sk_test_x", retry: { attempts: 0 } }, /attempts/],
    [{ apiKey: "sk_test_x", retry: { baseDelayMs: -1 } }, /baseDelayMs/],
  ])("refuses the options %j", (options, message) => {
    expect(() => createLisolooClient(options)).toThrow(message);
  });
});

describe("responses", () => {
  it("ignores fields a newer API adds", async () => {
    const id = newMessageId();
    const data = statusData(id);
    const { client } = await clientFor(() => ok({ ...data, eta_seconds: 4 }));
    await expect(client.status(id)).resolves.toEqual(data);
  });

  it("throws LisolooResponseError when a success body breaks the contract, without retrying", async () => {
    const id = newMessageId();
    api = await startFakeApi(() => ok({ ...statusData(id), status: "teleported" }));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, retry: { baseDelayMs: 1 } });
    const error = await client.status(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LisolooResponseError);
    expect(error).toMatchObject({
      status: 200,
      issues: [expect.objectContaining({ path: ["data", "status"] })],
    });
    expect(api.requests).toHaveLength(1);
  });

  it("reads the whole recipients list through the iterator, page after page", async () => {
    const id = newMessageId();
    const items = Array.from({ length: 5 }, () => recipientDelivery());
    const pages = [
      { items: items.slice(0, 2), next_cursor: "c2" },
      { items: items.slice(2, 4), next_cursor: "c4" },
      { items: items.slice(4), next_cursor: null },
    ];
    const { client, api } = await clientFor((i) => ok({ message_id: id, ...pages[i] }));
    const seen = [];
    for await (const item of client.allRecipients(id, { limit: 2 })) seen.push(item);
    expect(seen).toEqual(items);
    expect(api.requests.map((r) => r.url)).toEqual([
      `${PREFIX}/status/${id}/recipients?limit=2`,
      `${PREFIX}/status/${id}/recipients?cursor=c2&limit=2`,
      `${PREFIX}/status/${id}/recipients?cursor=c4&limit=2`,
    ]);
  });

  it("iterates nothing for a send without recipients yet, after one request", async () => {
    const id = newMessageId();
    const { client, api } = await clientFor(() => ok({ message_id: id, items: [], next_cursor: null }));
    const seen = [];
    for await (const item of client.allRecipients(id)) seen.push(item);
    expect(seen).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it("stops fetching pages when the loop breaks", async () => {
    const id = newMessageId();
    const { client, api } = await clientFor(() =>
      ok({ message_id: id, items: [recipientDelivery(newPhone())], next_cursor: "more" }),
    );
    for await (const item of client.allRecipients(id)) {
      expect(item.status).toBe("delivered");
      break;
    }
    expect(api.requests).toHaveLength(1);
  });
});
