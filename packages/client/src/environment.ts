/**
 * A variable of the process environment, or `undefined` when there is none (browsers, Workers
 * without `process.env`) or it is empty. Read through `globalThis` so the package never needs Node's
 * types or a `process` polyfill to load.
 */
export function environmentVariable(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}
