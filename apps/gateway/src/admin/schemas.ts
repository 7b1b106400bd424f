import { senderIdSchema } from "@lisoloo/protocol";
import { z } from "zod";

/** Money is kept in micro-units (CONTRACT §5): an amount with a seventh decimal has no exact value. */
const atMostSixDecimals = (n: number) => Math.abs(n * 1e6 - Math.round(n * 1e6)) < 1e-6;
const sixDecimals = "At most 6 decimal places";
const money = z.number().nonnegative().max(1_000_000_000).refine(atMostSixDecimals, sixDecimals);
const limit = z.number().int().min(1).max(1_000_000);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const createMerchantSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  time_zone: z.string().refine(isTimeZone, "Unknown IANA time zone").default("Africa/Kinshasa"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "ISO 4217 code")
    .default("USD"),
  unit_price: money.optional(),
  // Sent on every send that names no sender_id, so it obeys the same rule as sender_id (1102's).
  default_sender_id: senderIdSchema.optional(),
  allowed_countries: z.array(z.string().regex(/^[A-Z]{2}$/, "ISO 3166 alpha-2 code")).optional(),
  rate_limits: z
    .strictObject({ send: limit, status: limit, balance: limit, preview: limit })
    .partial()
    .optional(),
  wallets: z.strictObject({ LISOLOO_SMS: money, LISOLOO_POST_PAID: money }).partial().optional(),
});

export const updateMerchantSchema = createMerchantSchema
  .omit({ wallets: true })
  .partial()
  .extend({
    allowed_countries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .nullable()
      .optional(),
    unit_price: money.nullable().optional(),
    default_sender_id: senderIdSchema.nullable().optional(),
  });

export const regenerateKeySchema = z.strictObject({
  grace_seconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(0),
});

export const webhookSchema = z.strictObject({
  webhook_url: z.string().min(1).max(2048).nullable().optional(),
  webhook_basic_auth_username: z.string().min(1).max(200).nullable().optional(),
  webhook_basic_auth_password: z.string().min(1).max(200).nullable().optional(),
});

export const topUpSchema = z.strictObject({
  amount: z.number().positive().max(1_000_000_000).refine(atMostSixDecimals, sixDecimals),
  reference: z.string().min(1).max(200).optional(),
  note: z.string().max(500).optional(),
});

export const adjustmentSchema = z.strictObject({
  amount: z
    .number()
    .refine((n) => n !== 0, "Must not be zero")
    .refine((n) => Math.abs(n) <= 1_000_000_000, "Too large")
    .refine(atMostSixDecimals, sixDecimals),
  reference: z.string().min(1).max(200).optional(),
  note: z.string().min(1).max(500),
});
