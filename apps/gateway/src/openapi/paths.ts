import {
  balanceDataSchema,
  balanceResponseSchema,
  cancelDataSchema,
  cancelResponseSchema,
  type HttpErrorCode,
  healthResponseSchema,
  pauseResponseSchema,
  previewResponseSchema,
  recipientsResponseSchema,
  resumeDataSchema,
  resumeResponseSchema,
  sendDataSchema,
  sendRequestSchema,
  sendResponseSchema,
  statusDataSchema,
  statusResponseSchema,
} from "@lisoloo/protocol";
import type { z } from "zod";
import type { JsonSchema, SchemaComponents } from "./components";
import { authenticatedErrorCodes, errorResponses } from "./errors";
import { responseDataExamples, sendRequestExamples } from "./examples";

type Method = "get" | "post" | "delete";

/** The per-key, per-minute buckets of CONTRACT §9. */
const buckets = { send: 60, status: 120, balance: 30, preview: 120 } as const;

type OperationSpec = {
  method: Method;
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** The rate-limit bucket; absent = no app-key, no limit. */
  bucket?: keyof typeof buckets;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  success: { status: number; description: string; schema: z.ZodType; example: unknown; headers?: JsonSchema };
  errors: readonly HttpErrorCode[];
};

const ref = (kind: "parameters" | "headers", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The first example a schema's metadata documents. */
function firstExample(schema: z.ZodType): unknown {
  const examples: unknown = schema.meta()?.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

/** A success envelope around the example its `data` schema documents, else the one written here. */
function enveloped(status: number, dataSchema: z.ZodType | null, fallback?: unknown) {
  return { status_code: status, success: true, data: dataSchema ? firstExample(dataSchema) : fallback };
}

/** `/preview` answers what `/send` would, without the id and status of a stored send. */
function previewExample(): unknown {
  const {
    message_id: _id,
    status: _status,
    ...priced
  } = firstExample(sendDataSchema) as Record<string, unknown>;
  return priced;
}

const sendBodyErrors = ["1101", "1102", "1103", "1104", "1105", "1106", "1109", "1110", "1203"] as const;

function specs(components: SchemaComponents, now: Date): OperationSpec[] {
  const sendBody = {
    required: true,
    content: {
      "application/json": {
        schema: components.schemaOf(sendRequestSchema),
        examples: sendRequestExamples(now),
      },
    },
  };
  const messageId = [ref("parameters", "MessageId")];
  return [
    {
      method: "post",
      path: "/send",
      operationId: "send",
      tag: "Messages",
      summary: "Send an SMS to 1–1000 recipients",
      description:
        "Accepts an immediate, scheduled or recurring send and debits its whole `total_cost` at once, prepaid wallet first, then postpaid. The `sms.queued` event follows the 201. With `Idempotency-Key`, a replay of the same body returns the first answer again with `Idempotent-Replayed: true` and sends nothing.",
      bucket: "send",
      parameters: [ref("parameters", "IdempotencyKey")],
      requestBody: sendBody,
      success: {
        status: 201,
        description: "Accepted: stored, debited and queued",
        schema: sendResponseSchema,
        example: enveloped(201, sendDataSchema),
        headers: { "Idempotent-Replayed": ref("headers", "IdempotentReplayed") },
      },
      errors: [...sendBodyErrors, "1108", "1202", "1205", "1303", "1304", "1305"],
    },
    {
      method: "post",
      path: "/preview",
      operationId: "preview",
      tag: "Messages",
      summary: "Price a send without sending it",
      description:
        "Same body and validation as `POST /send`; answers what `/send` would charge. Nothing is stored, debited or sent.",
      bucket: "preview",
      requestBody: sendBody,
      success: {
        status: 200,
        description: "What the send would cost",
        schema: previewResponseSchema,
        example: enveloped(200, null, previewExample()),
      },
      errors: [...sendBodyErrors, "1304", "1305"],
    },
    {
      method: "get",
      path: "/status/{message_id}",
      operationId: "getStatus",
      tag: "Messages",
      summary: "Aggregate status and delivery counts of a send",
      description:
        "Counts are of deliveries (recipient × dispatch), future dispatches included: `delivered + failed + pending + cancelled = total_deliveries`. Another merchant's `message_id` answers 404 like a missing one.",
      bucket: "status",
      parameters: messageId,
      success: {
        status: 200,
        description: "The send's status",
        schema: statusResponseSchema,
        example: enveloped(200, statusDataSchema),
      },
      errors: ["1201"],
    },
    {
      method: "get",
      path: "/status/{message_id}/recipients",
      operationId: "listRecipients",
      tag: "Messages",
      summary: "Per-recipient, per-dispatch detail",
      description:
        "One page of deliveries ordered by dispatch, then recipient. Pass `next_cursor` as `cursor` for the next page; it is `null` on the last one.",
      bucket: "status",
      parameters: [...messageId, ref("parameters", "Cursor"), ref("parameters", "Limit")],
      success: {
        status: 200,
        description: "One page",
        schema: recipientsResponseSchema,
        example: enveloped(200, null, responseDataExamples.recipients),
      },
      errors: ["1110", "1201"],
    },
    {
      method: "delete",
      path: "/cancel/{message_id}",
      operationId: "cancel",
      tag: "Messages",
      summary: "Cancel what has not reached a carrier",
      description:
        "Cancels every delivery and dispatch not yet handed to a carrier and refunds them to the wallets they were paid from. Shares the send rate-limit bucket.",
      bucket: "send",
      parameters: messageId,
      success: {
        status: 200,
        description: "Cancelled and refunded",
        schema: cancelResponseSchema,
        example: enveloped(200, cancelDataSchema),
      },
      errors: ["1201", "1204"],
    },
    {
      method: "post",
      path: "/pause/{message_id}",
      operationId: "pause",
      tag: "Messages",
      summary: "Hold the future dispatches of a scheduled or recurring send",
      description:
        "Scheduled and recurring sends only; other states answer 409 `1204`. Shares the send bucket.",
      bucket: "send",
      parameters: messageId,
      success: {
        status: 200,
        description: "Paused",
        schema: pauseResponseSchema,
        example: enveloped(200, null, responseDataExamples.pause),
      },
      errors: ["1201", "1204"],
    },
    {
      method: "post",
      path: "/resume/{message_id}",
      operationId: "resume",
      tag: "Messages",
      summary: "Release a paused send",
      description:
        "Dispatches whose time passed while paused are skipped and refunded; the rest go on. Shares the send bucket.",
      bucket: "send",
      parameters: messageId,
      success: {
        status: 200,
        description: "Resumed",
        schema: resumeResponseSchema,
        example: enveloped(200, resumeDataSchema),
      },
      errors: ["1201", "1204"],
    },
    {
      method: "get",
      path: "/balance",
      operationId: "getBalance",
      tag: "Account",
      summary: "Balance, unit price and available SMS",
      description:
        "Both wallets (prepaid `sms_wallet_balance`, drawn first, and `postpaid_wallet_balance`; a missing one is `0`), their sum `balance`, `unit_price` and `available_sms = floor(balance / unit_price)`. 400 `1205` when the merchant has neither wallet.",
      bucket: "balance",
      success: {
        status: 200,
        description: "Balances",
        schema: balanceResponseSchema,
        example: enveloped(200, balanceDataSchema),
      },
      errors: ["1205"],
    },
    {
      method: "get",
      path: "/health",
      operationId: "health",
      tag: "Service",
      summary: "Liveness",
      description: "No app-key, no rate limit, no envelope: load balancers read the body as is.",
      success: {
        status: 200,
        description: "The service is up",
        schema: healthResponseSchema,
        example: firstExample(healthResponseSchema),
      },
      errors: [],
    },
  ];
}

function operationOf(spec: OperationSpec, components: SchemaComponents): JsonSchema {
  const limited = spec.bucket !== undefined;
  const successHeaders: JsonSchema = { "X-Request-Id": ref("headers", "XRequestId") };
  if (limited) {
    successHeaders["RateLimit-Limit"] = ref("headers", "RateLimitLimit");
    successHeaders["RateLimit-Remaining"] = ref("headers", "RateLimitRemaining");
    successHeaders["RateLimit-Reset"] = ref("headers", "RateLimitReset");
  }
  const limit =
    spec.bucket === undefined
      ? ""
      : `\n\nRate limit: ${buckets[spec.bucket]} requests per minute per key (\`${spec.bucket}\` bucket).`;
  const codes = limited ? [...authenticatedErrorCodes, ...spec.errors] : spec.errors;
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description + limit,
    ...(limited ? {} : { security: [] }),
    parameters: [...(spec.parameters ?? []), ...(limited ? [ref("parameters", "AcceptLanguage")] : [])],
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: {
      [String(spec.success.status)]: {
        description: spec.success.description,
        headers: { ...successHeaders, ...spec.success.headers },
        content: {
          "application/json": {
            schema: components.schemaOf(spec.success.schema),
            example: spec.success.example,
          },
        },
      },
      ...errorResponses(codes),
    },
  };
}

/**
 * The `paths` of the merchant API (CONTRACT §1), relative to the `/api/v1/lisoloo/sms-api` server,
 * filling `components` with every schema they use.
 */
export function buildPaths(components: SchemaComponents, now: Date): Record<string, JsonSchema> {
  const paths: Record<string, JsonSchema> = {};
  for (const spec of specs(components, now)) {
    paths[spec.path] = { ...paths[spec.path], [spec.method]: operationOf(spec, components) };
  }
  return paths;
}
