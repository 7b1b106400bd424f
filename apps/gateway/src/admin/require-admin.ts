import type { MiddlewareHandler } from "hono";
import { configOf } from "../config/config";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` for the operator API. Digests are compared so the comparison
 * takes the same time whatever the guess. The token is part of the checked configuration: a
 * deployment without one does not start serving at all.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const expected = configOf(c.env).adminToken;
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
    if (!given) throw new ApiError("1001", { message: "Missing or invalid admin token" });
    const [a, b] = await Promise.all([sha256(expected), sha256(given)]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
    if (diff !== 0) throw new ApiError("1001", { message: "Missing or invalid admin token" });
    await next();
  };
}
