import { afterEach, describe, expect, it, vi } from "vitest";
import { createLisolooClient } from "../src/index.js";
import { type FakeApi, ok, startFakeApi } from "./fake-api.js";
import { balanceData } from "./fixtures.js";

const PREFIX = "/api/v1/lisoloo/sms-api";

let api: FakeApi | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await api?.close();
  api = undefined;
});

describe("LISOLOO_API_KEY and LISOLOO_BASE_URL", () => {
  it("are used when the options leave them out", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    vi.stubEnv("LISOLOO_API_KEY", "sk_test_from_env");
    vi.stubEnv("LISOLOO_BASE_URL", api.url);
    await expect(createLisolooClient().balance()).resolves.toEqual(balanceData());
    expect(api.requests[0]?.headers["app-key"]).toBe("sk_test_from_env");
  });

  it("give way to the options", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    vi.stubEnv("LISOLOO_API_KEY", "sk_test_from_env");
    vi.stubEnv("LISOLOO_BASE_URL", "http://127.0.0.1:1");
    await createLisolooClient({ apiKey: "sk_test_given", baseUrl: api.url }).balance();
    expect(api.requests[0]?.headers["app-key"]).toBe("sk_test_given");
  });

  it("accept a base URL pasted with the API's own prefix", async () => {
    api = await startFakeApi(() => ok(balanceData()));
    vi.stubEnv("LISOLOO_API_KEY", "sk_test_from_env");
    vi.stubEnv("LISOLOO_BASE_URL", `${api.url}${PREFIX}/`);
    await createLisolooClient().balance();
    expect(api.requests[0]?.url).toBe(`${PREFIX}/balance`);
  });

  it("leave the default gateway when LISOLOO_BASE_URL is unset or empty", async () => {
    const seen: string[] = [];
    const fetch = async (input: string) => {
      seen.push(input);
      return Response.json({ status: "ok", environment: "sandbox", version: "1.0.0" });
    };
    vi.stubEnv("LISOLOO_API_KEY", "sk_test_from_env");
    vi.stubEnv("LISOLOO_BASE_URL", "");
    await createLisolooClient({ fetch }).health();
    expect(seen).toEqual([`http://127.0.0.1:8787${PREFIX}/health`]);
  });

  it("a missing key throws a TypeError that says where a key comes from", () => {
    vi.stubEnv("LISOLOO_API_KEY", undefined);
    expect(() => createLisolooClient()).toThrow(TypeError);
    expect(() => createLisolooClient({ apiKey: undefined })).toThrow(/apiKey.*LISOLOO_API_KEY/);
    vi.stubEnv("LISOLOO_API_KEY", "");
    expect(() => createLisolooClient()).toThrow(/LISOLOO_API_KEY/);
  });

  it("a bad LISOLOO_BASE_URL is named as such", () => {
    vi.stubEnv("LISOLOO_API_KEY", "sk_test_from_env");
    vi.stubEnv("LISOLOO_BASE_URL", "api.lisoloo.test");
    expect(() => createLisolooClient()).toThrow(
      /LISOLOO_BASE_URL is not an absolute URL: api\.lisoloo\.test/,
    );
  });

  it("are not needed where there is no process (browsers, Workers)", async () => {
    const saved = globalThis.process;
    const fetch = async () => Response.json({ status: "ok", environment: "sandbox", version: "1.0.0" });
    let client: ReturnType<typeof createLisolooClient>;
    try {
      // @ts-expect-error: a browser's globalThis has no process.
      delete globalThis.process;
      expect(() => createLisolooClient({ fetch })).toThrow(/LISOLOO_API_KEY/);
      client = createLisolooClient({ apiKey: "sk_test_x", fetch });
    } finally {
      // Put back at once: the test runner itself needs it.
      globalThis.process = saved;
    }
    await expect(client.health()).resolves.toMatchObject({ status: "ok" });
  });
});
