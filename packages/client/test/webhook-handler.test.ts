import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookHandler, signWebhook } from "../src/webhooks/index.js";
import { type WireRequest, webhookCases } from "./webhook-cases.js";
import { events, newSecret } from "./webhook-events.js";

const url = "https://receiver.test/webhooks/lisoloo";
/** A Fetch request of `wire`: a POST unless it says otherwise. */
const requestOf = (wire: Omit<WireRequest, "method"> & { method?: string }) =>
  new Request(url, { method: wire.method ?? "POST", headers: wire.headers, body: wire.body });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createWebhookHandler", () => {
  it.each(webhookCases)("answers $name with $status", async (c) => {
    const secret = newSecret();
    const seen: unknown[] = [];
    const handle = createWebhookHandler({
      secret,
      onEvent: (event, request) => {
        seen.push({ event, url: request.url });
      },
    });
    const wire = await c.request(secret);
    const response = await handle(requestOf(wire));
    expect(response.status).toBe(c.status);
    expect(await response.text()).toBe(c.body);
    if (c.status === 204) expect(response.body).toBeNull();
    if (c.status === 405) expect(response.headers.get("allow")).toBe("POST");
    expect(seen).toEqual(c.delivered ? [{ event: JSON.parse(wire.body ?? ""), url }] : []);
  });

  it("answers only once onEvent has resolved", async () => {
    const secret = newSecret();
    let release: () => void = () => {};
    const handle = createWebhookHandler({
      secret,
      onEvent: () => new Promise<void>((resolve) => (release = resolve)),
    });
    let answered = false;
    const answer = handle(requestOf(await signWebhook({ secret, payload: events["sms.sent"]() }))).then(
      (response) => {
        answered = true;
        return response;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    expect((await answer).status).toBe(204);
  });

  it.each([
    [
      "throws",
      () => {
        throw new Error("database down");
      },
    ],
    [
      "rejects",
      async () => {
        throw new Error("database down");
      },
    ],
  ])("answers 500 when onEvent %s, so the gateway retries, and tells onError", async (_how, onEvent) => {
    const secret = newSecret();
    const errors: unknown[] = [];
    const handle = createWebhookHandler({ secret, onEvent, onError: (error) => errors.push(error) });
    const response = await handle(requestOf(await signWebhook({ secret, payload: events["sms.sent"]() })));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("database");
    expect(errors).toEqual([new Error("database down")]);
  });

  it("reports a failing onEvent on the console when no onError is given", async () => {
    const secret = newSecret();
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const handle = createWebhookHandler({
      secret,
      onEvent: () => {
        throw new Error("database down");
      },
    });
    await handle(requestOf(await signWebhook({ secret, payload: events["sms.sent"]() })));
    expect(consoleError).toHaveBeenCalledWith(expect.any(String), new Error("database down"));
  });

  it("accepts either secret while one is rotated", async () => {
    const [older, newer] = [newSecret(), newSecret()];
    const handle = createWebhookHandler({ secret: [newer, older], onEvent: () => {} });
    for (const secret of [older, newer]) {
      const response = await handle(
        requestOf(await signWebhook({ secret, payload: events["sms.queued"]() })),
      );
      expect(response.status).toBe(204);
    }
  });

  it("applies toleranceSeconds", async () => {
    const secret = newSecret();
    const handle = createWebhookHandler({ secret, toleranceSeconds: 10, onEvent: () => {} });
    const timestamp = Math.floor(Date.now() / 1000) - 60;
    const response = await handle(
      requestOf(await signWebhook({ secret, payload: events["sms.sent"](), timestamp })),
    );
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("timestamp_too_old");
  });

  it.each([[""], ["whsec_not base64!"], [[]], [undefined]])(
    "refuses the secret %j when it is made",
    (secret) => {
      expect(() => createWebhookHandler({ secret: secret as string, onEvent: () => {} })).toThrow(TypeError);
    },
  );
});
