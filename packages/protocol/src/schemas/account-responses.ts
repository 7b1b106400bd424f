import * as z from "zod";
import { successEnvelopeSchema } from "./envelopes.js";
import { countSchema, currencySchema, environmentSchema, moneySchema } from "./primitives.js";

/**
 * The two wallet types, in the order a send debits them: prepaid first, then postpaid.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type WalletType, walletTypes } from "@lisoloo/protocol/schemas";
 *
 * const debitedFirst: WalletType = walletTypes[0];
 * assert.equal(debitedFirst, "LISOLOO_SMS");
 * assert.deepEqual(walletTypes, ["LISOLOO_SMS", "LISOLOO_POST_PAID"]);
 */
export const walletTypes = ["LISOLOO_SMS", "LISOLOO_POST_PAID"] as const;

/** A wallet type. */
export type WalletType = (typeof walletTypes)[number];

/**
 * `data` of `GET /balance`, exactly as the public documentation shows it (CONTRACT §1): the two
 * wallets' balances (a missing wallet reports `0`), their sum, the unit price and how many more
 * segments that sum buys, rounded down.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type BalanceData, balanceDataSchema, balanceResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /balance
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     balance: 100.5,
 *     sms_wallet_balance: 80,
 *     postpaid_wallet_balance: 20.5,
 *     currency: "USD",
 *     unit_price: 0.02,
 *     available_sms: 5025,
 *   },
 * };
 * const balance: BalanceData = balanceResponseSchema.parse(body).data;
 * assert.equal(balance.available_sms, Math.floor(balance.balance / balance.unit_price));
 * assert.equal(balanceDataSchema.safeParse({ ...balance, balance: -1 }).success, false);
 */
export const balanceDataSchema = z
  .object({
    balance: moneySchema.min(0).meta({
      description: "Combined credit of both wallets: sms_wallet_balance + postpaid_wallet_balance",
    }),
    sms_wallet_balance: moneySchema.min(0).meta({
      description: "Prepaid wallet (LISOLOO_SMS), drawn down first on every send; 0 when there is none",
    }),
    postpaid_wallet_balance: moneySchema.min(0).meta({
      description:
        "Postpaid wallet (LISOLOO_POST_PAID), used once the prepaid one is exhausted; 0 when there is none",
    }),
    currency: currencySchema,
    unit_price: moneySchema.meta({ description: "Price of one segment; 0.01 when the merchant has none" }),
    available_sms: countSchema.meta({
      description: "floor(balance / unit_price): segments the balance still buys",
    }),
  })
  .meta({
    id: "BalanceData",
    examples: [
      {
        balance: 100.5,
        sms_wallet_balance: 80,
        postpaid_wallet_balance: 20.5,
        currency: "USD",
        unit_price: 0.02,
        available_sms: 5025,
      },
    ],
  });

/** `data` of `GET /balance`. */
export type BalanceData = z.output<typeof balanceDataSchema>;

/**
 * The whole 200 body of `GET /balance`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type BalanceData, balanceDataSchema, balanceResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of GET /balance
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     balance: 100.5,
 *     sms_wallet_balance: 80,
 *     postpaid_wallet_balance: 20.5,
 *     currency: "USD",
 *     unit_price: 0.02,
 *     available_sms: 5025,
 *   },
 * };
 * const balance: BalanceData = balanceResponseSchema.parse(body).data;
 * assert.equal(balance.available_sms, Math.floor(balance.balance / balance.unit_price));
 * assert.equal(balanceDataSchema.safeParse({ ...balance, balance: -1 }).success, false);
 */
export const balanceResponseSchema = successEnvelopeSchema(balanceDataSchema, 200).meta({
  id: "BalanceResponse",
});

/**
 * The body of `GET /health`: not enveloped, so load balancers and uptime checks read it as is.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type HealthResponse, healthResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // GET /health is not enveloped, so load balancers read it as it is
 * const health: HealthResponse = healthResponseSchema.parse({
 *   status: "ok",
 *   environment: "sandbox",
 *   version: "0.1.0",
 * });
 * assert.equal(health.environment, "sandbox");
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
