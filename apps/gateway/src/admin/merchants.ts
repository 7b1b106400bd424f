import { toMicros } from "@lisoloo/protocol";
import { and, eq, ne } from "drizzle-orm";
import { Hono } from "hono";
import { createDb } from "../db/client";
import { apiKeys, merchants, walletLedger, wallets, walletTypes } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { newId } from "../ids";
import { bumpAuthVersions } from "../key-guard/stub";
import { placeNewMerchant, recordMerchant } from "../shards/directory";
import { merchantShard } from "./locate";
import { createMerchantSchema, updateMerchantSchema } from "./schemas";
import { parseAdminBody } from "./validate";
import { merchantView } from "./views";

/** Operator routes for merchants (§11). Creating one opens both wallets with their opening balances. */
export const merchantRoutes = new Hono<AppEnv>()
  .post("/merchants", async (c) => {
    const input = parseAdminBody(createMerchantSchema, await readJsonObject(c));
    const shard = await placeNewMerchant(c.env);
    const db = createDb(shard.DB);
    const now = Date.now();
    const id = newId("mch");
    const row = {
      id,
      name: input.name,
      timeZone: input.time_zone,
      currency: input.currency,
      unitPriceMicros: input.unit_price === undefined ? null : toMicros(input.unit_price),
      defaultSenderId: input.default_sender_id ?? null,
      allowedCountries: input.allowed_countries ?? null,
      rateLimits: input.rate_limits ?? {},
      createdAt: now,
    };
    const opening = walletTypes
      .map((type) => ({ type, micros: toMicros(input.wallets?.[type] ?? 0) }))
      .filter((w) => w.micros > 0);
    await db.batch([
      db.insert(merchants).values(row),
      db
        .insert(wallets)
        .values(walletTypes.map((type) => ({ merchantId: id, type, balanceMicros: 0, updatedAt: now }))),
      ...opening.map((w) =>
        db.insert(walletLedger).values({
          merchantId: id,
          walletType: w.type,
          amountMicros: w.micros,
          reason: "topup" as const,
          note: "opening balance",
          createdAt: now,
        }),
      ),
    ]);
    // Written last: until the directory names its shard, the merchant cannot be found, so a failure
    // above leaves nothing reachable half-made.
    await recordMerchant(shard, id, now);
    return c.json({ status_code: 201, success: true, data: merchantView(row, shard.SHARD) }, 201);
  })
  .get("/merchants/:merchantId", async (c) => {
    const shard = await merchantShard(c.env, c.req.param("merchantId"));
    const db = createDb(shard.DB);
    const row = await db
      .select()
      .from(merchants)
      .where(eq(merchants.id, c.req.param("merchantId")))
      .get();
    if (!row) throw new ApiError("1403", { message: "Merchant not found" });
    return c.json({ status_code: 200, success: true, data: merchantView(row, shard.SHARD) });
  })
  .patch("/merchants/:merchantId", async (c) => {
    const input = parseAdminBody(updateMerchantSchema, await readJsonObject(c));
    const shard = await merchantShard(c.env, c.req.param("merchantId"));
    const db = createDb(shard.DB);
    const patch: Partial<typeof merchants.$inferInsert> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.time_zone !== undefined) patch.timeZone = input.time_zone;
    if (input.currency !== undefined) patch.currency = input.currency;
    if (input.unit_price !== undefined)
      patch.unitPriceMicros = input.unit_price === null ? null : toMicros(input.unit_price);
    if (input.default_sender_id !== undefined) patch.defaultSenderId = input.default_sender_id;
    if (input.allowed_countries !== undefined) patch.allowedCountries = input.allowed_countries;
    if (input.rate_limits !== undefined) patch.rateLimits = input.rate_limits;
    const id = c.req.param("merchantId");
    const updated =
      Object.keys(patch).length > 0
        ? await db.update(merchants).set(patch).where(eq(merchants.id, id)).returning().get()
        : await db.select().from(merchants).where(eq(merchants.id, id)).get();
    if (!updated) throw new ApiError("1403", { message: "Merchant not found" });
    if (Object.keys(patch).length > 0) {
      // Every key of the merchant carries its fields to the auth path. A revoked key is left out: it
      // is refused whatever its merchant says, and a refusal is never given from a copy unread.
      const keys = await db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.merchantId, id), ne(apiKeys.status, "REVOKED")));
      await bumpAuthVersions(
        c.env,
        keys.map((k) => k.id),
      );
    }
    return c.json({ status_code: 200, success: true, data: merchantView(updated, shard.SHARD) });
  });
