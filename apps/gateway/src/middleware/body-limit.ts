import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { MAX_BODY_BYTES } from "../http/read-json";

/**
 * Refuses bodies over 256 KiB with 413 `1304` before anything reads them whole (the idempotency
 * fingerprint hashes the body). A declared length is trusted for the early refusal; a chunked body is
 * read once (hono caches it for the handler) and measured.
 *
 * @example app.post("/send", appKeyAuth(), bodyLimit(), rateLimit("send"), handler);
 */
export function bodyLimit(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return async function bodyLimitMiddleware(c, next) {
    const declared = c.req.header("content-length");
    if (declared !== undefined) {
      if (Number(declared) > maxBytes) throw new ApiError("1304");
    } else if ((await c.req.arrayBuffer()).byteLength > maxBytes) {
      throw new ApiError("1304");
    }
    await next();
  };
}
