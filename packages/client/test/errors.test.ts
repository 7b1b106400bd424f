import { errorByCode, frenchErrorMessages, type HttpErrorCode } from "@lisoloo/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createLisolooClient, LisolooApiError, LisolooError, LisolooResponseError } from "../src/index.js";
import { apiError, type FakeApi, languageOf, startFakeApi } from "./fake-api.js";
import { newMessageId } from "./fixtures.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("the error envelope", () => {
  it("becomes a LisolooApiError with every field of the envelope", async () => {
    const details = [
      { field: "to[0]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" },
      { field: "to[2]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" },
    ];
    const reply = apiError("1104", { details });
    api = await startFakeApi(() => reply);
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const error = await failure(client.send({ to: ["12ab", "+243998857000", "x"], message: "Hi" }));
    const body = reply.body;
    expect(error).toBeInstanceOf(LisolooApiError);
    expect(error).toBeInstanceOf(LisolooError);
    expect(error).toMatchObject({
      name: "LisolooApiError",
      status: 400,
      error_code: "1104",
      error_name: "INVALID_PHONE_NUMBER",
      message: "Invalid phone number",
      details,
      request_id: body.request_id,
      retryable: false,
      retry_after: null,
      timestamp: body.timestamp,
    });
  });

  const final: HttpErrorCode[] = [
    "1001",
    "1002",
    "1004",
    "1106",
    "1108",
    "1201",
    "1202",
    "1204",
    "1304",
    "1404",
  ];

  it.each(final)("%s is not retried, whatever the method", async (code) => {
    api = await startFakeApi(() => apiError(code));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, retry: { baseDelayMs: 1 } });
    const calls = [
      () => client.send({ to: ["+243998857000"], message: "Hi" }),
      () => client.status(newMessageId()),
      () => client.cancel(newMessageId()),
    ];
    for (const call of calls) {
      const error = await failure(call());
      expect(error).toMatchObject({ error_code: code, status: errorByCode(code).http, retryable: false });
    }
    expect(api.requests).toHaveLength(calls.length);
  });

  it("keeps a code newer than this package, without a catalogue name", async () => {
    const reply = apiError("1110");
    api = await startFakeApi(() => ({
      ...reply,
      body: { ...reply.body, error_code: "1999", message: "Something new" },
    }));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const error = await failure(client.balance());
    expect(error).toMatchObject({
      error_code: "1999",
      error_name: null,
      message: "Something new",
      status: 400,
    });
  });

  it("is not invented from a body that is not the envelope", async () => {
    api = await startFakeApi(() => ({ status: 404, raw: "<h1>Not Found</h1>" }));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(LisolooResponseError);
    expect(error).toMatchObject({ status: 404, body: "<h1>Not Found</h1>" });
  });

  it("falls back on the Retry-After header when the envelope has no retry_after", async () => {
    const reply = apiError("1301", { retryAfter: 7 });
    api = await startFakeApi(() => ({ ...reply, body: { ...reply.body, retry_after: null } }));
    const client = createLisolooClient({ apiKey: "sk_test_x", baseUrl: api.url, retry: false });
    expect(await failure(client.balance())).toMatchObject({
      error_code: "1301",
      retry_after: 7,
      retryable: true,
    });
  });
});

describe("languages", () => {
  it.each([
    { language: "fr", header: "fr", message: frenchErrorMessages["1201"] },
    { language: "en", header: "en", message: "Message not found" },
    // No language: the client sets no header and Node's fetch sends its default "*".
    { language: undefined, header: "*", message: "Message not found" },
  ] as const)(
    "language $language asks for $header and gets “$message”",
    async ({ language, header, message }) => {
      api = await startFakeApi((request) => apiError("1201", { language: languageOf(request) }));
      const client = createLisolooClient({
        apiKey: "sk_test_x",
        baseUrl: api.url,
        ...(language === undefined ? {} : { language }),
      });
      const error = await failure(client.status(newMessageId()));
      expect(error).toMatchObject({ error_code: "1201", error_name: "MESSAGE_NOT_FOUND", message });
      expect(api.requests[0]?.headers["accept-language"] ?? "*").toBe(header);
    },
  );
});
