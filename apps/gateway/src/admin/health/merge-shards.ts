/**
 * Adds up one part of the health view as each database reported it: counts are summed, ages keep
 * the oldest (`…age_seconds`: the largest), lists are joined (the caller re-ranks and cuts them), a
 * null gives way to a value. Every shard answers with the same shape, so the walk is structural.
 *
 * @example mergeShardViews([{ count: 2, oldest_age_seconds: 5 }, { count: 1, oldest_age_seconds: 9 }])
 * // { count: 3, oldest_age_seconds: 9 }
 */
export function mergeShardViews<T>(views: T[]): T {
  return views.reduce((a, b) => merge(a, b, "") as T);
}

function merge(a: unknown, b: unknown, key: string): unknown {
  if (a === null || a === undefined) return b;
  if (b === null || b === undefined) return a;
  if (typeof a === "number" && typeof b === "number")
    return key.endsWith("age_seconds") ? Math.max(a, b) : a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === "object" && typeof b === "object") {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v, k);
    return out;
  }
  return a;
}

/** The first `n` of a joined list, ranked again: what one database's top-n would have been over all. */
export function rank<T>(list: T[], by: (item: T) => number, n: number): T[] {
  return [...list].sort((x, y) => by(y) - by(x)).slice(0, n);
}
