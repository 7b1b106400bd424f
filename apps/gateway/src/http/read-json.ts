import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { MAX_BODY_BYTES, readBodyBytes } from "./read-body";
import { decodeUtf8, firstInvalidUtf8Byte } from "./utf8";

/** How much of a wrong Content-Type is echoed back: enough to recognise it, no more. */
const SHOWN_TYPE_LENGTH = 100;

/** A 400 `1106` whose top message says which of the three mistakes it is, and one detail on `field`. */
function invalidJson(message: string, field: string, detail: string): ApiError {
  return new ApiError("1106", { message, details: [{ field, message: detail, code: "INVALID_JSON" }] });
}

function contentTypeError(type: string): ApiError {
  const shown = type.length > SHOWN_TYPE_LENGTH ? `${type.slice(0, SHOWN_TYPE_LENGTH)}…` : type;
  return invalidJson(
    "Content-Type must be application/json",
    "Content-Type",
    type === ""
      ? "The header is missing; send Content-Type: application/json"
      : `Must be application/json, got "${shown}"`,
  );
}

/** Where the parser gave up, as line and column (V8 names the offset; other engines may not). */
function syntaxError(text: string, error: unknown): ApiError {
  const reason = error instanceof Error ? error.message : "";
  const offset = /at position (\d+)/.exec(reason)?.[1];
  let detail = "Body is not valid JSON";
  if (offset !== undefined) {
    const before = text.slice(0, Number(offset)).split("\n");
    detail += ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
  } else if (/end of JSON input/i.test(reason)) {
    detail += ": it ends before the value is complete";
  }
  return invalidJson("Request body is not valid JSON", "body", detail);
}

/** 400 `1106` for bytes that are not UTF-8, saying where they go wrong. */
function invalidUtf8(bytes: Uint8Array): ApiError {
  return invalidJson(
    "Request body is not valid UTF-8",
    "body",
    `Body is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Byte(bytes)})`,
  );
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * Reads the request body as a JSON object: 413 `1304` over 256 KiB (a declared length first, then
 * counted while reading), 400 `1106` for a missing or non-JSON content type, bytes that are not
 * UTF-8, an empty or unparsable body, or JSON that is not an object; the message says which.
 */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  if (Number(c.req.header("content-length")) > MAX_BODY_BYTES) throw new ApiError("1304");
  const type = (c.req.header("content-type") ?? "").trim();
  // `curl -d '{…}'` without `-H "Content-Type: application/json"` labels the body as a form, and
  // the documentation's own home-page example is written that way: a body so labelled is read as
  // JSON when it is a JSON object, and refused for its type otherwise (a real form).
  const curlDefault = /^application\/x-www-form-urlencoded\b/i.test(type);
  if (!curlDefault && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw contentTypeError(type);
  const bytes = await readBodyBytes(c);
  const text = decodeUtf8(bytes);
  if (text === null) throw curlDefault ? contentTypeError(type) : invalidUtf8(bytes);
  if (curlDefault && !text.trimStart().startsWith("{")) throw contentTypeError(type);
  if (text.trim() === "") throw invalidJson("Request body is not valid JSON", "body", "The body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw curlDefault ? contentTypeError(type) : syntaxError(text, error);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidJson(
      "Request body must be a JSON object",
      "body",
      `Must be a JSON object, got ${kindOf(value)}`,
    );
  }
  return value as Record<string, unknown>;
}
