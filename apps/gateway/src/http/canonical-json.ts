/** Deeper than any body the API accepts (a send body is 4 levels); deeper JSON has no canonical form here. */
export const MAX_CANONICAL_DEPTH = 64;

/**
 * One spelling of a parsed JSON value: object keys sorted (by UTF-16 code units), no insignificant
 * whitespace, arrays in their order, strings and numbers as `JSON.stringify` writes them. Two bodies
 * that parse to the same value get the same text, whatever their key order, spacing or escapes.
 * Numbers too large for a double (`1e400`) read `Infinity`, so they never pass for `null`. Answers
 * `null` for values nested deeper than {@link MAX_CANONICAL_DEPTH}.
 *
 * @example canonicalJson(JSON.parse('{ "b": [2, 1], "a": "\\u0041" }')) // '{"a":"A","b":[2,1]}'
 */
export function canonicalJson(value: unknown): string | null {
  try {
    return write(value, 0);
  } catch (error) {
    if (error === tooDeep) return null;
    throw error;
  }
}

const tooDeep = Symbol("too deep");

function write(value: unknown, depth: number): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (depth >= MAX_CANONICAL_DEPTH) throw tooDeep;
  if (Array.isArray(value)) return `[${value.map((item) => write(item, depth + 1)).join(",")}]`;
  const record = value as Record<string, unknown>;
  // Written out, never rebuilt as an object: a "__proto__" key stays a key.
  const members = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${write(record[key], depth + 1)}`);
  return `{${members.join(",")}}`;
}
