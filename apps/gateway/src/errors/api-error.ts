import type { HttpErrorCode } from "@lisoloo/protocol";
import { httpStatusOf } from "@lisoloo/protocol";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One field-level finding, as listed in the envelope's `details`. */
export type ErrorDetail = { field: string; message: string; code: string };

/**
 * An error the API answers on purpose, with a catalogue code. Thrown anywhere below a route;
 * `onError` turns it into the contract's envelope.
 */
export class ApiError extends HTTPException {
  readonly code: HttpErrorCode;
  readonly details: ErrorDetail[] | null;
  readonly retryAfter: number | null;
  readonly headers: Record<string, string>;

  constructor(
    code: HttpErrorCode,
    options: {
      message?: string;
      details?: ErrorDetail[] | null;
      retryAfter?: number | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(httpStatusOf(code) as ContentfulStatusCode, { message: options.message });
    this.name = "ApiError";
    this.code = code;
    this.details = options.details ?? null;
    this.retryAfter = options.retryAfter ?? null;
    this.headers = options.headers ?? {};
  }
}
