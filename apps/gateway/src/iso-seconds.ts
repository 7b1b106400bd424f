/**
 * An instant as the API writes timestamps: ISO 8601 UTC to the second, `2026-05-27T10:15:00Z`.
 * @example isoSeconds(Date.UTC(2026, 4, 27, 10, 15)) // "2026-05-27T10:15:00Z"
 */
export function isoSeconds(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
