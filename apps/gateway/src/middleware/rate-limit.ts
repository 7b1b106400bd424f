import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, RateLimitBucket } from "../env";
import { ApiError } from "../errors/api-error";
import type { KeyGuard } from "../key-guard/key-guard";
import { limitFor } from "../key-guard/limits";
import { callGuard, keyGuardFor } from "../key-guard/stub";
import type { Admission, HitResult, IdempotentRequest, StaleAuth } from "../key-guard/types";
import { judgeAgain } from "./auth";
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
 * override of the bucket, when set, replaces the default limit. Behind `appKeyAuth()`, the same call
 * confirms that the key was judged by current rows (see `admitCurrent`).
 *
 * @example app.get("/balance", rateLimit("balance"), balanceHandler);
 * @example app.post("/send", rateLimit("send", { idempotency: true }), sendHandler);
 */
export function rateLimit(
  bucket: RateLimitBucket,
  options: RateLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    const guard = keyGuardFor(c.env, c.get("auth").keyId);

    const key = options.idempotency ? c.req.header(IDEMPOTENCY_KEY_HEADER) : undefined;
    const malformed = key !== undefined && !isValidIdempotencyKey(key);
    const request: IdempotentRequest | null =
      options.idempotency && !malformed ? await readIdempotentRequest(c) : null;
    const { rate, idempotency } = await admitCurrent(c, guard, bucket, request);

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

/**
 * One admission by the key's guard, as long as the auth middleware's copy of the key is current: the
 * guard counts nothing for an older copy and says so, the key is judged again from its rows (a refused
 * key gets its refusal here, before anything is counted) and its limit taken afresh, then admitted.
 * One call in the steady state. Without an auth middleware's check (a test's own `auth`), one call.
 */
async function admitCurrent(
  c: Context<AppEnv>,
  guard: DurableObjectStub<KeyGuard>,
  bucket: RateLimitBucket,
  request: IdempotentRequest | null,
): Promise<Admission> {
  const check = c.get("keyCheck");
  const limit = () => limitFor(c.get("auth").rateLimits, bucket);
  let answer = await callGuard<Admission | StaleAuth>(
    guard.admit(bucket, limit(), Date.now(), request, check?.snapshot.authVersion),
  );
  if ("stale" in answer && check) {
    await judgeAgain(c, check, answer.authVersion);
    // A bump after that read belongs to an operator call that had not returned when this request
    // began: either state is a fair judge of it, and the copy's tag stays behind that bump, so the
    // key's next request reads its rows again.
    answer = await callGuard<Admission | StaleAuth>(guard.admit(bucket, limit(), Date.now(), request));
  }
  if ("stale" in answer) throw new Error("KeyGuard.admit answered stale to an unconditional call");
  if (check) check.confirmed = true;
  return answer;
}
