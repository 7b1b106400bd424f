import type { HttpErrorCode } from "@lisoloo/protocol";
import { errorByCode, localizedErrorMessage } from "@lisoloo/protocol";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { isoSeconds } from "../iso-seconds";
import type { ApiError } from "./api-error";

function wantsFrench(c: Context<AppEnv>): boolean {
  const header = c.req.header("accept-language") ?? "";
  return /^\s*fr\b/i.test(header);
}

/** Renders an `ApiError` (or a bare code) as the contract's error envelope (CONTRACT §3). */
export function errorResponse(c: Context<AppEnv>, error: ApiError): Response {
  const entry = errorByCode(error.code);
  const status = entry.http as number;
  const message = error.message || localizedErrorMessage(error.code, wantsFrench(c) ? "fr" : "en");
  const requestId = c.get("requestId");
  const body = {
    success: false,
    status_code: status,
    error_code: entry.code,
    message,
    detail: message,
    details: error.details && error.details.length > 0 ? error.details : null,
    timestamp: isoSeconds(),
    request_id: requestId,
    retryable: entry.retryable,
    retry_after: error.retryAfter,
  };
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (requestId) headers.set("x-request-id", requestId);
  if (error.retryAfter !== null) headers.set("retry-after", String(error.retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}

export type { HttpErrorCode };
