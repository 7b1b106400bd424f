const secretPrefix = "whsec_";
const encoder = new TextEncoder();

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in every Standard Webhooks
 * library). A malformed secret is a configuration mistake, so it throws a `TypeError`.
 */
export function secretKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(encoded);
  } catch {
    throw new TypeError("A webhook secret must be whsec_ followed by base64");
  }
  if (bytes.length === 0) throw new TypeError("A webhook secret must not be empty");
  return bytes;
}

/** Standard base64 of bytes, as the `webhook-signature` header carries a MAC. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The signed content `"{id}.{timestamp}.{body}"` as bytes; a byte body is used exactly as received. */
export function signedContent(
  id: string,
  timestamp: string,
  body: string | Uint8Array,
): Uint8Array<ArrayBuffer> {
  if (typeof body === "string") return encoder.encode(`${id}.${timestamp}.${body}`);
  const head = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(head.length + body.length);
  content.set(head);
  content.set(body, head.length);
  return content;
}

/** HMAC-SHA256 of `content` under `key`, by WebCrypto. */
export async function hmacSha256(
  key: Uint8Array<ArrayBuffer>,
  content: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, content));
}

/**
 * The `v1` signatures of a `webhook-signature` header (`v1,<base64>` separated by spaces), decoded.
 * Other versions and undecodable entries are skipped: they can never match.
 */
export function v1Signatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = [];
  for (const entry of header.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    try {
      signatures.push(fromBase64(entry.slice(comma + 1)));
    } catch {
      // Not base64: cannot be one of ours.
    }
  }
  return signatures;
}

/**
 * Compares two byte strings in time that depends only on their lengths (an HMAC's length is public),
 * so a forger learns nothing from how fast a guess is refused.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
