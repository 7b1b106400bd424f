import type { HttpErrorCode } from "@lisoloo/protocol";
import { errorByCode, localizedErrorMessage, localizedErrorText } from "@lisoloo/protocol";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { requestLanguage } from "../http/language";
import { isoSeconds } from "../iso-seconds";
import type { ApiError } from "./api-error";

/**
 * Renders an `ApiError` (or a bare code) as the contract's error envelope (CONTRACT §3). Errors are
 * raised in English; the top message and every `details[].message` are translated here, once, into
 * the language the request asks for.
 */
export function errorResponse(c: Context<AppEnv>, error: ApiError): Response {
  const entry = errorByCode(error.code);
  const status = entry.http as number;
  const language = requestLanguage(c);
  const message = error.message
    ? localizedErrorText(error.message, language)
    : localizedErrorMessage(error.code, language);
  const requestId = c.get("requestId");
  const body = {
    success: false,
    status_code: status,
    error_code: entry.code,
    message,
    detail: message,
    details:
      error.details && error.details.length > 0
        ? error.details.map((d) => ({ ...d, message: localizedErrorText(d.message, language) }))
        : null,
    timestamp: isoSeconds(),
    request_id: requestId,
    retryable: entry.retryable,
    retry_after: error.retryAfter,
  };
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  // Stored with an idempotent response, so a replay says which language its body is in.
  headers.set("content-language", language);
  if (requestId) headers.set("x-request-id", requestId);
  if (error.retryAfter !== null) headers.set("retry-after", String(error.retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}

export type { HttpErrorCode };
