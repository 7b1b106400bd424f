// The local sandbox's fixed development identity: one merchant, its wallets and one stable key.
// Development values only: a production deployment never sees them (its keys are sk_live_, its
// secrets are set with `wrangler secret put`).
import { keyDigest, withChecksum } from "../src/auth/key-format.ts";

export const DEV_ADMIN_TOKEN = "dev_admin_token_local_only";
export const DEV_CREDENTIALS_KEY = "dev_credentials_key_local_only";
export const DEV_MERCHANT_ID = "mch_dev_sandbox";
export const DEV_KEY_ID = "key_dev_sandbox";
export const DEV_API_KEY = withChecksum("sk_test_LocalSandboxDevelopmentKey");
const DEV_SIGNING_SECRET = "whsec_bG9jYWwtc2FuZGJveC1zaWduaW5nLXNlY3JldA==";
const OPENING_BALANCE_MICROS = 100_000_000; // 100.00
const UNIT_PRICE_MICROS = 20_000; // 0.02

/**
 * Idempotent SQL per database: the merchant and its key in the first shard, where they are in the
 * directory. Running it twice keeps the same key and does not top up twice.
 */
export async function seedSql(now: number): Promise<Record<string, string>> {
  const digest = await keyDigest(DEV_API_KEY);
  return {
    DIRECTORY: directorySql(DEV_MERCHANT_ID, DEV_KEY_ID, digest, now),
    DB_0: `
INSERT OR IGNORE INTO merchants (id, name, time_zone, currency, unit_price_micros, default_sender_id, allowed_countries, rate_limits, created_at)
  VALUES ('${DEV_MERCHANT_ID}', 'Sandbox merchant', 'Africa/Kinshasa', 'USD', ${UNIT_PRICE_MICROS}, NULL, NULL, '{}', ${now});
INSERT OR IGNORE INTO wallets (merchant_id, type, balance_micros, updated_at)
  VALUES ('${DEV_MERCHANT_ID}', 'LISOLOO_SMS', 0, ${now}), ('${DEV_MERCHANT_ID}', 'LISOLOO_POST_PAID', 0, ${now});
INSERT OR IGNORE INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, reference, note, created_at)
  VALUES ('${DEV_MERCHANT_ID}', 'LISOLOO_SMS', ${OPENING_BALANCE_MICROS}, 'topup', 'dev-seed-opening-balance', 'opening balance', ${now});
INSERT OR IGNORE INTO api_keys (id, merchant_id, environment, digest, prefix, last4, status, webhook_signing_secret, created_at)
  VALUES ('${DEV_KEY_ID}', '${DEV_MERCHANT_ID}', 'sandbox', '${digest}', 'sk_test_', '${DEV_API_KEY.slice(-4)}', 'ACTIVE', '${DEV_SIGNING_SECRET}', ${now});
`,
  };
}

/** The directory's rows for a merchant and its key seeded in the first shard. */
function directorySql(merchantId: string, keyId: string, digest: string, now: number): string {
  return `
INSERT OR IGNORE INTO directory_merchants (merchant_id, shard, created_at) VALUES ('${merchantId}', 'DB_0', ${now});
INSERT OR IGNORE INTO directory_keys (digest, key_id, merchant_id, shard, created_at)
  VALUES ('${digest}', '${keyId}', '${merchantId}', 'DB_0', ${now});
`;
}

// The local production environment's fixed identity (`pnpm start:live`): one merchant and one
// `sk_live_` key, in the production environment's own local database.
export const DEV_LIVE_MERCHANT_ID = "mch_dev_production";
export const DEV_LIVE_KEY_ID = "key_dev_production";
export const DEV_LIVE_API_KEY = withChecksum("sk_live_LocalProductionDevelopment");
const DEV_LIVE_SIGNING_SECRET = "whsec_bG9jYWwtcHJvZHVjdGlvbi1zaWduaW5nLXNlY3JldA==";

/** Idempotent SQL for the local production databases: the same key every run, topped up once. */
export async function liveSeedSql(now: number): Promise<Record<string, string>> {
  const digest = await keyDigest(DEV_LIVE_API_KEY);
  return {
    DIRECTORY: directorySql(DEV_LIVE_MERCHANT_ID, DEV_LIVE_KEY_ID, digest, now),
    DB_0: `
INSERT OR IGNORE INTO merchants (id, name, time_zone, currency, unit_price_micros, default_sender_id, allowed_countries, rate_limits, created_at)
  VALUES ('${DEV_LIVE_MERCHANT_ID}', 'Local production merchant', 'Africa/Kinshasa', 'USD', ${UNIT_PRICE_MICROS}, NULL, NULL, '{}', ${now});
INSERT OR IGNORE INTO wallets (merchant_id, type, balance_micros, updated_at)
  VALUES ('${DEV_LIVE_MERCHANT_ID}', 'LISOLOO_SMS', 0, ${now}), ('${DEV_LIVE_MERCHANT_ID}', 'LISOLOO_POST_PAID', 0, ${now});
INSERT OR IGNORE INTO wallet_ledger (merchant_id, wallet_type, amount_micros, reason, reference, note, created_at)
  VALUES ('${DEV_LIVE_MERCHANT_ID}', 'LISOLOO_SMS', ${OPENING_BALANCE_MICROS}, 'topup', 'dev-seed-opening-balance', 'opening balance', ${now});
INSERT OR IGNORE INTO api_keys (id, merchant_id, environment, digest, prefix, last4, status, webhook_signing_secret, created_at)
  VALUES ('${DEV_LIVE_KEY_ID}', '${DEV_LIVE_MERCHANT_ID}', 'production', '${digest}', 'sk_live_', '${DEV_LIVE_API_KEY.slice(-4)}', 'ACTIVE', '${DEV_LIVE_SIGNING_SECRET}', ${now});
`,
  };
}
