import {
  failed,
  methodNotAllowed,
  type WebhookAnswer,
  type WebhookHandlerOptions,
  webhookReceiver,
} from "../webhooks/receive.js";

/**
 * What the Node receiver reads of a request: Node's `http.IncomingMessage` and Express's `Request`
 * fit (described by shape, so this package needs no Node types).
 */
export interface NodeWebhookRequest extends AsyncIterable<unknown> {
  method?: string | undefined;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Set by a body parser: the raw bytes after `express.raw()`, a parsed object after `express.json()`. */
  body?: unknown;
  /** Whether the body stream was read to its end already (by a parser). */
  readableEnded?: boolean;
}

/** What the Node receiver uses of a response: Node's `http.ServerResponse` and Express's `Response` fit. */
export interface NodeWebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk?: string): unknown;
}

const encoder = new TextEncoder();

function concat(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * The body exactly as received: the bytes a raw parser kept, or the stream read here. `null` when a
 * parser consumed the stream and kept something else (`express.json()`): re-serialising it would
 * not give back the signed bytes.
 */
async function rawBodyOf(req: NodeWebhookRequest): Promise<Uint8Array | string | null> {
  if (req.body instanceof Uint8Array || typeof req.body === "string") return req.body;
  if (req.readableEnded === true) return null;
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) {
    chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : (chunk as Uint8Array));
  }
  return concat(chunks);
}

function send(res: NodeWebhookResponse, answer: WebhookAnswer): void {
  res.statusCode = answer.status;
  if (answer.body === null) {
    res.end();
    return;
  }
  if (answer.status === 405) res.setHeader("allow", "POST");
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end(answer.body);
}

/**
 * A webhook receiver for Node's `http` server and Express (or any framework handing over Node's
 * request and response): `(req, res) => Promise<void>`. It answers exactly as `createWebhookHandler`
 * does: 204 with no body when `onEvent` resolved (or for an authentic event this package does not
 * type, such as `webhook.ping`), 401 for a bad signature, 400 for a signed body that is not an event,
 * 405 for anything but a POST, 500 when `onEvent` throws, so the gateway retries.
 *
 * It reads the body itself, or takes the bytes from `req.body` when `express.raw()` ran first. After
 * `express.json()` the original bytes are gone: it answers 500 and tells `onError` to mount
 * `express.raw({ type: "application/json" })` (or nothing) on the webhook route instead.
 *
 * @example
 * import { createServer } from "node:http";
 * import { createNodeWebhookHandler } from "@lisoloo/client/node";
 *
 * const handleWebhook = createNodeWebhookHandler({
 *   secret: process.env.LISOLOO_WEBHOOK_SECRET ?? "",
 *   async onEvent(event) {
 *     // Delivery is at least once: make this idempotent on event.event_id.
 *     console.log(event.event_type, event.message_id);
 *   },
 * });
 *
 * const port = Number(process.env.PORT ?? 3000);
 * createServer(handleWebhook).listen(port, () => console.log(`Webhooks on http://localhost:${port}`));
 * @example
 * import express from "express";
 * import { createNodeWebhookHandler } from "@lisoloo/client/node";
 *
 * const app = express();
 *
 * app.post(
 *   "/webhooks/lisoloo",
 *   express.raw({ type: "application/json" }), // the exact bytes, as signed
 *   createNodeWebhookHandler({
 *     secret: process.env.LISOLOO_WEBHOOK_SECRET ?? "",
 *     async onEvent(event) {
 *       console.log(event.event_type, event.event_id);
 *     },
 *   }),
 * );
 * app.use(express.json()); // the app's other routes, after the webhook route
 *
 * const port = Number(process.env.PORT ?? 3000);
 * app.listen(port, () => console.log(`Webhooks on http://localhost:${port}/webhooks/lisoloo`));
 */
export function createNodeWebhookHandler<R extends NodeWebhookRequest = NodeWebhookRequest>(
  options: WebhookHandlerOptions<R>,
): (req: R, res: NodeWebhookResponse) => Promise<void> {
  const receive = webhookReceiver(options);
  const answer = async (req: R): Promise<WebhookAnswer> => {
    if (req.method !== undefined && req.method !== "POST") return methodNotAllowed;
    let body: Uint8Array | string | null;
    try {
      body = await rawBodyOf(req);
    } catch {
      // The client went away mid-body: nothing to verify, and likely no one left to answer.
      return { status: 400, body: "The body could not be read" };
    }
    if (body === null) {
      return failed(
        options,
        new TypeError(
          'The webhook body was parsed before it could be verified: mount express.raw({ type: "application/json" }) on this route (or no body parser at all), not express.json()',
        ),
      );
    }
    return receive(body, req.headers, req);
  };
  // Never rejects: an unexpected failure is a 500 (the gateway retries), not an unhandled rejection.
  return async (req, res) => send(res, await answer(req).catch((error: unknown) => failed(options, error)));
}
