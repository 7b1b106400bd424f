import { errorEnvelopeSchema, messageIdSchema } from "@lisoloo/protocol";
import { createSchemaComponents, type JsonSchema } from "./components";
import { buildPaths } from "./paths";
import { buildWebhooks } from "./webhooks";

/** Where the merchant API lives on the host serving the document. */
export const API_SERVER_PATH = "/api/v1/lisoloo/sms-api";

/**
 * The document's one server: absolute, on the origin the document was asked from, so a proxy or a
 * client generator fed the document reaches this very deployment (`http://127.0.0.1:8787` under
 * `wrangler dev`, the real host when deployed) without being told where it came from.
 *
 * @example apiServer("http://127.0.0.1:8787").url // "http://127.0.0.1:8787/api/v1/lisoloo/sms-api"
 */
export function apiServer(origin: string) {
  return { url: `${origin}${API_SERVER_PATH}`, description: "The deployment that served this document" };
}

const integer = (description: string) => ({ description, schema: { type: "integer", minimum: 0 } });

function sharedParts(messageId: JsonSchema) {
  return {
    parameters: {
      MessageId: {
        name: "message_id",
        in: "path",
        required: true,
        description: "The `message_id` returned by `POST /send`",
        schema: messageId,
      },
      IdempotencyKey: {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "1–255 printable ASCII characters. The first answer is kept 24 h: the same key with the same body replays it (`Idempotent-Replayed: true`), with another body is 422 `1108`, while the first still runs is 409 `1303`.",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7e]{1,255}$" },
        example: "order-2026-05-27-0042",
      },
      Cursor: {
        name: "cursor",
        in: "query",
        required: false,
        description: "`next_cursor` of the previous page; omit for the first page",
        schema: { type: "string", minLength: 1 },
      },
      Limit: {
        name: "limit",
        in: "query",
        required: false,
        description: "Items per page",
        schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
      },
      AcceptLanguage: {
        name: "Accept-Language",
        in: "header",
        required: false,
        description: "`fr` for French error messages; codes never change",
        schema: { type: "string" },
        example: "fr",
      },
    },
    headers: {
      XRequestId: {
        description: "Equal to the error envelope's `request_id`; quote it when asking for help",
        schema: { type: "string" },
      },
      RateLimitLimit: integer("Requests allowed in the current one-minute window"),
      RateLimitRemaining: integer("Requests left in the current window"),
      RateLimitReset: integer("Seconds until the window resets"),
      RetryAfter: integer("Seconds to wait before retrying; equal to `retry_after`"),
      IdempotentReplayed: {
        description:
          "`true` when this is the stored answer of an earlier request with the same Idempotency-Key",
        schema: { type: "string", const: "true" },
      },
    },
    securitySchemes: {
      appKey: {
        type: "apiKey",
        in: "header",
        name: "app-key",
        description:
          "`sk_test_…` keys belong to the sandbox, `sk_live_…` keys to production; a key of the other environment is 401 `1001`.",
      },
      webhookBasicAuth: {
        type: "http",
        scheme: "basic",
        description: "Sent with webhooks when the key has a Basic username and password",
      },
    },
  };
}

const overview = [
  "The bulk-SMS HTTP API. JSON in, JSON out, UTF-8. Every success is `{ status_code, success: true, data }`; every 4xx and 5xx is the error envelope, whose `error_code` never changes meaning (`Accept-Language: fr` translates `message`).",
  "An unknown path answers 404 `1403`, a known path with the wrong method 405 `1404`. Every response carries `X-Request-Id`; rate-limited routes carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.",
  "Sandbox keys (`sk_test_`) go through a stub carrier; the magic numbers `+999000000001` … `+999000000008` produce each failure outcome.",
].join("\n\n");

/**
 * Builds the OpenAPI 3.1 document of the merchant API from the protocol's zod schemas — the ones
 * that validate requests — with `now` dating the example schedules and `origin` (scheme, host and
 * port, no path) placing the server. Pure: no I/O, the same in a Worker and in Node.
 *
 * @example
 * const doc = buildOpenApiDocument({ version: "0.1.0", now: new Date(), origin: "https://sms.example.org" });
 * doc.openapi // "3.1.1"
 */
export function buildOpenApiDocument(options: { version: string; now: Date; origin: string }) {
  const components = createSchemaComponents();
  const messageId = components.schemaOf(messageIdSchema);
  components.schemaOf(errorEnvelopeSchema);
  const paths = buildPaths(components, options.now);
  const webhooks = buildWebhooks(components);
  const shared = sharedParts(messageId);
  return {
    openapi: "3.1.1",
    info: {
      title: "Lisoloo SMS API",
      version: options.version,
      description: overview,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [apiServer(options.origin)],
    security: [{ appKey: [] }],
    tags: [
      { name: "Messages", description: "Send, price, follow and control SMS sends" },
      { name: "Account", description: "Wallets" },
      { name: "Service", description: "Liveness" },
      { name: "Webhooks", description: "Events sent to your endpoint" },
    ],
    paths,
    webhooks,
    components: {
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      ...shared,
    },
  };
}
