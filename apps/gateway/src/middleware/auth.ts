import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { inspectKey, keyDigest } from "../auth/key-format";
import { keyRefused } from "../auth/key-refusal";
import { configOf } from "../config/config";
import { createDb } from "../db/client";
import { findKeyByDigest } from "../db/queries/keys";
import { apiKeys } from "../db/schema";
import type { AppEnv, RateLimitBucket } from "../env";
import { ApiError } from "../errors/api-error";
import { shardOfDigest } from "../shards/directory";

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Authenticates the `app-key` header (CONTRACT §2) and exposes `auth`, `merchant` and the merchant's
 * `shard` (the directory says which; the key and merchant rows are read there).
 * Missing, malformed, mistyped, unknown, revoked and other-environment keys all answer 401 `1001`
 * "Missing or invalid app-key"; `details` says which, except that unknown, revoked and replaced keys
 * read exactly alike, so a caller learns nothing about which keys exist.
 *
 * @example app.use("/send", appKeyAuth());
 */
export function appKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function appKeyAuthMiddleware(c, next) {
    const key = c.req.header("app-key")?.trim() ?? "";
    if (key === "")
      throw keyRefused({ reason: "missing", authorizationSent: c.req.header("authorization") !== undefined });
    // The prefix alone names the environment: a key of the other one is said to be so before its
    // shape is judged (the documentation's own example of that mistake is a key of x's).
    const deployment = configOf(c.env).environment;
    const named = key.startsWith("sk_test_") ? "sandbox" : key.startsWith("sk_live_") ? "production" : null;
    if (named !== null && named !== deployment) throw keyRefused({ reason: "other_environment", deployment });
    const shape = inspectKey(key);
    if (!shape.ok) throw keyRefused({ reason: "malformed", shape });
    const { environment } = shape;

    const digest = await keyDigest(key);
    const shard = await shardOfDigest(c.env, digest);
    const db = shard ? createDb(shard.DB) : null;
    const found = db ? await findKeyByDigest(db, digest) : null;
    const now = Date.now();
    if (!shard || !db || !found || found.key.environment !== environment)
      throw keyRefused({ reason: "not_accepted" });
    const { key: row, merchant } = found;
    if (row.status === "REVOKED" || (row.revokeAt !== null && row.revokeAt <= now))
      throw keyRefused({ reason: "not_accepted" });
    if (row.status === "EXPIRED") throw new ApiError("1002");
    if (row.status === "SUSPENDED") throw new ApiError("1004");

    c.set("auth", {
      keyId: row.id,
      merchantId: merchant.id,
      environment,
      rateLimits: merchant.rateLimits as Partial<Record<RateLimitBucket, number>>,
    });
    c.set("shard", shard);
    c.set("merchant", {
      id: merchant.id,
      timeZone: merchant.timeZone,
      currency: merchant.currency,
      unitPriceMicros: merchant.unitPriceMicros,
      defaultSenderId: merchant.defaultSenderId,
      allowedCountries: merchant.allowedCountries ?? null,
    });

    await next();

    // Only successful requests count as use; written at most once a minute, after the response.
    if (c.res.status < 400 && (row.lastUsedAt === null || row.lastUsedAt < now - LAST_USED_RESOLUTION_MS)) {
      c.executionCtx.waitUntil(
        db
          .update(apiKeys)
          .set({ lastUsedAt: now })
          .where(
            and(
              eq(apiKeys.id, row.id),
              or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - LAST_USED_RESOLUTION_MS)),
            ),
          )
          .then(
            () => undefined,
            () => undefined,
          ),
      );
    }
  };
}
