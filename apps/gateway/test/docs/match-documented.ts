/**
 * Compares an answer of the gateway with a documented example: every key the example shows must be
 * there, with the same JSON type and, unless the key is listed as varying, the same value. Keys the
 * example does not show are extensions and are allowed. Varying keys (ids, timestamps, the informal
 * carrier slug) are checked by a format instead of a value.
 */
export type Format = (value: unknown) => boolean;

export const formats = {
  messageId: (v: unknown) => typeof v === "string" && /^[0-9a-f]{24}$/.test(v),
  utcTimestamp: (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v),
  uuidV4: (v: unknown) =>
    typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v),
  string: (v: unknown) => typeof v === "string" && v.length > 0,
  positiveInteger: (v: unknown) => Number.isInteger(v) && (v as number) > 0,
  errorCode: (v: unknown) => typeof v === "string" && /^1[0-5]\d{2}$/.test(v),
} satisfies Record<string, Format>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * The differences between `example` and `actual`, one line each; empty when the answer holds
 * everything the documentation shows.
 */
export function documentedDifferences(
  example: unknown,
  actual: unknown,
  varying: Record<string, Format> = {},
  path = "",
): string[] {
  const at = path || "(body)";
  const format = varying[path];
  if (format) return format(actual) ? [] : [`${at}: ${JSON.stringify(actual)} is not of the documented form`];
  if (typeOf(example) !== typeOf(actual)) {
    return [
      `${at}: documented ${typeOf(example)} ${JSON.stringify(example)}, got ${typeOf(actual)} ${JSON.stringify(actual)}`,
    ];
  }
  if (Array.isArray(example)) {
    const list = actual as unknown[];
    if (list.length < example.length)
      return [`${at}: documented ${example.length} items, got ${list.length}`];
    return example.flatMap((item, i) =>
      documentedDifferences(item, list[i], varying, path ? `${path}.${i}` : `${i}`),
    );
  }
  if (typeof example === "object" && example !== null) {
    const object = actual as Record<string, unknown>;
    return Object.entries(example).flatMap(([key, value]) =>
      key in object
        ? documentedDifferences(value, object[key], varying, path ? `${path}.${key}` : key)
        : [`${path ? `${path}.` : ""}${key}: documented, missing`],
    );
  }
  return example === actual
    ? []
    : [`${at}: documented ${JSON.stringify(example)}, got ${JSON.stringify(actual)}`];
}
