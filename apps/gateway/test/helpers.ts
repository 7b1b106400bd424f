import { env, exports } from "cloudflare:workers";

export const BASE = "http://gateway.test/api/v1/lisoloo/sms-api";
export const ADMIN = "http://gateway.test/admin/v1";
export const ADMIN_TOKEN = "test-admin-token";

/** A request to the Worker under test, through its real fetch handler. */
export function call(url: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(url, init);
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

/** Rows of a read against the Worker's own D1 (the database under test). */
export async function rows<T = Record<string, unknown>>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
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
