function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * A `message_id`: 24 lowercase hex characters in ObjectId layout (4-byte big-endian Unix seconds,
 * then 8 random bytes), so ids sort by creation time and pass the validation integrations already do.
 * @example newMessageId(new Date("2026-05-27T10:15:00Z")) // "6a1a8b1c…"
 */
export function newMessageId(now: Date = new Date()): string {
  const bytes = new Uint8Array(12);
  new DataView(bytes.buffer).setUint32(0, Math.floor(now.getTime() / 1000));
  bytes.set(crypto.getRandomValues(new Uint8Array(8)), 4);
  return hex(bytes);
}

/** `mch_`/`key_` + 20 hex characters: opaque operator-facing ids. */
export function newId(prefix: "mch" | "key"): string {
  return `${prefix}_${hex(crypto.getRandomValues(new Uint8Array(10)))}`;
}

/** Validates the shape of a `message_id` path parameter (anything else is simply "not found"). */
export function isMessageId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}
