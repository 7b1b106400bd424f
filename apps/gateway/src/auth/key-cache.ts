import type { WorkerEnv } from "../env";
import type { KeySnapshot } from "./key-snapshot";

// The isolate's copies of key snapshots, by key digest, so that a key's steady traffic reads nothing
// from D1 to authenticate. A copy only ever decides alone to accept a key, and every request it
// accepts is then confirmed by the key's guard (the rate limit's call), which says whether the copy's
// auth version is still the key's: see middleware/auth.ts.

/** Copies kept before the oldest are dropped: bounded memory whatever the traffic. */
const CACHE_LIMIT = 10_000;

/**
 * A copy older than this is read again whatever its version says: a safety net for a writer that
 * changed a key or merchant without bumping the key's version (a hand-run SQL statement, a forgotten
 * code path), which then holds for at most this long.
 */
export const KEY_COPY_MAX_AGE_MS = 60_000;

// One cache per directory binding (as the directory's own): the same database, the same keys.
const caches = new WeakMap<D1Database, Map<string, KeySnapshot>>();

function cacheOf(env: WorkerEnv): Map<string, KeySnapshot> {
  let cache = caches.get(env.DIRECTORY);
  if (!cache) {
    cache = new Map();
    caches.set(env.DIRECTORY, cache);
  }
  return cache;
}

/** The isolate's copy of the key with this digest, if it has one. */
export function cachedKey(env: WorkerEnv, digest: string): KeySnapshot | undefined {
  return cacheOf(env).get(digest);
}

/** Keeps `snapshot` as the copy of the key with this digest (or forgets it, for a key not found). */
export function keepKey(env: WorkerEnv, digest: string, snapshot: KeySnapshot | null): void {
  const cache = cacheOf(env);
  cache.delete(digest);
  if (snapshot === null) return;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(digest, snapshot);
}

/** Whether a copy read at `readAt` is still young enough at `now` to be used without reading it again. */
export function isYoung(readAt: number, now: number): boolean {
  const age = now - readAt;
  return age >= 0 && age < KEY_COPY_MAX_AGE_MS;
}
