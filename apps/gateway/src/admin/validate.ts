import type { z } from "zod";
import { ApiError } from "../errors/api-error";

function fieldOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path)
    out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
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
    return [
      {
        field: fieldOf(issue.path),
        message: missing ? "Required" : issue.message,
        code: missing ? "MISSING_REQUIRED_FIELD" : "INVALID_FIELD_FORMAT",
      },
    ];
  });
  throw new ApiError(details.some((d) => d.code === "MISSING_REQUIRED_FIELD") ? "1109" : "1110", { details });
}
