import { z } from "zod";

/** What a re-seal pass has counted so far, carried from page to page in its cursor. */
export type ResealTotals = { resealed: number; current: number; unreadable: number };

/** Where the next page starts: a sealed column (by database) and the last id done in it. */
export type ResealPosition = { database: string; after: string | null };

export type ResealCursor = ResealPosition & { totals: ResealTotals };

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const cursorSchema = z.strictObject({
  d: z.string().regex(/^(DIRECTORY|DB_(0|[1-9]\d{0,2}))$/),
  a: z.string().min(1).max(200).nullable(),
  r: count,
  c: count,
  u: count,
});

function toBase64Url(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The opaque `next_cursor` of a re-seal page: base64url JSON, so it goes in a query string as is.
 *
 * @example encodeResealCursor({ database: "DB_0", after: "key_abc", totals: { resealed: 2, current: 5, unreadable: 0 } })
 */
export function encodeResealCursor(cursor: ResealCursor): string {
  const { database, after, totals } = cursor;
  return toBase64Url(
    JSON.stringify({ d: database, a: after, r: totals.resealed, c: totals.current, u: totals.unreadable }),
  );
}

/** The cursor `encodeResealCursor` wrote, or null for anything else. */
export function decodeResealCursor(text: string): ResealCursor | null {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(text)) return null;
  let value: unknown;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    value = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) return null;
  const { d, a, r, c, u } = parsed.data;
  return { database: d, after: a, totals: { resealed: r, current: c, unreadable: u } };
}
