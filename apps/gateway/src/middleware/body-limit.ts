import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { MAX_BODY_BYTES, readBodyBytes } from "../http/read-body";

/**
 * Refuses bodies over 256 KiB with 413 `1304` before anything else reads them (the idempotency
 * fingerprint hashes the body). A declared length over the limit is refused without reading; any
 * other body, chunked or not, is counted while it is read and refused as soon as it passes the limit.
 * The bytes stay readable for the rest of the chain.
 *
 * @example app.post("/send", appKeyAuth(), bodyLimit(), rateLimit("send"), handler);
 */
export function bodyLimit(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return async function bodyLimitMiddleware(c, next) {
    await readBodyBytes(c, maxBytes);
    await next();
  };
}
