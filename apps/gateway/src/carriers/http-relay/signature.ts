/**
 * The HMAC a dlr-url carries, so nobody but the gateway can write one: HMAC-SHA256 over (slug, shard,
 * delivery, part) under a key derived from the `CREDENTIALS_KEY` secret and the carrier's slug. A
 * signature is only good for the delivery (in its shard) and part it names, and only at that carrier's endpoint.
 * Signed under the current key only; verified under `CREDENTIALS_KEY_PREVIOUS` too while it is set, so
 * the dlr-urls of messages still in flight keep working while the key is rotated (DEPLOYING.md).
 */
const keys = new Map<string, Promise<CryptoKey>>();

const encoder = new TextEncoder();

function hmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The slug's own key: HMAC(CREDENTIALS_KEY, "relay-receipts\n" + slug), cached per isolate. */
function slugKey(material: string, slug: string): Promise<CryptoKey> {
  const name = `${material.length}:${material}\n${slug}`;
  let key = keys.get(name);
  if (!key) {
    key = hmacKey(encoder.encode(material))
      .then((root) => crypto.subtle.sign("HMAC", root, encoder.encode(`relay-receipts\n${slug}`)))
      .then(hmacKey);
    // A failed derivation is not kept.
    key.catch(() => keys.delete(name));
    keys.set(name, key);
  }
  return key;
}

const signed = (slug: string, shard: string, deliveryId: number, part: number) =>
  encoder.encode(`${slug}\n${shard}\n${deliveryId}\n${part}`);

function toBase64Url(bytes: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (ch) => ch.charCodeAt(0));
}

/** @example await receiptSignature(env.CREDENTIALS_KEY, "orange-cd", "DB_0", 42, 0) // "q3V…" (43 base64url characters) */
export async function receiptSignature(
  material: string,
  slug: string,
  shard: string,
  deliveryId: number,
  part: number,
): Promise<string> {
  const key = await slugKey(material, slug);
  return toBase64Url(await crypto.subtle.sign("HMAC", key, signed(slug, shard, deliveryId, part)));
}

/**
 * Whether `signature` is the one `receiptSignature` gives under one of `keys` (the current key first,
 * then the previous one while a rotation lasts); each comparison is constant-time (`subtle.verify`).
 * Trying a second key after the first only tells which key signed, never anything about the signature.
 *
 * @example await receiptSignatureValid(configOf(env).credentialKeys, "orange-cd", "DB_0", 42, 0, q.sig) // true
 */
export async function receiptSignatureValid(
  keys: string | readonly string[],
  slug: string,
  shard: string,
  deliveryId: number,
  part: number,
  signature: string,
): Promise<boolean> {
  const given = fromBase64Url(signature);
  if (given === null) return false;
  for (const material of typeof keys === "string" ? [keys] : keys) {
    const key = await slugKey(material, slug);
    if (await crypto.subtle.verify("HMAC", key, given, signed(slug, shard, deliveryId, part))) return true;
  }
  return false;
}
