import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { BindRecord, ReceiptRecord, ScriptInput, SubmitRecord } from "@lisoloo/smsc-simulator";
import { expect } from "vitest";
import type { BindState } from "../../src/carriers/binds";
import { forgetCarriers } from "../../src/carriers/registry";
import { bindOf } from "../../src/carriers/smpp/stub";
import worker from "../../src/index";
import type { DispatchMessage, QueueMessage } from "../../src/pipeline/messages";
import { ADMIN, ADMIN_TOKEN, admin, BASE, newMerchant, rows, rowsIn, SHARDS, waitFor } from "../helpers";
import { type Queues, recordingQueues } from "../wrap-bindings";

export type { ReceiptRecord, SubmitRecord };

/**
 * This deployment's bindings as a production deployment: carriers and routes come from D1, and
 * `sk_live_` keys send. Its queue messages go to `queues`, recording ones the test hands to the
 * consumer (the Worker's own queue consumer runs with the sandbox's bindings, whose routing is the
 * stub); receipts a bind queues go to the real receipt queue (the bind has its own bindings), whose
 * consumer applies them whatever the environment.
 * Its databases are those of `base` (the real ones, or shards wrapped by `wrapShards`).
 */
export function productionBindings(queues: Queues, base: Cloudflare.Env = env): Cloudflare.Env {
  return {
    ...base,
    ENVIRONMENT: "production",
    ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false",
    ...queues,
  };
}

/** The real send and receipt queues, for bindings whose queue messages need no recording. */
export const realQueues = (): Queues => ({ SEND_QUEUE: env.SEND_QUEUE, RECEIPT_QUEUE: env.RECEIPT_QUEUE });

/** The SMSC simulator's control API (tooling/smsc-simulator). */
export async function smsc<T = unknown>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.SMSC_CONTROL_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`SMSC ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

export const script = (input: ScriptInput | ScriptInput[]) => smsc("/__script", input);

/** What the SMSC received for these destinations (`+` and digits, as the API stores them). */
export async function submitsTo(phones: string[]): Promise<SubmitRecord[]> {
  const wanted = new Set(phones.map((p) => p.replace("+", "")));
  const all = await smsc<SubmitRecord[]>("/__submits");
  return all.filter((s) => wanted.has(s.destination_addr));
}

export async function receiptsFor(phones: string[]): Promise<ReceiptRecord[]> {
  const wanted = new Set(phones.map((p) => p.replace("+", "")));
  const all = await smsc<ReceiptRecord[]>("/__receipts");
  return all.filter((r) => wanted.has(r.source_addr));
}

export const bindsOf = async (systemType: string) =>
  (await smsc<BindRecord[]>("/__binds")).filter((b) => b.systemType === systemType);

/**
 * Destination numbers no other test uses: `+2438`, seven random digits, then the index, so a
 * script scoped to the prefix touches only this test's traffic on the SMSC every test file shares.
 */
export function numbersFor(count: number): { prefix: string; phones: string[] } {
  const block = String((crypto.getRandomValues(new Uint32Array(1))[0] as number) % 10_000_000).padStart(
    7,
    "0",
  );
  const prefix = `+2438${block}`;
  const width = Math.max(3, String(count - 1).length);
  return {
    prefix,
    phones: Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(width, "0")}`),
  };
}

/**
 * An SMPP carrier bound to the simulator, with the given settings, routed as the default route. Each
 * test names its own, so it has its own bind objects (and `system_type`, to find its binds on the SMSC).
 */
