import { createExecutionContext, createMessageBatch, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkConfig } from "../src/config/config";
import worker from "../src/index";
import { ADMIN, ADMIN_TOKEN, BASE, fetchWith } from "./helpers";

/** The error lines the Worker logged while `run` ran, parsed. */
async function loggedErrors(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await run();
    return spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("configuration, checked once", () => {
  it("a bad variable fails the first request with 503 1402 and logs what is wrong", async () => {
    // A deployment of production that kept the development flag for localhost webhooks.
    const bad = {
      ...env,
      ENVIRONMENT: "production",
      ALLOW_HTTP_LOCALHOST_WEBHOOKS: "true",
    } as Cloudflare.Env;
    let res: Response | undefined;
    const errors = await loggedErrors(async () => {
      res = await fetchWith(bad, `${BASE}/balance`, { headers: { "app-key": "sk_live_whatever" } });
    });
    expect(res?.status).toBe(503);
    const body = (await res?.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ success: false, status_code: 503, error_code: "1402", retryable: true });
    expect(res?.headers.get("x-request-id")).toBe(body.request_id);
    expect(JSON.stringify(body)).not.toContain("ALLOW_HTTP_LOCALHOST_WEBHOOKS");
    expect(errors).toEqual([
      expect.objectContaining({
        level: "error",
        event: "config.invalid",
        findings: [
          {
            variable: "ALLOW_HTTP_LOCALHOST_WEBHOOKS",
            problem:
              'Must not be "true" in production: http://localhost webhooks are for local development only',
          },
        ],
      }),
    ]);

    // Parsed once: the next request of the same deployment is refused without a second report.
    const again = await loggedErrors(async () => {
      res = await fetchWith(bad, `${ADMIN}/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    });
    expect(res?.status).toBe(503);
    expect(again).toEqual([]);
  });

  it("names a bad secret without printing it", async () => {
    const bad = { ...env, ADMIN_TOKEN: "letmein", CREDENTIALS_KEY: undefined } as unknown as Cloudflare.Env;
    let res: Response | undefined;
    const errors = await loggedErrors(async () => {
      res = await fetchWith(bad, `${BASE}/health`);
    });
    expect(res?.status).toBe(503);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.findings).toEqual([
      {
        variable: "ADMIN_TOKEN",
        problem: "Too short: a secret needs at least 16 characters (the value is not shown)",
      },
      { variable: "CREDENTIALS_KEY", problem: "Missing: set it with `wrangler secret put CREDENTIALS_KEY`" },
    ]);
    expect(JSON.stringify(errors)).not.toContain("letmein");
  });

  it("queue batches and cron runs fail with the same findings, and the batch comes back later", async () => {
    const bad = { ...env, SANDBOX_SLOW_DELIVERY_SECONDS: "thirty" } as Cloudflare.Env;
    const batch = createMessageBatch("lisoloo-send-sandbox", [
      {
        id: "cfg-1",
        timestamp: new Date(),
        attempts: 1,
        body: { type: "dispatch", sendId: "x", seq: 0, from: 0, to: 1 },
      },
    ]);
    const retryAll = vi.spyOn(batch, "retryAll");
    await loggedErrors(async () => {
      await expect(worker.queue(batch, bad, createExecutionContext())).rejects.toThrow(
        "Invalid configuration: SANDBOX_SLOW_DELIVERY_SECONDS: Must be a whole number of seconds",
      );
    });
    expect(retryAll).toHaveBeenCalledWith({ delaySeconds: 300 });
    await expect(
      worker.scheduled(
        createScheduledController({ scheduledTime: Date.now() }),
        bad,
        createExecutionContext(),
      ),
    ).rejects.toThrow("SANDBOX_SLOW_DELIVERY_SECONDS");
  });

  it("the deployment's own environment is valid, and checked once", () => {
    const first = checkConfig(env);
    expect(first).toMatchObject({
      ok: true,
      config: { environment: "sandbox", sandboxSlowDeliverySeconds: 2 },
    });
    expect(checkConfig(env)).toBe(first);
  });
});
