import { describe, expect, it } from "vitest";
import * as z from "zod";
import { errorFromIssues, formatIssuePath, validationErrorCodes } from "./from-issues.js";

function issuesOf(schema: z.ZodType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues;
}

const body = z.strictObject({
  to: z.array(z.string().regex(/^\d+$/)),
  message: z.string(),
  nested: z.strictObject({ when: z.string() }).optional(),
});

describe("formatIssuePath", () => {
  it.each([
    [["to", 3], "to[3]"],
    [["scheduled_dates", 1, "time"], "scheduled_dates[1].time"],
    [["recurring_schedule", "times", 0], "recurring_schedule.times[0]"],
    [["odd key", 2], '["odd key"][2]'],
    [[], ""],
  ] as const)("writes %j as %s", (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});

describe("errorFromIssues", () => {
  it("reports a body that is not an object as 1106 without details", () => {
    const input = ["not", "an", "object"];
    expect(errorFromIssues(issuesOf(body, input), { input })).toEqual({
      error_code: "1106",
      message: "Request body must be a JSON object",
      details: null,
    });
  });

  it("tells an absent field (1109) from a present one of the wrong type (1110)", () => {
    const input = { to: null };
    const error = errorFromIssues(issuesOf(body, input), { input });
    expect(error.error_code).toBe("1109");
    expect(error.details).toEqual([
      { field: "to", message: expect.any(String), code: "INVALID_FIELD_FORMAT" },
      { field: "message", message: "Required", code: "MISSING_REQUIRED_FIELD" },
    ]);
  });

  it("tells absence from the issue's input when the parse reported it", () => {
    const result = body.safeParse({ to: [] }, { reportInput: true });
    expect(result.success).toBe(false);
    const error = errorFromIssues(result.error?.issues ?? []);
    expect(error.details).toEqual([
      { field: "message", message: "Required", code: "MISSING_REQUIRED_FIELD" },
    ]);
  });

  it("names every unknown field, nested ones with their path", () => {
    const input = { to: [], message: "hi", recipients: [], nested: { when: "now", whenn: "x" } };
    const error = errorFromIssues(issuesOf(body, input), { input });
    expect(error.error_code).toBe("1110");
    expect(error.message).toBe("Invalid field format");
    expect(error.details?.map((d) => d.field).sort()).toEqual(["nested.whenn", "recipients"]);
  });

  it("takes a custom issue's params.code over everything else", () => {
    const schema = z.object({
      at: z.string().refine(() => false, { error: "Too late", params: { code: "1103" } }),
    });
    const input = { at: "yesterday" };
    expect(errorFromIssues(issuesOf(schema, input), { input })).toEqual({
      error_code: "1103",
      message: "Invalid schedule",
      details: [{ field: "at", message: "Too late", code: "INVALID_SCHEDULE" }],
    });
  });

  it("ignores a params.code that is not a validation code", () => {
    const schema = z.object({
      at: z.string().refine(() => false, { error: "Nope", params: { code: "9999" } }),
    });
    const input = { at: "x" };
    expect(errorFromIssues(issuesOf(schema, input), { input }).error_code).toBe("1110");
  });

  it("asks the resolver for built-in issues and picks the top code by priority", () => {
    const input = { to: ["12", "x"], message: 5 };
    const error = errorFromIssues(issuesOf(body, input), {
      input,
      codeOf: (issue) => (issue.path[0] === "to" ? "1104" : undefined),
    });
    expect(error.error_code).toBe("1104");
    expect(error.details).toEqual([
      { field: "to[1]", message: expect.any(String), code: "INVALID_PHONE_NUMBER" },
      { field: "message", message: expect.any(String), code: "INVALID_FIELD_FORMAT" },
    ]);
  });

  it("answers the top-level message and every detail in French when asked", () => {
    const input = { to: [], message: "", extra: 1 };
    expect(errorFromIssues(issuesOf(body, input), { input, language: "fr" })).toEqual({
      error_code: "1110",
      message: "Format de champ invalide",
      details: [{ field: "extra", message: 'Champ inconnu "extra"', code: "INVALID_FIELD_FORMAT" }],
    });
    const missing = {};
    expect(errorFromIssues(issuesOf(body, missing), { input: missing, language: "fr" })).toMatchObject({
      message: "Champ obligatoire manquant",
      details: [
        { field: "to", message: "Obligatoire" },
        { field: "message", message: "Obligatoire" },
      ],
    });
  });

  const documentedOrder = ["1106", "1109", "1203", "1101", "1104", "1102", "1103", "1105", "1110"] as const;
  const pairs = documentedOrder.slice(1).map((lower, i) => [documentedOrder[i] ?? "", lower] as const);
  const finding = (code: string): z.core.$ZodIssue => ({
    code: "custom",
    path: ["f"],
    message: "m",
    params: { code },
  });

  it.each(pairs)("prefers %s over %s whatever the order of findings", (higher, lower) => {
    expect(errorFromIssues([finding(lower), finding(higher)]).error_code).toBe(higher);
    expect(errorFromIssues([finding(higher), finding(lower)]).error_code).toBe(higher);
  });

  it("exposes the priority it applies", () => {
    expect(validationErrorCodes).toEqual(documentedOrder);
  });
});
