import type { WorkerEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { log } from "../observability/logger";
import type { KeyGuard } from "./key-guard";

/** The `KeyGuard` of one API key; every request of the key lands on the same instance. */
export function keyGuardFor(env: WorkerEnv, keyId: string): DurableObjectStub<KeyGuard> {
  return env.KEY_GUARD.get(env.KEY_GUARD.idFromName(keyId));
}

/**
 * Awaits one call to a key's guard. A guard that cannot be reached (overloaded, network) is a
 * dependency outage: 503 1402, retryable, nothing was done.
 */
export async function callGuard<T>(call: PromiseLike<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    log.error("key_guard.unreachable", { error: err });
    throw new ApiError("1402");
  }
}

/**
 * Bumps the auth version of each key (key-guard/auth-version.ts): call it once the D1 write that
 * changed those keys, or their merchant, has committed, so the very next request of each key in any
 * isolate reads them again. A guard that cannot be reached fails the call with 503 1402 after the
 * write: the operator must hear that the change may not be in force yet (an isolate could go on
 * accepting a revoked key from its copy for up to a minute), and repeating the call is harmless.
 */
export async function bumpAuthVersions(env: WorkerEnv, keyIds: readonly string[]): Promise<void> {
  await Promise.all(
    keyIds.map(async (keyId) => {
      try {
        await keyGuardFor(env, keyId).bumpAuthVersion();
      } catch (error) {
        log.error("key.auth_version_not_bumped", { key_id: keyId, error });
        throw new ApiError("1402");
      }
    }),
  );
}
