/**
 * API key format (CONTRACT §2): `sk_<test|live>_` + 32 base62 characters whose last 6 are a base62
 * CRC32 of everything before them. The checksum lets a typo be refused without a database read and
 * lets secret scanners recognise a real key.
 */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{32}$/;
const BODY_LENGTH = 26;
const CHECKSUM_LENGTH = 6;

export type KeyEnvironment = "sandbox" | "production";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++)
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, width: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

function prefixOf(environment: KeyEnvironment): "sk_test_" | "sk_live_" {
  return environment === "sandbox" ? "sk_test_" : "sk_live_";
}

/** Appends the checksum to a key's first 34 characters (prefix + 26 random). */
export function withChecksum(head: string): string {
  return head + base62(crc32(head), CHECKSUM_LENGTH);
}

/**
 * A new random key for an environment (~155 bits of randomness before the checksum).
 * @example generateApiKey("sandbox") // "sk_test_3fJ…"
 */
export function generateApiKey(environment: KeyEnvironment): string {
  const bytes = crypto.getRandomValues(new Uint8Array(BODY_LENGTH));
  let body = "";
  // 248 = 4 × 62: rejection-free modulo would bias; re-draw the rare high bytes instead.
  for (let i = 0; i < BODY_LENGTH; i++) {
    let b = bytes[i] as number;
    while (b >= 248) b = crypto.getRandomValues(new Uint8Array(1))[0] as number;
    body += BASE62[b % 62];
  }
  return withChecksum(prefixOf(environment) + body);
}

/** What is wrong with a key's form, told apart so the 401 can say which (none of it needs a lookup). */
export type KeyShape =
  | { ok: true; environment: KeyEnvironment }
  | { ok: false; problem: "prefix" }
  | { ok: false; problem: "length"; prefix: string; length: number }
  | { ok: false; problem: "characters" | "checksum"; prefix: string };

/**
 * Checks a key's form: prefix, then length and alphabet of the 32 characters, then the checksum.
 * @example inspectKey("sk_live_…") // { ok: true, environment: "production" }
 * @example inspectKey("pk_test_…") // { ok: false, problem: "prefix" }
 */
export function inspectKey(key: string): KeyShape {
  const prefix = /^sk_(test|live)_/.exec(key)?.[0];
  if (prefix === undefined) return { ok: false, problem: "prefix" };
  const rest = key.length - prefix.length;
  if (rest !== BODY_LENGTH + CHECKSUM_LENGTH) return { ok: false, problem: "length", prefix, length: rest };
  if (!KEY_PATTERN.test(key)) return { ok: false, problem: "characters", prefix };
  if (withChecksum(key.slice(0, key.length - CHECKSUM_LENGTH)) !== key)
    return { ok: false, problem: "checksum", prefix };
  return { ok: true, environment: prefix === "sk_test_" ? "sandbox" : "production" };
}

/** Lowercase hex SHA-256 of the key: what the database stores and looks up. */
export async function keyDigest(key: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let hex = "";
  for (const b of hash) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** `sk_live_kqz3…oU0i`: what may be shown after issue time. */
export function maskKey(prefix: string, last4: string): string {
  return `${prefix}…${last4}`;
}
