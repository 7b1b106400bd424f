import { z } from "zod";
import { successEnvelopeSchema } from "./envelopes.js";
import { countSchema, currencySchema, environmentSchema, moneySchema } from "./primitives.js";

/** The two wallet types, in the order a send debits them: prepaid first, then postpaid. */
export const walletTypes = ["LISOLOO_SMS", "LISOLOO_POST_PAID"] as const;

/** A wallet type. */
export type WalletType = (typeof walletTypes)[number];

/** One wallet of the merchant. */
export const walletBalanceSchema = z
  .object({
    wallet_type: z
      .enum(walletTypes)
      .meta({ description: "LISOLOO_SMS is prepaid, LISOLOO_POST_PAID is credit" }),
    balance: moneySchema.meta({ description: "Spendable amount; never below zero" }),
  })
  .meta({ id: "WalletBalance" });

/**
 * `data` of `GET /balance`. `wallets` lists the wallets the merchant has (one or both), prepaid
 * first; `affordable_segments` is how many messages (one segment to one recipient) the total buys
 * at `unit_price`, rounded down.
 * @example
 * const { total_balance, affordable_segments } = balanceDataSchema.parse(body.data);
 */
export const balanceDataSchema = z
  .object({
    wallets: z.array(walletBalanceSchema).min(1).max(2),
    total_balance: moneySchema.meta({ description: "Sum of the wallets' balances" }),
    currency: currencySchema,
    unit_price: moneySchema.meta({ description: "Price of one message; 0.01 when the merchant has none" }),
    affordable_segments: countSchema.meta({ description: "floor(total_balance / unit_price)" }),
  })
  .meta({
    id: "BalanceData",
    examples: [
      {
        wallets: [
          { wallet_type: "LISOLOO_SMS", balance: 12.5 },
          { wallet_type: "LISOLOO_POST_PAID", balance: 100 },
        ],
        total_balance: 112.5,
        currency: "USD",
        unit_price: 0.02,
        affordable_segments: 5625,
      },
    ],
  });

/** `data` of `GET /balance`. */
export type BalanceData = z.output<typeof balanceDataSchema>;

/** The whole 200 body of `GET /balance`. */
export const balanceResponseSchema = successEnvelopeSchema(balanceDataSchema, 200).meta({
  id: "BalanceResponse",
});

/**
 * The body of `GET /health`: not enveloped, so load balancers and uptime checks read it as is.
 * @example healthResponseSchema.parse({ status: "ok", environment: "sandbox", version: "0.1.0" })
 */
export const healthResponseSchema = z
  .object({
    status: z.literal("ok"),
    environment: environmentSchema,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/)
      .meta({ examples: ["0.1.0"] }),
  })
  .meta({ id: "HealthResponse", examples: [{ status: "ok", environment: "sandbox", version: "0.1.0" }] });

/** The body of `GET /health`. */
export type HealthResponse = z.output<typeof healthResponseSchema>;
