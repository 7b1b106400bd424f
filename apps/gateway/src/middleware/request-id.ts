import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/** `req_` + 16 lowercase hex characters, as in the contract's examples. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `req_${hex}`;
}

/**
 * Gives every request an id, exposes it as `c.get("requestId")` and echoes it in `X-Request-Id`.
 * An incoming id is never trusted: the id names *our* log line.
 *
 * @example app.use(requestId());
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const id = newRequestId();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-request-id", id);
  };
}
