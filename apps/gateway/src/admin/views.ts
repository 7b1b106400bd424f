import { fromMicros } from "@lisoloo/protocol";
import { maskKey } from "../auth/key-format";
import type { apiKeys, merchants } from "../db/schema";

/** Operator-facing shape of a merchant. */
export function merchantView(row: typeof merchants.$inferSelect) {
  return {
    merchant_id: row.id,
    name: row.name,
    time_zone: row.timeZone,
    currency: row.currency,
    unit_price: row.unitPriceMicros === null ? null : fromMicros(row.unitPriceMicros),
    default_sender_id: row.defaultSenderId,
    allowed_countries: row.allowedCountries ?? null,
    rate_limits: row.rateLimits,
    created_at: new Date(row.createdAt).toISOString(),
  };
}

/** Operator-facing shape of a key: never the key itself, never the Basic password. */
export function keyView(row: typeof apiKeys.$inferSelect) {
  return {
    key_id: row.id,
    merchant_id: row.merchantId,
    environment: row.environment,
    key: maskKey(row.prefix, row.last4),
    status: row.status,
    revoke_at: row.revokeAt === null ? null : new Date(row.revokeAt).toISOString(),
    last_used_at: row.lastUsedAt === null ? null : new Date(row.lastUsedAt).toISOString(),
    webhook: {
      webhook_url: row.webhookUrl,
      webhook_basic_auth_username: row.webhookBasicAuthUsername,
      webhook_basic_auth_password_set: row.webhookBasicAuthPasswordEnc !== null,
      webhook_signing_secret: row.webhookSigningSecret,
      disabled_at: row.webhookDisabledAt === null ? null : new Date(row.webhookDisabledAt).toISOString(),
    },
    created_at: new Date(row.createdAt).toISOString(),
  };
}
