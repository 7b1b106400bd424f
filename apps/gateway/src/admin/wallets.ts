import { fromMicros, toMicros } from "@lisoloo/protocol";
import { Hono } from "hono";
import { createDb } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { isMissingWallet, isOverdraft, readBalances, readLedger } from "../db/queries/wallets";
import { type WalletType, walletLedger, walletTypes } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { merchantShard } from "./locate";
import { adjustmentSchema, topUpSchema } from "./schemas";
import { parseAdminBody } from "./validate";

function walletType(value: string): WalletType {
  if ((walletTypes as readonly string[]).includes(value)) return value as WalletType;
  throw new ApiError("1403", { message: "Unknown wallet type" });
}

async function wallets(db: ReturnType<typeof createDb>, merchantId: string) {
  const balances = await readBalances(db, merchantId);
  return walletTypes.map((type) => ({
    type,
    balance: balances[type] === undefined ? null : fromMicros(balances[type]),
  }));
}

/** Operator routes for money: every movement is one ledger row, applied to the wallet by the database. */
export const walletRoutes = new Hono<AppEnv>()
  .get("/merchants/:merchantId/wallets", async (c) => {
    const merchantId = c.req.param("merchantId");
    const db = createDb((await merchantShard(c.env, merchantId)).DB);
    const ledger = await readLedger(db, merchantId);
    return c.json({
      status_code: 200,
      success: true,
      data: {
        wallets: await wallets(db, merchantId),
        ledger: ledger.map((r) => ({
          id: r.id,
          wallet: r.walletType,
          amount: fromMicros(r.amountMicros),
          reason: r.reason,
          message_id: r.sendId,
          reference: r.reference,
          note: r.note,
          created_at: new Date(r.createdAt).toISOString(),
        })),
      },
    });
  })
  .post("/merchants/:merchantId/wallets/:type/:movement{topups|adjustments}", async (c) => {
    const body = await readJsonObject(c);
    const movement = c.req.param("movement");
    const input =
      movement === "topups" ? parseAdminBody(topUpSchema, body) : parseAdminBody(adjustmentSchema, body);
    const merchantId = c.req.param("merchantId");
    const db = createDb((await merchantShard(c.env, merchantId)).DB);
    try {
      await db.insert(walletLedger).values({
        merchantId,
        walletType: walletType(c.req.param("type")),
        amountMicros: toMicros(input.amount),
        reason: movement === "topups" ? "topup" : "adjustment",
        reference: input.reference ?? null,
        note: input.note ?? null,
        createdAt: Date.now(),
      });
    } catch (error) {
      if (isMissingWallet(error)) throw new ApiError("1205");
      if (isOverdraft(error)) {
        throw new ApiError("1110", {
          details: [
            { field: "amount", message: "The balance cannot go below zero", code: "INVALID_FIELD_FORMAT" },
          ],
        });
      }
      if (isUniqueViolation(error)) {
        throw new ApiError("1110", {
          details: [{ field: "reference", message: "Reference already used", code: "INVALID_FIELD_FORMAT" }],
        });
      }
      throw error;
    }
    return c.json({ status_code: 201, success: true, data: { wallets: await wallets(db, merchantId) } }, 201);
  });
