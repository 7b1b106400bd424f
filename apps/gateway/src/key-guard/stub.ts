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
