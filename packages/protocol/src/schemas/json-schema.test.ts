import { describe, expect, it } from "vitest";
import * as z from "zod";
import * as exported from "./index.js";

const schemas = Object.entries(exported as Record<string, unknown>).filter(
  (entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType,
);

describe("JSON Schema generation", () => {
  it("finds the exported schemas", () => {
    expect(schemas.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        "sendRequestSchema",
        "sendResponseSchema",
        "previewResponseSchema",
        "statusResponseSchema",
        "recipientsResponseSchema",
        "balanceResponseSchema",
        "healthResponseSchema",
        "cancelResponseSchema",
        "pauseResponseSchema",
        "resumeResponseSchema",
        "errorEnvelopeSchema",
        "webhookEventSchema",
      ]),
    );
    expect(schemas.length).toBeGreaterThan(40);
  });

  it.each(schemas)("converts %s for input and output", (_name, schema) => {
    for (const io of ["input", "output"] as const) {
      const json = z.toJSONSchema(schema, { io });
      expect(json.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(JSON.stringify(json)).not.toContain('"not":{}');
    }
  });

  it.each(schemas.filter(([, schema]) => Array.isArray(schema.meta()?.examples)))(
    "accepts its own examples: %s",
    (_name, schema) => {
      for (const example of (schema.meta()?.examples ?? []) as unknown[]) {
        expect(schema.safeParse(example).error?.issues).toBeUndefined();
      }
    },
  );

  it("names the reusable parts as components", () => {
    const json = z.toJSONSchema(exported.sendResponseSchema, { io: "output" });
    expect(Object.keys(json.$defs ?? {})).toEqual(
      expect.arrayContaining(["SendResponse", "SendData", "MessageId"]),
    );
    const events = z.toJSONSchema(exported.webhookEventSchema, { io: "output" });
    expect(Object.keys(events.$defs ?? {})).toEqual(
      expect.arrayContaining([
        "WebhookEvent",
        "SmsQueuedEvent",
        "SmsProcessingEvent",
        "SmsSentEvent",
        "SmsDeliveredEvent",
        "SmsFailedEvent",
      ]),
    );
  });

  it("documents the request body for clients: required fields, defaults, no extra keys", () => {
    const json = z.toJSONSchema(exported.sendRequestSchema, { io: "input" });
    const body = json.$defs?.SendRequest as Record<string, unknown>;
    expect(body.required).toEqual(["to", "message"]);
    expect(body.additionalProperties).toBe(false);
    const properties = body.properties as Record<string, Record<string, unknown>>;
    expect(properties.sending_type?.default).toBe("immediate");
    expect(properties.validity_period).toMatchObject({ default: 172_800, minimum: 60, maximum: 259_200 });
    expect(properties.message).toMatchObject({ minLength: 1, maxLength: 1600 });
  });

  it("documents the normalized request for the server: to as +digits and duplicates_removed", () => {
    const json = z.toJSONSchema(exported.sendRequestSchema, { io: "output" });
    const body = json.$defs?.SendRequest as Record<string, unknown>;
    expect(body.required).toEqual(expect.arrayContaining(["to", "duplicates_removed", "sending_type"]));
  });

  it("a JSON Schema phone pattern accepts exactly what the parser accepts", () => {
    const json = z.toJSONSchema(exported.phoneNumberSchema, { io: "input" });
    const pattern = new RegExp(json.pattern as string);
    for (const raw of [
      "+243 998 857 000",
      "(243) 998-857.000",
      "1",
      "123456789012345",
      "1234567890123456",
      "++1",
      "1+2",
      "",
      "+",
    ]) {
      expect(pattern.test(raw)).toBe(exported.phoneNumberSchema.safeParse(raw).success);
    }
  });
});
