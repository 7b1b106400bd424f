import { DEFAULT_UNIT_PRICE_MICROS, fromMicros } from "@lisoloo/protocol";
import { Hono } from "hono";
import { createDb } from "../db/client";
import { readBalances } from "../db/queries/wallets";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { appKeyAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";

/** `GET /balance`: both wallets, the unit price, and how many segments the merchant can afford. */
export const balanceRoutes = new Hono<AppEnv>().get(
  "/balance",
  appKeyAuth(),
  rateLimit("balance"),
  async (c) => {
    const merchant = c.get("merchant");
    const balances = await readBalances(createDb(c.env.DB), merchant.id);
    const prepaid = balances.LISOLOO_SMS;
    const postpaid = balances.LISOLOO_POST_PAID;
    if (prepaid === undefined && postpaid === undefined) throw new ApiError("1205");
    const unitPriceMicros = merchant.unitPriceMicros ?? DEFAULT_UNIT_PRICE_MICROS;
    const total = (prepaid ?? 0) + (postpaid ?? 0);
    const wallets = [
      ...(prepaid === undefined
        ? []
        : [{ wallet_type: "LISOLOO_SMS" as const, balance: fromMicros(prepaid) }]),
      ...(postpaid === undefined
        ? []
        : [{ wallet_type: "LISOLOO_POST_PAID" as const, balance: fromMicros(postpaid) }]),
    ];
    return c.json({
      status_code: 200,
      success: true,
      data: {
        wallets,
        total_balance: fromMicros(total),
        currency: merchant.currency,
        unit_price: fromMicros(unitPriceMicros),
        affordable_segments: unitPriceMicros > 0 ? Math.floor(total / unitPriceMicros) : 0,
      },
    });
  },
);
