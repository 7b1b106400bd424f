// The local gateways' fixed development identities: one merchant each, its wallets and one stable
// key. Development values only: a production deployment never sees them (its keys are issued through
// the operator API, its secrets are set with `wrangler secret put`).
import { keyDigest, withChecksum } from "../src/auth/key-format.ts";

export const DEV_ADMIN_TOKEN = "dev_admin_token_local_only";
export const DEV_CREDENTIALS_KEY = "dev_credentials_key_local_only";
export const DEV_MERCHANT_ID = "mch_dev_sandbox";
export const DEV_KEY_ID = "key_dev_sandbox";
export const DEV_API_KEY = withChecksum("sk_test_LocalSandboxDevelopmentKey");

// The local production environment's (`pnpm start:live`): an `sk_live_` key in its own local databases.
export const DEV_LIVE_MERCHANT_ID = "mch_dev_production";
export const DEV_LIVE_KEY_ID = "key_dev_production";
export const DEV_LIVE_API_KEY = withChecksum("sk_live_LocalProductionDevelopment");

const OPENING_BALANCE_MICROS = 100_000_000; // 100.00
const UNIT_PRICE_MICROS = 20_000; // 0.02

type Identity = {
  merchantId: string;
  name: string;
  keyId: string;
  apiKey: string;
  environment: "sandbox" | "production";
  signingSecret: string;
};

/**
 * Idempotent SQL per database: the merchant and its key in the first shard, and where they are in
 * the directory. Running it twice keeps the same key and does not top up twice.
 */
async function identitySql(id: Identity, now: number): Promise<Record<string, string>> {
  const digest = await keyDigest(id.apiKey);
  const prefix = id.apiKey.slice(0, 8);
  return {
    DIRECTORY: `
INSERT OR IGNORE INTO directory_merchants (merchant_id, shard, created_at) VALUES ('${id.merchantId}', 'DB_0', ${now});
INSERT OR IGNORE INTO directory_keys (digest, key_id, merchant_id, shard, created_at)
  VALUES ('${digest}', '${id.keyId}', '${id.merchantId}', 'DB_0', ${now});
`,
    DB_0: `
INSERT OR IGNORE INTO merchants (id, name, time_zone, currency, unit_price_micros, default_sender_id, allowed_countries, rate_limits, created_at)
  VALUES ('${id.merchantId}', '${id.name}', 'Africa/Kinshasa', 'USD', ${UNIT_PRICE_MICROS}, NULL, NULL, '{}', ${now});
INSERT OR IGNORE INTO wallets (merchant_id, type, balance_micros, updated_at)
  VALUES ('${id.merchantId}', 'LISOLOO_SMS', 0, ${now}), ('${id.merchantId}', 'LISOLOO_POST_PAID', 0, ${now});
INSERT OR IGNORE INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, reference, note, created_at)
  VALUES ('${id.merchantId}', 'LISOLOO_SMS', ${OPENING_BALANCE_MICROS}, 'topup', 'dev-seed-opening-balance', 'opening balance', ${now});
INSERT OR IGNORE INTO api_keys (id, merchant_id, environment, digest, prefix, last4, status, webhook_signing_secret, created_at)
  VALUES ('${id.keyId}', '${id.merchantId}', '${id.environment}', '${digest}', '${prefix}', '${id.apiKey.slice(-4)}', 'ACTIVE', '${id.signingSecret}', ${now});
`,
  };
}

/** The sandbox's seed (`pnpm start`). */
export function seedSql(now: number): Promise<Record<string, string>> {
  return identitySql(
    {
      merchantId: DEV_MERCHANT_ID,
      name: "Sandbox merchant",
      keyId: DEV_KEY_ID,
      apiKey: DEV_API_KEY,
      environment: "sandbox",
      signingSecret: "whsec_bG9jYWwtc2FuZGJveC1zaWduaW5nLXNlY3JldA==",
    },
    now,
  );
}

/** The local production environment's seed (`pnpm start:live`). */
export function liveSeedSql(now: number): Promise<Record<string, string>> {
  return identitySql(
    {
      merchantId: DEV_LIVE_MERCHANT_ID,
      name: "Local production merchant",
      keyId: DEV_LIVE_KEY_ID,
      apiKey: DEV_LIVE_API_KEY,
      environment: "production",
      signingSecret: "whsec_bG9jYWwtcHJvZHVjdGlvbi1zaWduaW5nLXNlY3JldA==",
    },
    now,
  );
}
