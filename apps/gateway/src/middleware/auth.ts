import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { cachedKey, isYoung, keepKey } from "../auth/key-cache";
import { inspectKey, keyDigest } from "../auth/key-format";
import { keyRefused } from "../auth/key-refusal";
import { type KeyCheck, type KeySnapshot, readKeySnapshot, refusalOf } from "../auth/key-snapshot";
import { configOf } from "../config/config";
import { createDb } from "../db/client";
import { apiKeys } from "../db/schema";
import type { AppEnv, WorkerEnv } from "../env";
import { keyGuardFor } from "../key-guard/stub";
import { log } from "../observability/logger";
import { keyOfDigest } from "../shards/directory";
import { shardEnv } from "../shards/shard-env";

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Authenticates the `app-key` header (CONTRACT §2) and exposes `auth`, `merchant` and the merchant's
 * `shard` (the directory says which; the key and merchant rows are read there).
 * Missing, malformed, mistyped, unknown, revoked and other-environment keys all answer 401 `1001`
 * "Missing or invalid app-key"; `details` says which, except that unknown, revoked and replaced keys
 * read exactly alike, so a caller learns nothing about which keys exist.
 *
 * A key the isolate accepted recently is accepted again from its copy of the rows (auth/key-cache.ts)
 * with no read at all; `rateLimit(...)`, which every app-key route runs next, then asks the key's guard
 * whether that copy is still current, and judges the key again before anything else happens when it is
 * not. So a route behind this middleware must be behind `rateLimit(...)` too. Anything else (a first
 * request, a refusal, a key whose revocation is scheduled, a copy older than a minute) reads the rows.
 *
 * @example app.get("/balance", appKeyAuth(), rateLimit("balance"), balanceHandler);
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
    const cached = cachedKey(c.env, digest);
    let now = Date.now();
    let check: KeyCheck;
    if (cached && decidesAlone(cached, environment, now)) {
      check = { digest, environment, snapshot: cached, confirmed: false };
    } else {
      // An older copy keeps its tag: the rows read now are at least as new as it says.
      const snapshot = cached
        ? await readKeySnapshot(shardEnv(c.env, cached.shard), digest, cached.authVersion)
        : await loadKey(c.env, digest);
      now = Date.now();
      check = adopt(c, { digest, environment }, snapshot, now);
    }
    c.set("keyCheck", check);
    expose(c, check.snapshot);

    await next();

    if (!check.confirmed && c.res.status >= 400) await judgeUnconfirmed(c, check);
    // Only successful requests count as use; written at most once a minute, after the response.
    const row = check.snapshot.key;
    if (c.res.status < 400 && (row.lastUsedAt === null || row.lastUsedAt < now - LAST_USED_RESOLUTION_MS)) {
      const db = createDb(c.var.shard.DB);
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
      // The copy's next requests need not write again within the minute.
      row.lastUsedAt = now;
    }
  };
}

/**
 * Judges the key again from rows read with the guard's current `authVersion` (its guard said the
 * request's copy is behind): refuses it as the auth middleware would, or exposes what it now says.
 * For `rateLimit(...)`, before it counts anything.
 */
export async function judgeAgain(c: Context<AppEnv>, check: KeyCheck, authVersion: number): Promise<void> {
  const snapshot = await readKeySnapshot(shardEnv(c.env, check.snapshot.shard), check.digest, authVersion);
  adopt(c, check, snapshot, Date.now());
  expose(c, check.snapshot);
}

/** Whether the isolate's copy may decide alone: young, accepting, and no revocation scheduled. */
function decidesAlone(copy: KeySnapshot, environment: KeyCheck["environment"], now: number): boolean {
  // A key in its grace period is on its way out, and its deadline is a moment rather than a state:
  // read afresh each time, as it always was.
  return (
    isYoung(copy.readAt, now) && copy.key.revokeAt === null && refusalOf(copy, environment, now) === null
  );
}

/**
 * Below every version a guard gives out: the tag of rows read while the key's guard could not be
 * asked, so that the first admission they reach judges the key again.
 */
const UNKNOWN_AUTH_VERSION = -1;

/** A key the isolate has no copy of: its auth version first, its rows second (see KeySnapshot). */
async function loadKey(env: WorkerEnv, digest: string): Promise<KeySnapshot | null> {
  const place = await keyOfDigest(env, digest);
  if (!place) return null;
  let authVersion: number;
  try {
    authVersion = await keyGuardFor(env, place.keyId).authVersion();
  } catch (error) {
    // A refused key is refused without its guard, as ever; an accepted one fails at the rate limit.
    log.warn("auth.version_unavailable", { key_id: place.keyId, error });
    authVersion = UNKNOWN_AUTH_VERSION;
  }
  return readKeySnapshot(place.shard, digest, authVersion);
}

/**
 * Keeps the rows just read as the isolate's copy and judges the key by them: throws its refusal, or
 * returns (or updates) the request's check, confirmed.
 */
function adopt(
  c: Context<AppEnv>,
  check: Pick<KeyCheck, "digest" | "environment"> & Partial<KeyCheck>,
  snapshot: KeySnapshot | null,
  now: number,
): KeyCheck {
  keepKey(c.env, check.digest, snapshot);
  const refusal = refusalOf(snapshot, check.environment, now);
  if (refusal) {
    check.confirmed = true;
    throw refusal;
  }
  check.snapshot = snapshot as KeySnapshot;
  check.confirmed = true;
  return check as KeyCheck;
}

function expose(c: Context<AppEnv>, snapshot: KeySnapshot): void {
  c.set("auth", {
    keyId: snapshot.key.id,
    merchantId: snapshot.merchant.id,
    environment: snapshot.key.environment,
    rateLimits: snapshot.rateLimits,
  });
  c.set("shard", shardEnv(c.env, snapshot.shard));
  c.set("merchant", snapshot.merchant);
}

/**
 * The request failed before the key's guard confirmed the copy it was let in on (a body over the
 * limit, an unreadable one, the guard itself out of reach): its answer must still be the refusal the
 * key's current rows call for, if any, as when every request read them first. Nothing past the rate
 * limit ran, so only the answer changes. If the rows cannot be read, the failure stands.
 */
async function judgeUnconfirmed(c: Context<AppEnv>, check: KeyCheck): Promise<void> {
  let snapshot: KeySnapshot | null;
  try {
    snapshot = await readKeySnapshot(
      shardEnv(c.env, check.snapshot.shard),
      check.digest,
      check.snapshot.authVersion,
    );
  } catch (error) {
    log.warn("auth.recheck_failed", { request_id: c.get("requestId"), key_id: check.snapshot.key.id, error });
    return;
  }
  adopt(c, check, snapshot, Date.now());
}
