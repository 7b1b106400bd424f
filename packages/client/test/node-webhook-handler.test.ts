import type { WebhookEvent } from "@lisoloo/protocol/schemas";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeWebhookHandler } from "../src/node/index.js";
import { signWebhook } from "../src/webhooks/index.js";
import { type Served, serve } from "./serve.js";
import { type WireRequest, webhookCases } from "./webhook-cases.js";
import { events, newSecret } from "./webhook-events.js";

let receiver: Served | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const path = "/webhooks/lisoloo";

async function post(wire: WireRequest) {
  const response = await fetch(`${receiver?.url}${path}`, {
    method: wire.method,
    headers: wire.headers,
    body: wire.body,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** What a receiver saw, and the options that record it. */
function recorder(secret: string) {
  const seen: WebhookEvent[] = [];
  const errors: unknown[] = [];
  return {
    seen,
    errors,
    options: {
      secret,
      onEvent: (event: WebhookEvent) => {
        seen.push(event);
      },
      onError: (error: unknown) => {
        errors.push(error);
      },
    },
  };
}

type Mount = (handler: ReturnType<typeof createNodeWebhookHandler>) => Parameters<typeof serve>[0];

const mounts: [string, Mount][] = [
  ["node:http", (handler) => handler],
  [
    "Express with express.raw",
    (handler) => express().all(path, express.raw({ type: "application/json" }), handler),
  ],
  ["Express without a body parser", (handler) => express().all(path, handler)],
];

describe.each(mounts)("createNodeWebhookHandler on %s", (_name, mount) => {
  it.each(webhookCases)("answers $name with $status", async (c) => {
    const secret = newSecret();
    const { seen, errors, options } = recorder(secret);
    receiver = await serve(mount(createNodeWebhookHandler(options)));
    const wire = await c.request(secret);
    const answer = await post(wire);
    expect(answer.status).toBe(c.status);
    expect(answer.body).toBe(c.body);
    if (c.status === 405) expect(answer.headers.get("allow")).toBe("POST");
    expect(seen).toEqual(c.delivered ? [JSON.parse(wire.body ?? "")] : []);
    expect(errors).toEqual([]);
  });

  it("answers 500 when onEvent throws, so the gateway retries, and tells onError", async () => {
    const secret = newSecret();
    const errors: unknown[] = [];
    const handler = createNodeWebhookHandler({
      secret,
      onEvent: async () => {
        throw new Error("queue full");
      },
      onError: (error) => errors.push(error),
    });
    receiver = await serve(mount(handler));
    const answer = await post({
      method: "POST",
      ...(await signWebhook({ secret, payload: events["sms.sent"]() })),
    });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain("queue full");
    expect(errors).toEqual([new Error("queue full")]);
  });
});

describe("createNodeWebhookHandler with Express", () => {
  it("hands Express's own request to onEvent", async () => {
    const secret = newSecret();
    const seen: string[] = [];
    const handler = createNodeWebhookHandler<express.Request>({
      secret,
      onEvent: (event, req) => {
        seen.push(`${event.event_type} ${req.path} ${req.get("webhook-id")}`);
      },
    });
    const app = express();
    app.post(path, express.raw({ type: "application/json" }), handler);
    receiver = await serve(app);
    const event = events["sms.delivered"]();
    const answer = await post({ method: "POST", ...(await signWebhook({ secret, payload: event })) });
    expect(answer.status).toBe(204);
    expect(seen).toEqual([`sms.delivered ${path} ${event.event_id}`]);
  });

  it("answers 500 after express.json(), which loses the signed bytes, and says what to mount instead", async () => {
    const secret = newSecret();
    const { seen, errors, options } = recorder(secret);
    const app = express();
    app.use(express.json());
    app.post(path, createNodeWebhookHandler(options));
    receiver = await serve(app);
    const answer = await post({
      method: "POST",
      ...(await signWebhook({ secret, payload: events["sms.sent"]() })),
    });
    expect(answer.status).toBe(500);
    expect(seen).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining("express.raw") })]);
  });

  it("verifies the bytes as received, not a re-serialisation of them", async () => {
    const secret = newSecret();
    const { seen, options } = recorder(secret);
    receiver = await serve(
      express().post(path, express.raw({ type: "application/json" }), createNodeWebhookHandler(options)),
    );
    const event = events["sms.failed"]();
    event.data.reason = "Numéro injoignable — réessayez";
    // Spacing no JSON.stringify would produce: any re-serialisation breaks the signature.
    const body = JSON.stringify(event, null, 3);
    const answer = await post({ method: "POST", ...(await signWebhook({ secret, payload: body })) });
    expect(answer.status).toBe(204);
    expect(seen).toEqual([event]);
  });
});
