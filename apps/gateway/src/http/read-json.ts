import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";

export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads the request body as a JSON object: 413 `1304` over 256 KiB (checked on the declared length
 * first, then on the bytes actually read), 400 `1106` for a non-JSON content type, unparsable JSON,
 * or JSON that is not an object.
 */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("1304");
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new ApiError("1106", {
      details: [{ field: "Content-Type", message: "Must be application/json", code: "INVALID_JSON" }],
    });
  }
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw new ApiError("1304");
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ApiError("1106", {
      details: [{ field: "body", message: "Body is not valid JSON", code: "INVALID_JSON" }],
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError("1106", {
      details: [{ field: "body", message: "Body must be a JSON object", code: "INVALID_JSON" }],
    });
  }
  return value as Record<string, unknown>;
}
