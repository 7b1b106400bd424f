// The throwaway merchant and key the smoke test makes through the admin API, so it can receive the
// webhooks of its own sends without touching any real key's configuration, and takes out of service
// at the end whatever happened.
import { randomBytes } from "node:crypto";
import { documentedError } from "./error-checks.mjs";
import { AdminError } from "./http.mjs";
import { failed, passed } from "./report.mjs";
import { maskKey } from "./settings.mjs";

/** Enough for a few smoke runs at the default unit price; it is sandbox money. */
const OPENING_BALANCE = 1;

/**
 * @typedef {{ username: string; password: string }} BasicLogin
 * @typedef {{
 *   merchantId: string;
 *   keyId: string;
 *   apiKey: string;
 *   webhook: { url: string; secret: string; login: BasicLogin } | null;
 *   webhookRefusal: string | null;
 * }} Throwaway
 */

/**
 * Creates the merchant (its prepaid wallet opened with 1.00), issues its key and, when a receiver
 * URL is given, points the key's webhook there with a random Basic login. A webhook URL the gateway
 * refuses (1105) leaves the key without a webhook and says why in `webhookRefusal`.
 * @param {import("./http.mjs").GatewayHttp} http
 * @param {string} token
 * @param {string | null} webhookUrl
 * @param {(key: { keyId: string; apiKey: string }) => void} onKey told as soon as the key exists, so a failure after it still revokes it
 * @returns {Promise<Throwaway>}
 */
export async function createThrowaway(http, token, webhookUrl, onKey) {
  const merchant = await http.admin(token, "POST", "/merchants", {
    name: `smoke ${new Date().toISOString()}`,
    wallets: { LISOLOO_SMS: OPENING_BALANCE },
  });
  const key = await http.admin(token, "POST", `/merchants/${encodeURIComponent(merchant.merchant_id)}/keys`);
  onKey({ keyId: key.key_id, apiKey: key.api_key });
  const made = { merchantId: merchant.merchant_id, keyId: key.key_id, apiKey: key.api_key };
  if (webhookUrl === null) return { ...made, webhook: null, webhookRefusal: null };
  const login = { username: "lisoloo_smoke", password: randomBytes(18).toString("base64url") };
  try {
    const configured = await http.admin(token, "PUT", `/keys/${encodeURIComponent(key.key_id)}/webhook`, {
      webhook_url: webhookUrl,
      webhook_basic_auth_username: login.username,
      webhook_basic_auth_password: login.password,
    });
    const secret = configured.webhook.webhook_signing_secret;
    return { ...made, webhook: { url: webhookUrl, secret, login }, webhookRefusal: null };
  } catch (error) {
    if (!(error instanceof AdminError) || error.envelope?.error_code !== "1105") throw error;
    const reason = error.envelope.details?.[0]?.message ?? "refused";
    return { ...made, webhook: null, webhookRefusal: `the gateway refused ${webhookUrl}: ${reason}` };
  }
}

/** The setup line: what was made, never the key or the secret. @param {Throwaway} t */
export function describeThrowaway(t) {
  const hook = t.webhook ? `, webhook ${t.webhook.url} with a Basic login` : ", no webhook";
  return `throwaway merchant ${t.merchantId} (${OPENING_BALANCE.toFixed(2)} prepaid), key ${t.keyId} ${maskKey(t.apiKey)}${hook}`;
}

/**
 * Revokes the throwaway key (final: it can never be brought back), then checks the key is refused
 * at once with the documented 401 1001, which also proves revocation reaches the edge.
 * @param {import("./http.mjs").GatewayHttp} http
 * @param {string} token
 * @param {{ keyId: string; apiKey: string }} key
 */
export async function revokeThrowaway(http, token, key) {
  await http.admin(token, "POST", `/keys/${encodeURIComponent(key.keyId)}/revoke`);
  const answer = await http.api("/balance", { key: key.apiKey });
  const refused = documentedError("GET /balance with the revoked key", answer, 401, "1001");
  if ("problem" in refused) return failed(`throwaway key ${key.keyId} revoked, but ${refused.problem}`);
  return passed(`throwaway key ${key.keyId} revoked; it now answers 401 1001`);
}
