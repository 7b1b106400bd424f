import type { MiddlewareHandler } from "hono";
import { configOf } from "../config/config";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Whether two digests are equal, looking at every byte whatever the first difference. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` for the operator API. Digests are compared so the comparison
 * takes the same time whatever the guess. The token is part of the checked configuration: a
 * deployment without one does not start serving at all. While `ADMIN_TOKEN_PREVIOUS` is set (a
 * rotation, DEPLOYING.md) it is accepted too: the given token is compared with both, always both, so
 * the time says nothing about which one it matched.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const { adminToken, adminTokenPrevious } = configOf(c.env);
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
    if (!given) throw new ApiError("1001", { message: "Missing or invalid admin token" });
    const expected = adminTokenPrevious === null ? [adminToken] : [adminToken, adminTokenPrevious];
    const [digest, ...accepted] = await Promise.all([given, ...expected].map(sha256));
    let matches = 0;
    for (const candidate of accepted) matches |= sameDigest(digest as Uint8Array, candidate) ? 1 : 0;
    if (matches === 0) throw new ApiError("1001", { message: "Missing or invalid admin token" });
    await next();
  };
}
