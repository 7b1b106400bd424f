/**
 * Encrypts small secrets (webhook Basic passwords, carrier passwords) at rest with AES-256-GCM. The
 * key is derived from the `CREDENTIALS_KEY` secret with SHA-256, so any high-entropy string works as
 * the secret. Sealing always uses the current key; opening also tries `CREDENTIALS_KEY_PREVIOUS`, so
 * the key can be rotated without a moment where stored secrets do not open (DEPLOYING.md).
 */
const keys = new Map<string, Promise<CryptoKey>>();

function aesKey(material: string): Promise<CryptoKey> {
  let key = keys.get(material);
  if (!key) {
    key = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(material))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    keys.set(material, key);
  }
  return key;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** @example await sealSecret(env.CREDENTIALS_KEY, "hunter2") // "base64(iv ‖ ciphertext)" */
export async function sealSecret(material: string, plaintext: string): Promise<string> {
  if (!material) throw new Error("CREDENTIALS_KEY is not configured");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      await aesKey(material),
      new TextEncoder().encode(plaintext),
    ),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64(out);
}

/**
 * What opens a sealed secret: the keys to try, the current one first (`Config.credentialKeys`: the
 * current `CREDENTIALS_KEY`, then `CREDENTIALS_KEY_PREVIOUS` while a rotation lasts), or one key.
 */
export type OpeningKeys = string | readonly string[];

/**
 * Reverses `sealSecret` under the first of `keys` that opens it, and says which (0: the current key).
 * AES-GCM authenticates, so a wrong key fails outright rather than yielding garbage. Null when none
 * opens it (tampered with, or sealed under a key this deployment no longer has).
 *
 * @example await openSealed([current, previous], sealed) // { plaintext: "hunter2", keyIndex: 1 }
 */
export async function openSealed(
  keys: OpeningKeys,
  sealed: string,
): Promise<{ plaintext: string; keyIndex: number } | null> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(sealed);
  } catch {
    return null;
  }
  const list = typeof keys === "string" ? [keys] : keys;
  for (const [keyIndex, material] of list.entries()) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.subarray(0, 12) },
        await aesKey(material),
        bytes.subarray(12),
      );
      return { plaintext: new TextDecoder().decode(plain), keyIndex };
    } catch {
      // Not this key: try the next one.
    }
  }
  return null;
}

/**
 * Reverses `sealSecret` under the first of `keys` that opens it; throws when none does (tampered with,
 * or sealed under a key this deployment no longer has).
 *
 * @example await openSecret(configOf(env).credentialKeys, row.password_enc) // "hunter2"
 */
export async function openSecret(keys: OpeningKeys, sealed: string): Promise<string> {
  const opened = await openSealed(keys, sealed);
  if (opened === null)
    throw new Error("The sealed secret does not open under any configured CREDENTIALS_KEY");
  return opened.plaintext;
}
