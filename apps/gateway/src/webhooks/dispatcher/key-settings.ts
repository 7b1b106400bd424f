import { type OpeningKeys, openSecret } from "../../crypto/secret-box";
import { checkWebhookUrl } from "../../network/ssrf-guard";
import type { KeyWebhookSettings } from "../outbox/outbox-store";

/** How long a rotated-out secret keeps signing alongside the new one. */
export const secretOverlapMs = 24 * 3600 * 1000;

/**
 * The secrets to sign with now: the key's current one, plus the previous one until its overlap ends,
 * so a receiver still holding the old secret keeps verifying during a rotation.
 *
 * @example activeSecrets(key, Date.now()) // ["whsec_new…", "whsec_old…"] within 24 h of a rotation
 */
export function activeSecrets(key: KeyWebhookSettings, nowMs: number): string[] {
  const secrets = [key.signingSecret];
  if (
    key.previousSigningSecret !== null &&
    key.previousSecretUntil !== null &&
    key.previousSecretUntil > nowMs
  ) {
    secrets.push(key.previousSigningSecret);
  }
  return secrets;
}

/**
 * The Basic credentials to send, only when both parts are set (CONTRACT §8). Throws when the stored
 * password opens under none of the keys (a `CREDENTIALS_KEY` changed without keeping the old one as
 * `CREDENTIALS_KEY_PREVIOUS`): sending without it would be refused anyway.
 *
 * @example await basicAuthOf(config.credentialKeys, key) // { username: "shop", password: "s3cret" } or null
 */
export async function basicAuthOf(
  credentialKeys: OpeningKeys,
  key: KeyWebhookSettings,
): Promise<{ username: string; password: string } | null> {
  if (!key.basicAuthUsername || !key.basicAuthPasswordEnc) return null;
  return {
    username: key.basicAuthUsername,
    password: await openSecret(credentialKeys, key.basicAuthPasswordEnc),
  };
}

/**
 * `basicAuthOf` that decrypts each distinct stored password once: for one batch of attempts, most of
 * which share a key. Made afresh per batch, so a changed password is used by the next one.
 *
 * @example const basicAuth = basicAuthMemo(config.credentialKeys); await basicAuth(key) // decrypts
 * await basicAuth(key) // the same answer, no second decryption
 */
export function basicAuthMemo(
  credentialKeys: OpeningKeys,
): (key: KeyWebhookSettings) => ReturnType<typeof basicAuthOf> {
  const known = new Map<string, ReturnType<typeof basicAuthOf>>();
  return (key) => {
    const id = `${key.basicAuthUsername}\u0000${key.basicAuthPasswordEnc}`;
    let auth = known.get(id);
    if (auth === undefined) {
      auth = basicAuthOf(credentialKeys, key);
      known.set(id, auth);
    }
    return auth;
  };
}

/**
 * Why an event must not be sent to `destination` at all, or null. A key's webhook disabled by a 410
 * stops the events bound for that URL only; a send's own `callback_url` is a different endpoint.
 * The URL rules are checked again at send time because the deployment's allowances may have changed
 * since the URL was stored.
 *
 * @example deliveryRefusal("https://shop.example/hooks", key, { allowHttpLocalhost: false }) // null
 */
export function deliveryRefusal(
  destination: string,
  key: KeyWebhookSettings | null,
  options: { allowHttpLocalhost: boolean },
): string | null {
  if (key === null) return "The API key of this event no longer exists";
  if (key.disabledAt !== null && key.webhookUrl === destination) {
    return `The key's webhook was disabled at ${new Date(key.disabledAt).toISOString()} after a 410 Gone`;
  }
  const refusal = checkWebhookUrl(destination, options);
  return refusal === null ? null : `Destination refused: ${refusal}`;
}
