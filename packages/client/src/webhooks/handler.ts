import {
  failed,
  methodNotAllowed,
  type WebhookAnswer,
  type WebhookHandlerOptions,
  webhookReceiver,
} from "./receive.js";

function responseOf(answer: WebhookAnswer): Response {
  if (answer.body === null) return new Response(null, { status: answer.status });
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (answer.status === 405) headers.allow = "POST";
  return new Response(answer.body, { status: answer.status, headers });
}

/**
 * A webhook receiver for any Fetch-style server (Cloudflare Workers, Deno, Bun, Hono's `c.req.raw`,
 * Next.js route handlers): `(request) => Promise<Response>`. It verifies the signature on the exact
 * bytes received, parses the event with the protocol's schema and calls `onEvent`, then answers:
 *
 * - 204, no body: `onEvent` resolved; also an authentic event this package does not type, such as
 *   an operator's `webhook.ping`, which `onEvent` never sees;
 * - 401: missing or wrong signature headers, a signature that matches no secret, a timestamp out of
 *   tolerance (the gateway does not retry a 4xx);
 * - 400: signed, but not a Lisoloo event; 405: not a POST;
 * - 500: `onEvent` threw or rejected (reported to `onError`), so the gateway retries the event.
 *
 * @example
 * import { createWebhookHandler } from "@lisoloo/client/webhooks";
 *
 * // A Cloudflare Worker (with nodejs_compat, secrets also appear in process.env), Deno or Bun.
 * const handleWebhook = createWebhookHandler({
 *   secret: process.env.LISOLOO_WEBHOOK_SECRET ?? "",
 *   async onEvent(event) {
 *     // Delivery is at least once: make this idempotent on event.event_id.
 *     if (event.event_type === "sms.failed") console.log(event.data.recipient_phone, event.data.error_code);
 *     else console.log(event.event_type, event.message_id);
 *   },
 * });
 *
 * export default {
 *   fetch(request: Request): Promise<Response> {
 *     return handleWebhook(request);
 *   },
 * };
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions<Request>,
): (request: Request) => Promise<Response> {
  const receive = webhookReceiver(options);
  const answer = async (request: Request): Promise<WebhookAnswer> => {
    if (request.method !== "POST") return methodNotAllowed;
    return receive(new Uint8Array(await request.arrayBuffer()), request.headers, request);
  };
  // Never rejects: an unexpected failure is a 500 (the gateway retries), whatever the framework does.
  return async (request) =>
    responseOf(await answer(request).catch((error: unknown) => failed(options, error)));
}
