import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { generateApiKey, keyDigest } from "../auth/key-format";
import { configOf } from "../config/config";
import { sealSecret } from "../crypto/secret-box";
import { createDb, type Db } from "../db/client";
import { apiKeys, type KeyStatus, merchants } from "../db/schema";
import type { AppEnv, WorkerEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { readJsonObject } from "../http/read-json";
import { newId } from "../ids";
import { bumpAuthVersions, callGuard, keyGuardFor } from "../key-guard/stub";
import { checkWebhookUrl } from "../network/ssrf-guard";
import { recordKey } from "../shards/directory";
import { generateSigningSecret } from "../webhooks/policy/sign";
import { keyShard, merchantShard } from "./locate";
import { regenerateKeySchema, webhookSchema } from "./schemas";
import { parseAdminBody } from "./validate";
import { keyView } from "./views";

async function keyRow(db: Db, keyId: string) {
  const row = await db.select().from(apiKeys).where(eq(apiKeys.id, keyId)).get();
  if (!row) throw new ApiError("1403", { message: "Key not found" });
  return row;
}

/** A new key row for a merchant in this deployment's environment; the cleartext is returned once. */
async function issueKey(env: WorkerEnv, merchantId: string, webhookFrom?: typeof apiKeys.$inferSelect) {
  const { environment } = configOf(env);
  const apiKey = generateApiKey(environment);
  const row: typeof apiKeys.$inferInsert = {
    id: newId("key"),
    merchantId,
    environment,
    digest: await keyDigest(apiKey),
    prefix: apiKey.slice(0, 8),
    last4: apiKey.slice(-4),
    status: "ACTIVE",
    // A regenerated key inherits its predecessor's webhook, so events keep flowing.
    webhookUrl: webhookFrom?.webhookUrl ?? null,
    webhookBasicAuthUsername: webhookFrom?.webhookBasicAuthUsername ?? null,
    webhookBasicAuthPasswordEnc: webhookFrom?.webhookBasicAuthPasswordEnc ?? null,
    webhookSigningSecret: webhookFrom?.webhookSigningSecret ?? generateSigningSecret(),
    createdAt: Date.now(),
  };
  return { apiKey, row };
}

function setStatus(status: KeyStatus) {
  return async (c: import("hono").Context<AppEnv>) => {
    const id = c.req.param("keyId") as string;
    const db = createDb((await keyShard(c.env, id)).DB);
    const current = await keyRow(db, id);
    // Revocation is final: a revoked key may have leaked or been replaced, and making it ACTIVE,
    // SUSPENDED or EXPIRED again would bring it back. A new key is issued instead.
    if (current.status === "REVOKED" && status !== "REVOKED")
      throw new ApiError("1204", { message: "A revoked key stays revoked; issue a new key instead" });
    // Activating also ends a 1302 suspension early: the guard forgets it, then the row stops showing it.
    if (status === "ACTIVE") await callGuard(keyGuardFor(c.env, id).lift());
    const patch = status === "ACTIVE" ? { status, suspendedUntil: null } : { status };
    const updated = await db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning().get();
    await bumpAuthVersions(c.env, [id]);
    return c.json({ status_code: 200, success: true, data: keyView(updated as typeof apiKeys.$inferSelect) });
  };
}

/** Operator routes for API keys and their webhook configuration (§11). */
export const keyRoutes = new Hono<AppEnv>()
  .post("/merchants/:merchantId/keys", async (c) => {
    const merchantId = c.req.param("merchantId");
    const shard = await merchantShard(c.env, merchantId);
    const db = createDb(shard.DB);
    const merchant = await db
      .select({ id: merchants.id })
      .from(merchants)
      .where(eq(merchants.id, merchantId))
      .get();
    if (!merchant) throw new ApiError("1403", { message: "Merchant not found" });
    const { apiKey, row } = await issueKey(c.env, merchantId);
    const inserted = await db.insert(apiKeys).values(row).returning().get();
    // Written last: the key authenticates only once the directory names its shard.
    await recordKey(shard, { digest: row.digest, keyId: row.id, merchantId }, row.createdAt);
    return c.json({ status_code: 201, success: true, data: { ...keyView(inserted), api_key: apiKey } }, 201);
  })
  .get("/merchants/:merchantId/keys", async (c) => {
    const merchantId = c.req.param("merchantId");
    const db = createDb((await merchantShard(c.env, merchantId)).DB);
    const rows = await db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchantId));
    return c.json({ status_code: 200, success: true, data: rows.map((row) => keyView(row)) });
  })
  .get("/keys/:keyId", async (c) => {
    const keyId = c.req.param("keyId");
    const row = await keyRow(createDb((await keyShard(c.env, keyId)).DB), keyId);
    return c.json({ status_code: 200, success: true, data: keyView(row) });
  })
  .post("/keys/:keyId/regenerate", async (c) => {
    const body =
      c.req.header("content-length") === "0" || !c.req.header("content-type") ? {} : await readJsonObject(c);
    const { grace_seconds } = parseAdminBody(regenerateKeySchema, body);
    const shard = await keyShard(c.env, c.req.param("keyId"));
    const db = createDb(shard.DB);
    const old = await keyRow(db, c.req.param("keyId"));
    if (old.status === "REVOKED") throw new ApiError("1204", { message: "Key is revoked" });
    const { apiKey, row } = await issueKey(c.env, old.merchantId, old);
    const now = Date.now();
    const oldPatch =
      grace_seconds > 0
        ? { revokeAt: now + grace_seconds * 1000, replacedBy: row.id }
        : { status: "REVOKED" as const, revokeAt: now, replacedBy: row.id };
    const [inserted] = await db.batch([
      db.insert(apiKeys).values(row).returning(),
      db.update(apiKeys).set(oldPatch).where(eq(apiKeys.id, old.id)),
    ]);
    await recordKey(shard, { digest: row.digest, keyId: row.id, merchantId: old.merchantId }, now);
    // After the new key is in the directory: if the old key's guard cannot be told, the call fails,
    // and the new key (its cleartext lost with the answer) can at least be found and regenerated.
    await bumpAuthVersions(c.env, [old.id]);
    return c.json(
      {
        status_code: 201,
        success: true,
        data: { ...keyView(inserted[0] as typeof apiKeys.$inferSelect), api_key: apiKey, replaces: old.id },
      },
      201,
    );
  })
  .post("/keys/:keyId/suspend", setStatus("SUSPENDED"))
  .post("/keys/:keyId/activate", setStatus("ACTIVE"))
  .post("/keys/:keyId/expire", setStatus("EXPIRED"))
  .post("/keys/:keyId/revoke", setStatus("REVOKED"))
  .put("/keys/:keyId/webhook", async (c) => {
    const input = parseAdminBody(webhookSchema, await readJsonObject(c));
    if (input.webhook_url) {
      const problem = checkWebhookUrl(input.webhook_url, {
        allowHttpLocalhost: configOf(c.env).allowHttpLocalhostWebhooks,
      });
      if (problem)
        throw new ApiError("1105", {
          details: [{ field: "webhook_url", message: problem, code: "INVALID_CALLBACK_URL" }],
        });
    }
    const id = c.req.param("keyId");
    const db = createDb((await keyShard(c.env, id)).DB);
    await keyRow(db, id);
    const patch: Partial<typeof apiKeys.$inferInsert> = {};
    if (input.webhook_url !== undefined) {
      patch.webhookUrl = input.webhook_url;
      patch.webhookDisabledAt = null; // a new URL is a new chance after a 410
    }
    if (input.webhook_basic_auth_username !== undefined)
      patch.webhookBasicAuthUsername = input.webhook_basic_auth_username;
    if (input.webhook_basic_auth_password !== undefined) {
      patch.webhookBasicAuthPasswordEnc =
        input.webhook_basic_auth_password === null
          ? null
          : await sealSecret(configOf(c.env).credentialsKey, input.webhook_basic_auth_password);
    }
    const updated = await db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning().get();
    return c.json({ status_code: 200, success: true, data: keyView(updated as typeof apiKeys.$inferSelect) });
  })
  .delete("/keys/:keyId/webhook", async (c) => {
    // Clears the Basic credentials; the URL and signing secret stay.
    const id = c.req.param("keyId");
    const db = createDb((await keyShard(c.env, id)).DB);
    await keyRow(db, id);
    const updated = await db
      .update(apiKeys)
      .set({ webhookBasicAuthUsername: null, webhookBasicAuthPasswordEnc: null })
      .where(eq(apiKeys.id, id))
      .returning()
      .get();
    return c.json({ status_code: 200, success: true, data: keyView(updated as typeof apiKeys.$inferSelect) });
  });
