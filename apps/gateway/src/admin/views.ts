import { fromMicros } from "@lisoloo/protocol";
import { maskKey } from "../auth/key-format";
import type { apiKeys, merchants } from "../db/schema";

/** Operator-facing shape of a merchant. */
export function merchantView(row: typeof merchants.$inferSelect, shard: string) {
  return {
    merchant_id: row.id,
    /** The D1 binding holding the merchant's data (`DB_0`, …): for operators, never shown to merchants. */
    shard,
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

/**
 * Why a key answers 403 `1004` now: an operator suspended it (until activated), or its `KeyGuard`
 * did under the 1302 rule (until `suspended_until`, when it ends by itself). Null when it is not
 * suspended; an expired or revoked key is reported as such, whatever its guard says.
 */
export type KeySuspension =
  | { reason: "operator"; suspended_until: null }
  | { reason: "rate_limit_abuse"; suspended_until: string };

function suspensionOf(row: typeof apiKeys.$inferSelect, nowMs: number): KeySuspension | null {
  if (row.status === "SUSPENDED") return { reason: "operator", suspended_until: null };
  if (row.status === "ACTIVE" && row.suspendedUntil !== null && row.suspendedUntil > nowMs) {
    return { reason: "rate_limit_abuse", suspended_until: new Date(row.suspendedUntil).toISOString() };
  }
  return null;
}

/**
 * Operator-facing shape of a key: never the key itself, never the Basic password. `status` is what
 * the key gets now, so a key under a 1302 suspension reads `SUSPENDED` (with `suspension` saying why
 * and until when) although its stored status stays `ACTIVE`.
 */
export function keyView(row: typeof apiKeys.$inferSelect, nowMs = Date.now()) {
  const suspension = suspensionOf(row, nowMs);
  return {
    key_id: row.id,
    merchant_id: row.merchantId,
    environment: row.environment,
    key: maskKey(row.prefix, row.last4),
    status: suspension === null ? row.status : ("SUSPENDED" as const),
    suspension,
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
