/**
 * Encrypts small secrets (webhook Basic passwords, carrier passwords) at rest with AES-256-GCM. The
 * key is derived from the `CREDENTIALS_KEY` secret with SHA-256, so any high-entropy string works as
 * the secret.
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

/** Reverses `sealSecret`; throws when the ciphertext was tampered with or the key is wrong. */
export async function openSecret(material: string, sealed: string): Promise<string> {
  const bytes = fromBase64(sealed);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(0, 12) },
    await aesKey(material),
    bytes.subarray(12),
  );
  return new TextDecoder().decode(plain);
}
