import {
  balanceResponseSchema,
  cancelResponseSchema,
  errorEnvelopeSchema,
  healthResponseSchema,
  pauseResponseSchema,
  previewResponseSchema,
  recipientsResponseSchema,
  resumeResponseSchema,
  sendRequestSchema,
  sendResponseSchema,
  statusResponseSchema,
  webhookEventSchema,
} from "@lisoloo/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { api, call, newMerchant } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: the test walks an arbitrary JSON document
type Json = Record<string, any>;

const ORIGIN = "http://gateway.test";
let doc: Json;

beforeAll(async () => {
  const res = await call(`${ORIGIN}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  doc = JSON.parse(await res.text());
});

/** Follows a local `#/…` JSON pointer inside the document. */
function resolve(ref: string): Json {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<Json | undefined>(
      (node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")],
      doc,
    ) as Json;
}

function deref(node: Json): Json {
  return typeof node.$ref === "string" ? deref(resolve(node.$ref)) : node;
}

/** Forbids undocumented keys in every object that does not say otherwise. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== "object") return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)]));
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * A validator built from the document's own JSON Schema (not from the zod schema behind it): the
 * components become `$defs` of one standalone schema that zod's JSON Schema reader compiles. With
 * `closed`, objects also refuse keys the document does not list, to catch undocumented fields in
 * real answers (the document itself leaves response objects open for readers).
 */
function validatorFor(schema: Json, options: { closed?: boolean } = {}): z.ZodType {
  const standalone = JSON.parse(
    JSON.stringify({ ...schema, $defs: doc.components.schemas }).replaceAll(
      "#/components/schemas/",
      "#/$defs/",
    ),
  );
  return z.fromJSONSchema((options.closed ? closeObjects(standalone) : standalone) as Json);
}

function mediaOf(method: string, path: string, status: string): Json {
  const response = deref(doc.paths[path][method].responses[status]);
  return response.content["application/json"];
}

/** The JSON Schema validator of one documented response. */
function responseValidator(method: string, path: string, status: string, options: { closed?: boolean } = {}) {
  return validatorFor(mediaOf(method, path, status).schema, options);
}

/** The catalogue codes the document lists for one operation and status. */
function documentedCodes(method: string, path: string, status: number): string[] {
  const response = doc.paths[path][method].responses[String(status)];
  return response ? Object.keys(deref(response).content["application/json"].examples) : [];
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, found);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

const operations = [
  ["post", "/send", sendResponseSchema, "201"],
  ["post", "/preview", previewResponseSchema, "200"],
  ["get", "/status/{message_id}", statusResponseSchema, "200"],
  ["get", "/status/{message_id}/recipients", recipientsResponseSchema, "200"],
  ["get", "/balance", balanceResponseSchema, "200"],
  ["get", "/health", healthResponseSchema, "200"],
  ["delete", "/cancel/{message_id}", cancelResponseSchema, "200"],
  ["post", "/pause/{message_id}", pauseResponseSchema, "200"],
  ["post", "/resume/{message_id}", resumeResponseSchema, "200"],
] as const;

describe("GET /openapi.json — the document", () => {
  it("is OpenAPI 3.1 served outside the API prefix, with the API prefix as its server", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.servers).toEqual([expect.objectContaining({ url: `${ORIGIN}/api/v1/lisoloo/sms-api` })]);
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components.securitySchemes.appKey).toEqual(
      expect.objectContaining({ type: "apiKey", in: "header", name: "app-key" }),
    );
    expect(doc.security).toEqual([{ appKey: [] }]);
  });

  it.each(["http://127.0.0.1:8787", "https://sms.lisoloo.test", "http://localhost:9999"])(
    "names its server absolutely, on the origin it was asked from: %s",
    async (origin) => {
      const res = await call(`${origin}/openapi.json`);
      expect(res.status).toBe(200);
      const served: Json = await res.json();
      expect(served.servers).toHaveLength(1);
      expect(served.servers[0].url).toBe(`${origin}/api/v1/lisoloo/sms-api`);
      expect(new URL(served.servers[0].url).origin).toBe(origin);
    },
  );

  it("documents exactly the endpoints of the contract, with their methods", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      operations.map(([method, path]) => `${method.toUpperCase()} ${path}`).sort(),
    );
  });

  it.each(operations)(
    "%s %s: app-key (except /health), success schema, errors with the envelope",
    (method, path, _schema, status) => {
      const op = doc.paths[path][method];
      expect(Object.keys(op.responses)).toContain(status);
      if (path === "/health") {
        expect(op.security).toEqual([]);
        return;
      }
      expect(op.security).toBeUndefined();
      for (const code of ["401", "403", "429", "500", "503"]) {
        expect(deref(op.responses[code]).content["application/json"].schema).toEqual({
          $ref: "#/components/schemas/ErrorEnvelope",
        });
      }
      const headers = Object.keys(op.responses[status].headers);
      expect(headers).toEqual(
        expect.arrayContaining(["X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
      );
      expect(Object.keys(op.responses["429"].headers)).toContain("Retry-After");
      if (path.includes("{message_id}")) {
        const params = op.parameters.map(deref);
        expect(params).toContainEqual(
          expect.objectContaining({ name: "message_id", in: "path", required: true }),
        );
        expect(documentedCodes(method, path, 404)).toEqual(["1201"]);
      }
    },
  );

  it("resolves every $ref, and references shared schemas instead of inlining them", () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\/components\//);
      expect(resolve(ref), ref).toBeTypeOf("object");
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "SendRequest",
        "SendResponse",
        "SendData",
        "ErrorEnvelope",
        "MessageId",
        "SmsQueuedEvent",
        "SmsFailedEvent",
      ]),
    );
    expect(refs.filter((ref) => ref === "#/components/schemas/MessageId").length).toBeGreaterThan(5);
  });

  it("describes the /send body as clients write it: to and message required, nothing else accepted", () => {
    const send = doc.paths["/send"].post;
    const body = deref(send.requestBody.content["application/json"].schema);
    expect(body.required).toEqual(["to", "message"]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.to).toMatchObject({ type: "array", minItems: 1, maxItems: 1000 });
    expect(body.properties.sending_type.default).toBe("immediate");
    const idempotency = send.parameters.map(deref).find((p: Json) => p.name === "Idempotency-Key");
    expect(idempotency).toMatchObject({ in: "header", required: false, schema: { maxLength: 255 } });
    expect(Object.keys(send.responses["201"].headers)).toContain("Idempotent-Replayed");
    const validate = validatorFor(send.requestBody.content["application/json"].schema);
    expect(validate.safeParse({ to: ["+243998857000"], message: "Hi", recipients: [] }).success).toBe(false);
    expect(validate.safeParse({ to: ["+243998857000"] }).success).toBe(false);
    expect(validate.safeParse({ to: ["+243998857000"], message: "Hi" }).success).toBe(true);
  });

  it("documents the cursor and limit of /status/{message_id}/recipients", () => {
    const params = doc.paths["/status/{message_id}/recipients"].get.parameters.map(deref);
    expect(params).toContainEqual(expect.objectContaining({ name: "cursor", in: "query", required: false }));
    expect(params).toContainEqual(
      expect.objectContaining({
        name: "limit",
        in: "query",
        schema: expect.objectContaining({ minimum: 1, maximum: 1000 }),
      }),
    );
  });

  it("lists the five webhook events with their schemas and Standard Webhooks headers", () => {
    expect(Object.keys(doc.webhooks)).toEqual([
      "sms.queued",
      "sms.processing",
      "sms.sent",
      "sms.delivered",
      "sms.failed",
    ]);
    for (const [type, item] of Object.entries<Json>(doc.webhooks)) {
      const names = item.post.parameters.map((p: Json) => p.name);
      expect(names).toEqual(expect.arrayContaining(["webhook-id", "webhook-timestamp", "webhook-signature"]));
      const schema = item.post.requestBody.content["application/json"].schema;
      expect(deref(schema).properties.event_type.const).toBe(type);
    }
  });
});

