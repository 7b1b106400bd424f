import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { parseSendRequest } from "@lisoloo/protocol";
import type { AuthContext, MerchantContext } from "../src/env";
import { newMessageId } from "../src/ids";
import worker from "../src/index";
import { acceptSend } from "../src/sends/accept";
import { quoteSend } from "../src/sends/quote";

export const BASE = "http://gateway.test/api/v1/lisoloo/sms-api";
export const ADMIN = "http://gateway.test/admin/v1";
export const ADMIN_TOKEN = "test-admin-token";

/** A request to the Worker under test, through its real fetch handler. */
export function call(url: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(url, init);
}

/**
 * A request to the Worker under other bindings than its own: the same code, databases and queues,
 * with some variable or secret changed (a bad configuration, a rotated key).
 */
export async function fetchWith(
  bindings: Cloudflare.Env,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(url, init) as Request<unknown, IncomingRequestCfProperties>,
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** An operator request with the admin bearer token. */
export async function admin<T = Record<string, any>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await call(`${ADMIN}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export type MerchantOptions = {
  name?: string;
  time_zone?: string;
  currency?: string;
  unit_price?: number;
  default_sender_id?: string;
  allowed_countries?: string[];
  rate_limits?: Record<string, number>;
  wallets?: { LISOLOO_SMS?: number; LISOLOO_POST_PAID?: number };
};

/** A fresh merchant (unique per call) with one ACTIVE key; returns ids and the cleartext key. */
export async function newMerchant(options: MerchantOptions = {}) {
  const created = await admin("POST", "/merchants", {
    name: options.name ?? `Merchant ${crypto.randomUUID()}`,
    unit_price: 0.02,
    wallets: { LISOLOO_SMS: 100 },
    ...options,
  });
  if (created.status !== 201) throw new Error(`merchant: ${JSON.stringify(created.body)}`);
  const merchantId = created.body.data.merchant_id as string;
  const key = await admin("POST", `/merchants/${merchantId}/keys`);
  if (key.status !== 201) throw new Error(`key: ${JSON.stringify(key.body)}`);
  return { merchantId, keyId: key.body.data.key_id as string, apiKey: key.body.data.api_key as string };
}

/**
 * Accepts a one-recipient send for `newMerchant()`'s key (default options) straight through
 * `acceptSend`, as `POST /send` does once its checks have passed: for tests of the accept itself.
 */
export function acceptDirectly(db: D1Database, merchantId: string, keyId: string) {
  const auth: AuthContext = { keyId, merchantId, environment: "sandbox", rateLimits: {} };
  const merchant: MerchantContext = {
    id: merchantId,
    timeZone: "Africa/Kinshasa",
    currency: "USD",
    unitPriceMicros: 20_000,
    defaultSenderId: null,
    allowedCountries: null,
  };
  return (to: string, options: { messageId?: string; idempotencyKey?: string | null } = {}) => {
    const parsed = parseSendRequest({ to: [to], message: "Your code is 4821" });
    if (!parsed.success) throw new Error("valid body refused");
    return acceptSend(db, {
      messageId: options.messageId ?? newMessageId(),
      auth,
      merchant,
      quote: quoteSend(parsed.data, merchant, "sandbox", new Date()),
      idempotencyKey: options.idempotencyKey ?? null,
      now: Date.now(),
    });
  };
}

/**
 * Gives the key a webhook: a fresh path on the test receiver, which answers 200. A send's events are
 * written only when they have somewhere to go (CONTRACT §8: no destination, no events), so a test
 * that reads a send's events from D1 gives its key one. Returns the webhook's URL.
 */
export async function withWebhook(keyId: string): Promise<string> {
  const url = `${env.WEBHOOK_RECEIVER_URL}/hooks/${crypto.randomUUID()}`;
  const res = await admin("PUT", `/keys/${keyId}/webhook`, { webhook_url: url });
  if (res.status !== 200) throw new Error(`webhook: ${JSON.stringify(res.body)}`);
  return url;
}

/** A merchant API request with an app-key. */
export async function api<T = Record<string, any>>(
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(`${BASE}${path}`, {
    method,
    headers: {
      "app-key": apiKey,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** The shards of the Worker under test, by binding name. */
export const SHARDS = { DB_0: env.DB_0, DB_1: env.DB_1 } as const;

/** The directory's tables: a read naming only these goes to the directory database. */
const DIRECTORY_TABLES = /\b(carriers|carrier_routes|orphan_receipts|directory_merchants|directory_keys)\b/;

/** The D1 database of the shard holding this merchant (the directory says which). */
export async function shardDb(merchantId: string): Promise<D1Database> {
  const row = await env.DIRECTORY.prepare("SELECT shard FROM directory_merchants WHERE merchant_id = ?1")
    .bind(merchantId)
    .first<{ shard: keyof typeof SHARDS }>();
  if (!row) throw new Error(`no shard for merchant ${merchantId}`);
  return SHARDS[row.shard];
}

/** The shard holding a send, a merchant, a key or a webhook event named by one of `ids`. */
async function shardNamedBy(ids: unknown[]): Promise<D1Database | null> {
  for (const id of ids) {
    if (typeof id !== "string") continue;
    const listed = await env.DIRECTORY.prepare(
      `SELECT shard FROM directory_merchants WHERE merchant_id = ?1
       UNION ALL SELECT shard FROM directory_keys WHERE key_id = ?1 OR digest = ?1 LIMIT 1`,
    )
      .bind(id)
      .first<{ shard: keyof typeof SHARDS }>();
    if (listed) return SHARDS[listed.shard];
    for (const db of Object.values(SHARDS)) {
      const held = await db
        .prepare(
          "SELECT 1 FROM sends WHERE id = ?1 UNION ALL SELECT 1 FROM webhook_events WHERE id = ?1 LIMIT 1",
        )
        .bind(id)
        .first();
      if (held) return db;
    }
  }
  return null;
}

/**
 * Rows of a read against the Worker's own D1: in the shard holding the send, merchant, key or event
 * the parameters name (tests read what one merchant did), or in the directory for its own tables.
 * A read that names neither fails: say which database with `rowsIn`.
 */
export async function rows<T = Record<string, unknown>>(sql: string, ...binds: unknown[]): Promise<T[]> {
  const db = (await shardNamedBy(binds)) ?? (DIRECTORY_TABLES.test(sql) ? env.DIRECTORY : null);
  if (db === null) throw new Error(`rows(): no shard named by the parameters of ${sql}`);
  return rowsIn(db, sql, ...binds);
}

/** Rows of a read against one database. */
export async function rowsIn<T = Record<string, unknown>>(
  db: D1Database,
  sql: string,
  ...binds: unknown[]
): Promise<T[]> {
  return (
    await db
      .prepare(sql)
      .bind(...binds)
      .all<T>()
  ).results;
}

/**
 * Polls `probe` until `done` holds: for what the queue, the cron or a Durable Object does in the
 * background. The deadline is generous so a loaded CI machine is slow, not red.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const start = Date.now();
  let value = await probe();
  while (!done(value)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}
