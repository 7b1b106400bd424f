import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { merchants } from "./merchants";

export const keyStatuses = ["ACTIVE", "SUSPENDED", "EXPIRED", "REVOKED"] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/**
 * API keys. Only the SHA-256 digest of a key is stored (CONTRACT §2); the cleartext is shown once.
 * Webhook settings live on the key because the contract routes events to "the key's webhook".
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    environment: text("environment", { enum: ["sandbox", "production"] }).notNull(),
    /** Lowercase hex SHA-256 of the full key. */
    digest: text("digest").notNull().unique(),
    /** `sk_test_` or `sk_live_`, and the last 4 characters: enough to recognise a key, never to use it. */
    prefix: text("prefix").notNull(),
    last4: text("last4").notNull(),
    status: text("status", { enum: keyStatuses }).notNull().default("ACTIVE"),
    /** When set, the key stops authenticating at this instant (a regenerated key's grace period). */
    revokeAt: integer("revoke_at"),
    replacedBy: text("replaced_by"),
    lastUsedAt: integer("last_used_at"),
    webhookUrl: text("webhook_url"),
    webhookBasicAuthUsername: text("webhook_basic_auth_username"),
    /** AES-GCM ciphertext (base64 of iv ‖ ciphertext) of the Basic password; never returned. */
    webhookBasicAuthPasswordEnc: text("webhook_basic_auth_password_enc"),
    webhookSigningSecret: text("webhook_signing_secret").notNull(),
    /** The previous secret keeps signing alongside the new one until this instant. */
    webhookPreviousSigningSecret: text("webhook_previous_signing_secret"),
    webhookPreviousSecretUntil: integer("webhook_previous_secret_until"),
    /** Set when a receiver answered 410 Gone: no more events to this URL until it is changed. */
    webhookDisabledAt: integer("webhook_disabled_at"),
    /**
     * While a 1302 suspension lasts (CONTRACT §9): written by the key's `KeyGuard`, which alone
     * enforces it, so operators can see it. `status` stays as it was and the suspension ends by itself.
     */
    suspendedUntil: integer("suspended_until"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("api_keys_merchant_idx").on(t.merchantId),
    // The operator health view lists suspended keys and disabled webhooks without walking every key.
    index("api_keys_suspended_until_idx").on(t.suspendedUntil),
    index("api_keys_webhook_disabled_idx").on(t.webhookDisabledAt),
    check(
      "api_keys_prefix_env",
      sql`(${t.environment} = 'sandbox' AND ${t.prefix} = 'sk_test_') OR (${t.environment} = 'production' AND ${t.prefix} = 'sk_live_')`,
    ),
  ],
);
