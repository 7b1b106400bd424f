import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { Hono } from "hono";
import { configOf } from "../config/config";
import { createDb, type Db } from "../db/client";
import { apiKeys, sends, webhookAttempts, webhookEvents } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { secretOverlapMs } from "../webhooks/dispatcher/key-settings";
import { pingWebhook } from "../webhooks/dispatcher/ping";
import { notifyWebhooks } from "../webhooks/outbox/notify";
import type { KeyWebhookSettings } from "../webhooks/outbox/outbox-store";
import { generateSigningSecret } from "../webhooks/policy/sign";
import { findInShards, keyShard } from "./locate";
import { keyView } from "./views";
import { webhookEventView } from "./webhook-views";

async function keyRow(db: Db, keyId: string) {
  const row = await db.select().from(apiKeys).where(eq(apiKeys.id, keyId)).get();
  if (!row) throw new ApiError("1403", { message: "Key not found" });
  return row;
}

function keySettings(row: typeof apiKeys.$inferSelect): KeyWebhookSettings {
  return {
    webhookUrl: row.webhookUrl,
    basicAuthUsername: row.webhookBasicAuthUsername,
    basicAuthPasswordEnc: row.webhookBasicAuthPasswordEnc,
    signingSecret: row.webhookSigningSecret,
    previousSigningSecret: row.webhookPreviousSigningSecret,
    previousSecretUntil: row.webhookPreviousSecretUntil,
    disabledAt: row.webhookDisabledAt,
  };
}

async function eventsWithAttempts(db: Db, events: (typeof webhookEvents.$inferSelect)[]) {
  if (events.length === 0) return [];
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(
      inArray(
        webhookAttempts.eventId,
        events.map((e) => e.id),
      ),
    )
    .orderBy(asc(webhookAttempts.startedAt), asc(webhookAttempts.id));
  return events.map((e) =>
    webhookEventView(
      e,
      attempts.filter((a) => a.eventId === e.id),
    ),
  );
}

/** Operator routes for webhook deliveries (§11): inspect, replay, ping, rotate the signing secret. */
export const webhookRoutes = new Hono<AppEnv>()
  .get("/messages/:messageId/webhooks", async (c) => {
    const messageId = c.req.param("messageId");
    // The id alone names no merchant: the shard that holds the send is the one to read.
    const located = await findInShards(c.env, (shard) =>
      createDb(shard.DB).select({ id: sends.id }).from(sends).where(eq(sends.id, messageId)).get(),
    );
    if (!located) throw new ApiError("1201");
    const db = createDb(located.shard.DB);
    const events = await db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.sendId, messageId))
      .orderBy(asc(webhookEvents.createdAt), asc(webhookEvents.deliveryId), asc(webhookEvents.sequence));
    return c.json({
      status_code: 200,
      success: true,
      data: { message_id: messageId, events: await eventsWithAttempts(db, events) },
    });
  })
  .post("/webhooks/:eventId/replay", async (c) => {
    const eventId = c.req.param("eventId");
    const located = await findInShards(c.env, (shard) =>
      createDb(shard.DB)
        .select({ id: webhookEvents.id })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, eventId))
        .get(),
    );
    if (!located) throw new ApiError("1403", { message: "Webhook event not found" });
    const db = createDb(located.shard.DB);
    // A fresh budget, and the destination chosen anew: a merchant who fixed their URL gets the replay there.
    const reopened = await db
      .update(webhookEvents)
      .set({
        status: "pending",
        attempts: 0,
        reason: null,
        destination: null,
        takenAt: null,
        nextAttemptAt: null,
        deliveredAt: null,
      })
      .where(and(eq(webhookEvents.id, eventId), ne(webhookEvents.status, "pending")))
      .returning({ id: webhookEvents.id })
      .get();
    if (!reopened) throw new ApiError("1204", { message: "The event is still being delivered" });
    await notifyWebhooks(located.shard, [eventId]);
    const row = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId)).get();
    const [view] = await eventsWithAttempts(db, row ? [row] : []);
    return c.json({ status_code: 202, success: true, data: view }, 202);
  })
  .post("/keys/:keyId/webhook/ping", async (c) => {
    const keyId = c.req.param("keyId");
    const key = await keyRow(createDb((await keyShard(c.env, keyId)).DB), keyId);
    if (!key.webhookUrl) throw new ApiError("1204", { message: "The key has no webhook_url" });
    const config = configOf(c.env);
    const result = await pingWebhook({
      keyId: key.id,
      merchantId: key.merchantId,
      destination: key.webhookUrl,
      key: keySettings(key),
      environment: config.environment,
      credentialKeys: config.credentialKeys,
      allowHttpLocalhost: config.allowHttpLocalhostWebhooks,
    });
    if (typeof result === "string") {
      throw new ApiError("1105", {
        details: [{ field: "webhook_url", message: result, code: "INVALID_CALLBACK_URL" }],
      });
    }
    return c.json({ status_code: 200, success: true, data: result });
  })
  .post("/keys/:keyId/webhook/rotate-secret", async (c) => {
    const keyId = c.req.param("keyId");
    const db = createDb((await keyShard(c.env, keyId)).DB);
    const key = await keyRow(db, keyId);
    const until = Date.now() + secretOverlapMs;
    // The outgoing secret keeps signing next to the new one for the overlap, so receivers can switch
    // without dropping events. A second rotation inside the overlap retires the oldest secret at once.
    const updated = await db
      .update(apiKeys)
      .set({
        webhookSigningSecret: generateSigningSecret(),
        webhookPreviousSigningSecret: key.webhookSigningSecret,
        webhookPreviousSecretUntil: until,
      })
      .where(eq(apiKeys.id, key.id))
      .returning()
      .get();
    const view = keyView(updated as typeof apiKeys.$inferSelect);
    return c.json({
      status_code: 200,
      success: true,
      data: {
        ...view,
        webhook: { ...view.webhook, previous_secret_valid_until: new Date(until).toISOString() },
      },
    });
  });
