// What `lisoloo smoke` was asked to do: flags first, then the environment, checked before anything is
// sent, so a mistyped command costs nothing (exit 2).
import { integer, number, UsageError } from "../values.mjs";

/**
 * @typedef {{
 *   baseUrl: string;
 *   apiKey: string | undefined;
 *   adminToken: string | undefined;
 *   webhookUrl: string | undefined;
 *   webhookPort: number | undefined;
 *   timeoutMs: number;
 *   json: boolean;
 * }} SmokeSettings
 */

export const DEFAULT_TIMEOUT_SECONDS = 60;
const KEY_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{32}$/;

/** A flag's value, else the environment variable's, blank counting as absent. */
function flagOrEnv(/** @type {unknown} */ flag, /** @type {string | undefined} */ variable) {
  const value = typeof flag === "string" ? flag : variable;
  return value?.trim() || undefined;
}

/** The gateway's origin: the docs' `$BASE_URL`, without the API's path. @param {string} text */
function origin(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--base-url must be an absolute URL such as https://sms.example.org, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--base-url must be http or https, got "${url.protocol}"`);
  if (url.pathname !== "/" || url.search !== "")
    throw new UsageError(
      `--base-url is the gateway's origin (${url.origin}); the API's path is added to it, got "${text}"`,
    );
  return url.origin;
}

/**
 * Reads and checks the smoke test's settings.
 * @param {import("../commands.mjs").OptionValues} values
 * @param {Record<string, string | undefined>} env
 * @returns {SmokeSettings}
 */
export function smokeSettings(values, env) {
  const base = flagOrEnv(values["base-url"], env.LISOLOO_BASE_URL);
  if (!base) throw new UsageError("Give the gateway's origin: --base-url <origin> or LISOLOO_BASE_URL");
  const apiKey = flagOrEnv(values["api-key"], env.LISOLOO_API_KEY);
  // The key itself is never echoed: a usage error can end up in a CI log.
  if (apiKey !== undefined && !KEY_PATTERN.test(apiKey))
    throw new UsageError("--api-key must be an API key: sk_test_ (or sk_live_) and 32 letters or digits");
  const adminToken = flagOrEnv(values["admin-token"], env.ADMIN_TOKEN);
  if (apiKey === undefined && adminToken === undefined)
    throw new UsageError(
      "Give --admin-token (or ADMIN_TOKEN), so a throwaway merchant and key can be made, or --api-key (or LISOLOO_API_KEY), or both",
    );

  const webhookUrl = flagOrEnv(values["webhook-url"], undefined);
  if (webhookUrl !== undefined && !URL.canParse(webhookUrl))
    throw new UsageError(`--webhook-url must be an absolute URL, got "${webhookUrl}"`);
  const webhookPort = integer("--webhook-port", /** @type {string | undefined} */ (values["webhook-port"]));
  if (webhookPort !== undefined && (webhookPort < 0 || webhookPort > 65535))
    throw new UsageError("--webhook-port must be between 0 and 65535");
  // The forwarder behind a public URL is set up in advance, so it needs to know the port.
  if (webhookUrl !== undefined && !webhookPort)
    throw new UsageError("--webhook-url needs --webhook-port: the local port its forwarder reaches");

  const timeout = number("--timeout", /** @type {string | undefined} */ (values.timeout));
  if (timeout !== undefined && timeout <= 0) throw new UsageError("--timeout must be more than 0 seconds");

  return {
    baseUrl: origin(base),
    apiKey,
    adminToken,
    webhookUrl,
    webhookPort,
    timeoutMs: (timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    json: values.json === true,
  };
}

/** `sk_test_…Ab12`: enough to tell keys apart in a report, never the key. @param {string} key */
export function maskKey(key) {
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}
