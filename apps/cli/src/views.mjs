// How the admin API's answers read in a terminal.
import { fields } from "./format.mjs";

/** @param {any} m */
export function renderMerchant(m) {
  const limits = m.rate_limits && Object.keys(m.rate_limits).length > 0 ? m.rate_limits : "contract defaults";
  return fields(`Merchant ${m.merchant_id}`, [
    ["name", m.name],
    ["time zone", m.time_zone],
    ["currency", m.currency],
    ["unit price", m.unit_price ?? "0.01 (default)"],
    ["default sender", m.default_sender_id ?? "LISOLOO (default)"],
    ["allowed countries", m.allowed_countries ?? "all"],
    ["rate limits", limits],
    ["created", m.created_at],
  ]);
}

/** @param {any} k */
export function renderKey(k) {
  const w = k.webhook ?? {};
  const auth = w.webhook_basic_auth_username
    ? `${w.webhook_basic_auth_username} / ${w.webhook_basic_auth_password_set ? "password set" : "no password"}`
    : null;
  return fields(`Key ${k.key_id} (${k.environment}, merchant ${k.merchant_id})`, [
    ["key", k.key],
    ["status", k.status],
    ["revokes at", k.revoke_at],
    ["last used", k.last_used_at],
    ["webhook url", w.webhook_url],
    ["basic auth", auth],
    ["signing secret", w.webhook_signing_secret],
    ["webhook disabled", w.disabled_at],
    ["created", k.created_at],
  ]);
}

/** @param {any} k */
export function renderNewKey(k) {
  return `New API key, shown this once — store it now:\n  ${k.api_key}\n\n${renderKey(k)}`;
}

/** @param {string} merchantId @param {any[]} wallets */
export function renderWallets(merchantId, wallets) {
  // The sum the merchant's GET /balance answers as `balance` (a missing wallet counts 0), added in
  // micro-units so 0.1 + 0.2 prints 0.3.
  const micros = wallets.reduce((sum, w) => sum + Math.round((w.balance ?? 0) * 1e6), 0);
  /** @type {[string, unknown][]} */
  const rows = wallets.map((w) => [w.type, w.balance ?? "no wallet"]);
  rows.push(["balance (both)", micros / 1e6]);
  return fields(`Wallets of ${merchantId}`, rows);
}

/** @param {any} e */
export function lastAnswer(e) {
  const last = e.attempts?.[e.attempts.length - 1];
  if (!last) return null;
  return `${last.response_status ?? last.error ?? "no answer"} (${last.verdict})`;
}
