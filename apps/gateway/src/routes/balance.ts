import { DEFAULT_UNIT_PRICE_MICROS, fromMicros } from "@lisoloo/protocol";
import { Hono } from "hono";
import { createDb } from "../db/client";
import { readBalances } from "../db/queries/wallets";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";

/**
 * `GET /balance`, in the documented shape (CONTRACT §1): both wallets (a missing one reports 0),
 * their sum, the unit price and how many more segments the sum buys. 400 `1205` with no wallet at all.
 */
export const balanceRoutes = new Hono<AppEnv>().get(
  "/balance",
  appKeyAuth(),
  rateLimit("balance"),
  async (c) => {
    const merchant = c.get("merchant");
    const balances = await readBalances(createDb(c.var.shard.DB), merchant.id);
    const prepaid = balances.LISOLOO_SMS;
    const postpaid = balances.LISOLOO_POST_PAID;
    if (prepaid === undefined && postpaid === undefined) throw new ApiError("1205");
    const unitPriceMicros = merchant.unitPriceMicros ?? DEFAULT_UNIT_PRICE_MICROS;
    // Summed in micro-units so `balance` is exactly the two wallets' sum, never a float drift.
    const total = (prepaid ?? 0) + (postpaid ?? 0);
    return c.json({
      status_code: 200,
      success: true,
      data: {
        balance: fromMicros(total),
        sms_wallet_balance: fromMicros(prepaid ?? 0),
        postpaid_wallet_balance: fromMicros(postpaid ?? 0),
        currency: merchant.currency,
        unit_price: fromMicros(unitPriceMicros),
        available_sms: unitPriceMicros > 0 ? Math.floor(total / unitPriceMicros) : 0,
      },
    });
  },
);