describe("GET /openapi.json — its examples pass its own schemas and the protocol's", () => {
  it.each(["/send", "/preview"])("%s request examples", (path) => {
    const media = doc.paths[path].post.requestBody.content["application/json"];
    const validate = validatorFor(media.schema);
    const examples = Object.entries<Json>(media.examples);
    expect(examples.map(([name]) => name)).toEqual(["immediate", "scheduled", "recurring"]);
    for (const [name, example] of examples) {
      expect(validate.safeParse(example.value).error?.issues, name).toBeUndefined();
      expect(sendRequestSchema.safeParse(example.value).error?.issues, name).toBeUndefined();
    }
  });

  it.each(operations)("%s %s success example", (method, path, schema, status) => {
    const media = mediaOf(method, path, status);
    expect(media.example).toBeDefined();
    expect(responseValidator(method, path, status).safeParse(media.example).error?.issues).toBeUndefined();
    expect(schema.safeParse(media.example).error?.issues).toBeUndefined();
  });

  it("every error example is an envelope whose code belongs to the response's status", () => {
    let checked = 0;
    const validate = validatorFor({ $ref: "#/components/schemas/ErrorEnvelope" });
    for (const [method, path] of operations) {
      for (const [status, response] of Object.entries<Json>(doc.paths[path][method].responses)) {
        if (status.startsWith("2")) continue;
        for (const [code, example] of Object.entries<Json>(
          deref(response).content["application/json"].examples,
        )) {
          expect(example.value).toMatchObject({ error_code: code, status_code: Number(status) });
          expect(validate.safeParse(example.value).error?.issues).toBeUndefined();
          expect(errorEnvelopeSchema.safeParse(example.value).error?.issues).toBeUndefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("every webhook example", () => {
    for (const [type, item] of Object.entries<Json>(doc.webhooks)) {
      const media = item.post.requestBody.content["application/json"];
      expect(validatorFor(media.schema).safeParse(media.example).error?.issues, type).toBeUndefined();
      expect(webhookEventSchema.parse(media.example).event_type).toBe(type);
    }
  });
});

describe("GET /openapi.json — real answers match the document", () => {
  it("a real send, its status, recipients, preview and balance, and a scheduled send paused, resumed and cancelled", async () => {
    const { apiKey } = await newMerchant();
    const examples = doc.paths["/send"].post.requestBody.content["application/json"].examples;
    const check = (
      method: string,
      path: string,
      res: { status: number; body: unknown; headers: Headers },
    ) => {
      const status = String(res.status);
      expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toContain(status);
      const validate = responseValidator(method, path, status, { closed: true });
      expect(validate.safeParse(res.body).error?.issues).toBeUndefined();
      for (const name of Object.keys(deref(doc.paths[path][method].responses[status]).headers ?? {})) {
        if (name !== "Idempotent-Replayed") expect(res.headers.get(name), name).not.toBeNull();
      }
    };

    const sent = await api(apiKey, "POST", "/send", examples.immediate.value);
    expect(sent.status).toBe(201);
    check("post", "/send", sent);
    const id = sent.body.data.message_id as string;
    check("get", "/status/{message_id}", await api(apiKey, "GET", `/status/${id}`));
    check(
      "get",
      "/status/{message_id}/recipients",
      await api(apiKey, "GET", `/status/${id}/recipients?limit=1`),
    );
    check("post", "/preview", await api(apiKey, "POST", "/preview", examples.recurring.value));
    check("get", "/balance", await api(apiKey, "GET", "/balance"));

    const scheduled = await api(apiKey, "POST", "/send", examples.scheduled.value);
    expect(scheduled.status).toBe(201);
    check("post", "/send", scheduled);
    const later = scheduled.body.data.message_id as string;
    const paused = await api(apiKey, "POST", `/pause/${later}`);
    expect(paused.status).toBe(200);
    check("post", "/pause/{message_id}", paused);
    const resumed = await api(apiKey, "POST", `/resume/${later}`);
    expect(resumed.status).toBe(200);
    check("post", "/resume/{message_id}", resumed);
    const cancelled = await api(apiKey, "DELETE", `/cancel/${later}`);
    expect(cancelled.status).toBe(200);
    check("delete", "/cancel/{message_id}", cancelled);
  });

  it("/health, unauthenticated", async () => {
    const res = await call(`${ORIGIN}/api/v1/lisoloo/sms-api/health`);
    expect(res.status).toBe(200);
    expect(
      responseValidator("get", "/health", "200", { closed: true }).safeParse(await res.json()).success,
    ).toBe(true);
  });

  it("the document's schema refuses a wrong answer and tolerates an added field", async () => {
    const { apiKey } = await newMerchant();
    const sent = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" });
    const validate = responseValidator("post", "/send", "201");
    expect(validate.safeParse(sent.body).success).toBe(true);
    const extra = { ...sent.body, data: { ...sent.body.data, added_later: 1 } };
    expect(validate.safeParse(extra).success).toBe(true);
    expect(responseValidator("post", "/send", "201", { closed: true }).safeParse(extra).success).toBe(false);
    const { total_cost: _dropped, ...missing } = sent.body.data;
    expect(validate.safeParse({ ...sent.body, data: missing }).success).toBe(false);
    expect(validate.safeParse({ ...sent.body, data: { ...sent.body.data, message_id: "42" } }).success).toBe(
      false,
    );
    expect(validate.safeParse({ ...sent.body, status_code: 200 }).success).toBe(false);
  });

  const failures: [string, string, string, () => Promise<{ status: number; body: Json }>][] = [
    [
      "post",
      "/send",
      "an unknown field",
      async () =>
        api((await newMerchant()).apiKey, "POST", "/send", {
          to: ["+243998857000"],
          message: "Hi",
          recipients: [],
        }),
    ],
    [
      "post",
      "/send",
      "a bad phone number",
      async () => api((await newMerchant()).apiKey, "POST", "/send", { to: ["12ab"], message: "Hi" }),
    ],
    [
      "post",
      "/send",
      "a missing message",
      async () => api((await newMerchant()).apiKey, "POST", "/send", { to: ["+243998857000"] }),
    ],
    [
      "post",
      "/send",
      "a body that is not JSON",
      async () => api((await newMerchant()).apiKey, "POST", "/send", "{nope"),
    ],
    [
      "post",
      "/send",
      "an empty wallet",
      async () =>
        api((await newMerchant({ wallets: {} })).apiKey, "POST", "/send", {
          to: ["+243998857000"],
          message: "Hi",
        }),
    ],
    [
      "post",
      "/preview",
      "a past schedule",
      async () =>
        api((await newMerchant()).apiKey, "POST", "/preview", {
          to: ["+243998857000"],
          message: "Hi",
          sending_type: "scheduled",
          scheduled_dates: [{ date: "2020-01-01", time: "08:00" }],
        }),
    ],
    [
      "get",
      "/status/{message_id}",
      "an unknown message",
      async () => api((await newMerchant()).apiKey, "GET", "/status/507f1f77bcf86cd799439011"),
    ],
    [
      "get",
      "/status/{message_id}/recipients",
      "a bad limit",
      async () => {
        const { apiKey } = await newMerchant();
        const sent = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" });
        return api(apiKey, "GET", `/status/${sent.body.data.message_id}/recipients?limit=0`);
      },
    ],
    [
      "post",
      "/pause/{message_id}",
      "an immediate send",
      async () => {
        const { apiKey } = await newMerchant();
        const sent = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Hi" });
        return api(apiKey, "POST", `/pause/${sent.body.data.message_id}`);
      },
    ],
    ["get", "/balance", "a wrong app-key", async () => api("sk_test_not-a-real-key", "GET", "/balance")],
  ];

  it.each(failures)(
    "%s %s refusing %s answers a documented status and code",
    async (method, path, _case, request) => {
      const res = await request();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(documentedCodes(method, path, res.status)).toContain(res.body.error_code);
      expect(
        responseValidator(method, path, String(res.status)).safeParse(res.body).error?.issues,
      ).toBeUndefined();
    },
  );
});

describe("GET /docs", () => {
  it("serves a self-contained page that reads /openapi.json and loads nothing from elsewhere", async () => {
    const res = await call(`${ORIGIN}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('fetch("/openapi.json")');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]*\bhref="(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toContain("innerHTML");
  });

  it("allows exactly its own inline script and style, and connections to its own origin only", async () => {
    const res = await call(`${ORIGIN}/docs`);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    const digest = async (text: string) =>
      btoa(
        String.fromCharCode(
          ...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
        ),
      );
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    expect(script.length).toBeGreaterThan(1000);
    expect(csp).toContain(`script-src 'sha256-${await digest(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${await digest(style)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });
});
