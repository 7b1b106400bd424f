import { databaseErrorText } from "../db/errors";

/**
 * Errors that mean a dependency (D1, a queue, a Durable Object) is unavailable right now rather than
 * a bug: answered 503 `1402`, retryable. Every write path is a single batch or none, so a request that
 * fails this way has debited nothing.
 */
const TRANSIENT = [
  /Network connection lost/i,
  /overloaded/i,
  /storage operation exceeded timeout/i,
  /Durable Object reset/i,
  /Cannot resolve Durable Object/i,
  /D1 is (temporarily )?unavailable/i,
  /Queue .* (unavailable|overloaded)/i,
];

export function isDependencyUnavailable(error: unknown): boolean {
  const text = databaseErrorText(error);
  return TRANSIENT.some((pattern) => pattern.test(text));
}