export async function smppCarrier(slug: string, settings: Record<string, unknown> = {}) {
  const created = await admin("POST", "/carriers", {
    slug,
    kind: "smpp",
    smpp: {
      host: "127.0.0.1",
      port: Number(env.SMSC_PORT),
      system_id: "lisoloo",
      password: env.SMSC_PASSWORD,
      system_type: slug.slice(-12),
      ...settings,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const routes = await admin("PUT", "/routes", { routes: {}, default_route: slug });
  expect(routes.status).toBe(200);
  forgetCarriers();
  return { slug, systemType: slug.slice(-12) };
}

/** A merchant whose `sk_live_` key was issued by the production deployment. */
export async function liveMerchant(prepaid = 100) {
  const { merchantId } = await newMerchant({ wallets: { LISOLOO_SMS: prepaid } });
  const issued = await worker.fetch(
    new Request(`${ADMIN}/merchants/${merchantId}/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
    productionBindings(realQueues()),
    createExecutionContext(),
  );
  return { merchantId, liveKey: ((await issued.json()) as { data: { api_key: string } }).data.api_key };
}

/**
 * The production gateway with held queues: sends, status reads, and the consumer of what it queued.
 * `base` supplies its D1 bindings (e.g. shards wrapped to record what runs); the binds always use
 * the real ones.
 */
export function productionGateway(liveKey: string, base: Cloudflare.Env = env) {
  const held = recordingQueues({ hold: true });
  const bindings = productionBindings(held.queues, base);
  let handed = 0;
  const request = async (method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: {
          "app-key": liveKey,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
  };
  return {
    held,
    bindings,
    send: async (body: Record<string, unknown>) => {
      const res = await request("POST", "/send", body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.data.message_id as string;
    },
    status: async (id: string) => (await request("GET", `/status/${id}`)).body.data,
    /**
     * Hands the dispatch messages queued since the last call to the production consumer, as the
     * queue would; returns them with what the consumer did (acked, retried) and what it queued.
     */
    dispatch: async () => {
      const fresh = held.sent.slice(handed).filter((m): m is DispatchMessage => m.type === "dispatch");
      handed = held.sent.length;
      const batch = createMessageBatch(
        "lisoloo-send-production",
        fresh.map((body, i) => ({
          id: `smpp-${crypto.randomUUID()}-${i}`,
          timestamp: new Date(),
          attempts: 1,
          body,
        })),
      );
      const ctx = createExecutionContext();
      await worker.queue(batch, bindings, ctx);
      const result = await getQueueResult(batch, ctx);
      await waitOnExecutionContext(ctx);
      return { messages: fresh, result, queued: held.sent.slice(handed) as QueueMessage[] };
    },
  };
}

export type DeliveryRow = {
  id: number;
  phone: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
  carrier_message_id: string | null;
  refunded_micros: number;
  parts: string | null;
};

export const deliveriesOf = (sendId: string) =>
  rows<DeliveryRow>(
    `SELECT id, phone, status, error_code, error_message, carrier_message_id, refunded_micros, parts
     FROM deliveries WHERE send_id = ? ORDER BY recipient_idx`,
    sendId,
  );

/**
 * Rows of a read in the shard holding the send `sendId`: for reads that name its deliveries by id
 * alone (each shard numbers its deliveries on its own, so an id says nothing of where it lives).
 */
export async function rowsOfSend<T = Record<string, unknown>>(
  sendId: string,
  sql: string,
  ...binds: unknown[]
): Promise<T[]> {
  for (const db of Object.values(SHARDS))
    if (await db.prepare("SELECT 1 FROM sends WHERE id = ?1").bind(sendId).first())
      return rowsIn<T>(db, sql, ...binds);
  throw new Error(`no shard holds send ${sendId}`);
}

/** Waits until every delivery of the send is in one of `statuses`; returns them. */
export function waitForDeliveries(sendId: string, done: (d: DeliveryRow) => boolean, timeoutMs = 90_000) {
  return waitFor(
    () => deliveriesOf(sendId),
    (list) => list.length > 0 && list.every(done),
    timeoutMs,
  );
}

export const isFinal = (d: DeliveryRow) =>
  !["pending", "processing", "accepted", "enroute", "sent"].includes(d.status);

/** A bind's state, as `GET /admin/v1/carriers/{slug}` shows it. */
export async function bindView(slug: string): Promise<BindState[]> {
  const res = await admin("GET", `/carriers/${slug}`);
  expect(res.status).toBe(200);
  return res.body.data.binds as BindState[];
}

export { bindOf };
