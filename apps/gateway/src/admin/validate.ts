import type { z } from "zod";
import { ApiError } from "../errors/api-error";

/** A key that reads as a name (`smpp.host`); any other (a route prefix) is quoted: `routes["+24381"]`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a finding is, as `details[].field` names it. @example fieldOf(["routes", "+24381"]) // 'routes["+24381"]' */
export function fieldOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (!NAME.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "body";
}

/**
 * Validates an operator request body; every finding is named (400 `1109` when something required is
 * missing, else `1110`).
 */
export function parseAdminBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  // `reportInput` keeps each issue's input, so a value of the wrong type is told apart from a
  // missing one (zod leaves `input` out otherwise, and every wrong type would read as "Required").
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue) => {
    // An unknown key is reported once per key, named, like the send body's unknown fields.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: fieldOf([...issue.path, key]),
        message: "Unknown field",
        code: "INVALID_FIELD_FORMAT",
      }));
    }
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    // A bad record key (a route prefix) carries the key's own finding inside it.
    const message =
      issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return [
      {
        field: fieldOf(issue.path),
        message: missing ? "Required" : message,
        code: missing ? "MISSING_REQUIRED_FIELD" : "INVALID_FIELD_FORMAT",
      },
    ];
  });
  throw new ApiError(details.some((d) => d.code === "MISSING_REQUIRED_FIELD") ? "1109" : "1110", { details });
}
