import type { MiddlewareHandler } from "hono";
import type { AppEnv, RateLimitBucket } from "../env";
import { ApiError } from "../errors/api-error";
import { limitFor } from "../key-guard/limits";
import { callGuard, keyGuardFor } from "../key-guard/stub";
import type { HitResult, IdempotentRequest } from "../key-guard/types";
import {
  IDEMPOTENCY_KEY_HEADER,
  invalidIdempotencyKey,
  isValidIdempotencyKey,
  readIdempotentRequest,
  runIdempotent,
} from "./idempotency";

export type RateLimitOptions = {
  /**
   * Also make the route idempotent, exactly as `idempotency()` placed right after this middleware
   * would, but with the rate-limit count and the idempotency lock taken in one round trip.
   */
  idempotency?: boolean;
};

/** `RateLimit-*` headers (IETF draft): limit, what is left, seconds until the window resets. */
export function rateLimitHeaders(hit: HitResult): Record<string, string> {
  return {
    "RateLimit-Limit": String(hit.limit),
    "RateLimit-Remaining": String(hit.remaining),
    "RateLimit-Reset": String(hit.resetSeconds),
  };
}

/** Throws the refusal a verdict calls for: 1302 when it tripped the suspension, 1004 during one, else 1301. */
export function enforceHit(hit: HitResult, headers: Record<string, string>): void {
  if (hit.allowed) return;
  if (hit.suspendedNow) throw new ApiError("1302", { headers });
  if (hit.suspendedUntil !== undefined) throw new ApiError("1004", { headers });
  throw new ApiError("1301", { retryAfter: hit.resetSeconds, headers });
}

/**
 * Exact per-key, per-minute limits (CONTRACT §9) for one bucket, counted in the key's `KeyGuard`.
 * Over the limit → 429 1301 with `Retry-After`; past three times the limit in one window → 403 1302,
 * then 403 1004 on every bucket for 15 minutes. Every response, refused or not, carries
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`. Needs `auth` set; the merchant's
 * override of the bucket, when set, replaces the default limit.
 *
 * @example app.get("/balance", rateLimit("balance"), balanceHandler);
 * @example app.post("/send", rateLimit("send", { idempotency: true }), sendHandler);
 */
export function rateLimit(
  bucket: RateLimitBucket,
  options: RateLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    const auth = c.get("auth");
    const limit = limitFor(auth.rateLimits, bucket);
    const guard = keyGuardFor(c.env, auth.keyId);

    const key = options.idempotency ? c.req.header(IDEMPOTENCY_KEY_HEADER) : undefined;
    const malformed = key !== undefined && !isValidIdempotencyKey(key);
    const request: IdempotentRequest | null =
      options.idempotency && !malformed ? await readIdempotentRequest(c) : null;
    const { rate, idempotency } = options.idempotency
      ? await callGuard(guard.admit(bucket, limit, Date.now(), request))
      : { rate: await callGuard(guard.hit(bucket, limit, Date.now())), idempotency: null };

    const headers = rateLimitHeaders(rate);
    enforceHit(rate, headers);
    if (malformed) throw invalidIdempotencyKey(headers);
    if (request !== null && idempotency !== null) {
      await runIdempotent(c, next, guard, request, idempotency, headers);
    } else {
      await next();
    }
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
