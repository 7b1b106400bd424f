import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { configOf } from "../../src/config/config";
import type { ShardEnv } from "../../src/env";
import { shardEnv } from "../../src/shards/shard-env";
import { dispatcherFor, dispatchersOf } from "../../src/webhooks/dispatcher/address";
import { inFlightPerLane, type WebhookDispatcher } from "../../src/webhooks/dispatcher/dispatcher";
import type { QueueEntry } from "../../src/webhooks/dispatcher/queue-store";
import { admin, newMerchant, rows, shardDb } from "../helpers";
import { onMerchantShard } from "../wrap-bindings";

/** The lanes each destination's events are spread over in the tests' deployment (`WEBHOOK_DISPATCHER_LANES`). */
export const lanes = configOf(env).webhookDispatcherLanes;

/** Requests one lane's dispatcher keeps in flight at most. */
export const lanePlaces = inFlightPerLane(lanes);

/**
 * A merchant whose key has `webhookUrl` (or none), optionally with Basic credentials, and `shard`:
 * the bindings as code working on its shard sees them (what `notifyWebhooks` and the sweep take).
 */
export async function merchantWithWebhook(
  webhookUrl: string | null,
  basicAuth?: { username: string; password: string },
) {
  const merchant = await newMerchant();
  if (webhookUrl !== null || basicAuth) {
    const body: Record<string, string> = {};
    if (webhookUrl !== null) body.webhook_url = webhookUrl;
    if (basicAuth) {
      body.webhook_basic_auth_username = basicAuth.username;
      body.webhook_basic_auth_password = basicAuth.password;
    }
    const res = await admin("PUT", `/keys/${merchant.keyId}/webhook`, body);
    if (res.status !== 200) throw new Error(`webhook: ${JSON.stringify(res.body)}`);
  }
  const key = await admin("GET", `/keys/${merchant.keyId}`);
  return {
    ...merchant,
    secret: key.body.data.webhook.webhook_signing_secret as string,
    shard: await onMerchantShard(merchant.merchantId),
  };
}

/** The bindings as code working on the shard holding the key `keyId` sees them. */
export async function shardOfKey(keyId: string): Promise<ShardEnv> {
  const row = await env.DIRECTORY.prepare("SELECT shard FROM directory_keys WHERE key_id = ?1")
    .bind(keyId)
    .first<{ shard: string }>();
  if (!row) throw new Error(`no shard for key ${keyId}`);
  return shardEnv(env, row.shard);
}

function randomMessageId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 24);
}

/** A send row carrying `callbackUrl`, as the send path stores it. */
export async function insertSend(
  merchantId: string,
  keyId: string,
  callbackUrl: string | null,
): Promise<string> {
  const id = randomMessageId();
  const now = Date.now();
  await (await shardDb(merchantId))
    .prepare(
      `INSERT INTO sends (id, merchant_id, key_id, sending_type, sender_id, message, encoding, segments, total_recipients,
       dispatch_count, unit_price_micros, total_cost_micros, currency, callback_url, validity_period, time_zone,
       first_dispatch_at, created_at)
     VALUES (?, ?, ?, 'immediate', 'LISOLOO', 'hello', 'GSM-7', 1, 1, 1, 20000, 20000, 'USD', ?, 172800, 'Africa/Kinshasa', ?, ?)`,
    )
    .bind(id, merchantId, keyId, callbackUrl, now, now)
    .run();
  return id;
}

export type EventInput = {
  keyId: string;
  sendId?: string;
  eventType?: string;
  data?: Record<string, unknown>;
  sequence?: number;
  /** The recipient's delivery the event is about (none: like a send's own event); it picks the lane. */
  deliveryId?: number;
  occurredAt?: number;
  createdAt?: number;
};

/** An outbox row exactly as a state change writes it (in the key's shard): pending, no destination yet. */
export async function insertEvent(input: EventInput): Promise<{ eventId: string; sendId: string }> {
  const eventId = crypto.randomUUID();
  const sendId = input.sendId ?? randomMessageId();
  const occurredAt = input.occurredAt ?? Date.now() - 1000;
  const { DB } = await shardOfKey(input.keyId);
  await DB.prepare(
    `INSERT INTO webhook_events (id, send_id, delivery_id, key_id, event_type, sequence, payload, occurred_at, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
  )
    .bind(
      eventId,
      sendId,
      input.deliveryId ?? null,
      input.keyId,
      input.eventType ?? "sms.sent",
      input.sequence ?? 2,
      JSON.stringify(input.data ?? { recipient_phone: "+243998857000", carrier: "sandbox", status: "sent" }),
      occurredAt,
      input.createdAt ?? Date.now(),
    )
    .run();
  return { eventId, sendId };
}

export type EventRow = {
  id: string;
  status: string;
  attempts: number;
  destination: string | null;
  reason: string | null;
  taken_at: number | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
};

export async function eventRow(eventId: string): Promise<EventRow> {
  const [row] = await rows<EventRow>("SELECT * FROM webhook_events WHERE id = ?", eventId);
  if (!row) throw new Error(`no event ${eventId}`);
  return row;
}

export type AttemptRow = {
  attempt: number;
  started_at: number;
  duration_ms: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  verdict: string;
};

export async function attemptRows(eventId: string): Promise<AttemptRow[]> {
  return rows<AttemptRow>("SELECT * FROM webhook_attempts WHERE event_id = ? ORDER BY id", eventId);
}

/**
 * A clock the dispatcher reads instead of the system's. It starts ten days ahead, so alarms it arms
 * lie far in the real future and only fire when a test runs them.
 */
export class TestClock {
  constructor(public now = Date.now() + 10 * 24 * 3600 * 1000) {}
  advanceTo(at: number): void {
    this.now = at;
  }
}

/**
 * The dispatcher of `url` for the events of `shard` (lane 0 unless told: the lane of every event
 * `insertEvent` writes, which belongs to no delivery), reading `clock` and giving receivers `timeoutMs`
 * to answer. Call again after an eviction: the instance that comes back has the system clock.
 */
export async function drivenDispatcher(
  shard: ShardEnv,
  url: string,
  clock: TestClock,
  timeoutMs = 10_000,
  lane = 0,
) {
  const stub = dispatcherFor(shard, url, lane);
  await runInDurableObject(stub, (instance: WebhookDispatcher) => {
    instance.now = () => clock.now;
    instance.timeoutMs = timeoutMs;
  });
  return stub;
}

/**
 * Every lane's dispatcher of `url`, each driven like `drivenDispatcher`: for events of real sends,
 * whose deliveries pick their lane (`laneOf`).
 */
export async function drivenLanes(shard: ShardEnv, url: string, clock: TestClock, timeoutMs = 10_000) {
  const stubs = dispatchersOf(shard, url);
  for (let lane = 0; lane < stubs.length; lane++) await drivenDispatcher(shard, url, clock, timeoutMs, lane);
  return {
    stubs,
    /** Every lane's queue, one after the other. */
    queued: async (): Promise<QueueEntry[]> => (await Promise.all(stubs.map((s) => s.queued()))).flat(),
    /** Runs every lane's alarm; true when at least one was armed. */
    runAlarms: async (): Promise<boolean> => (await Promise.all(stubs.map(runAlarm))).some(Boolean),
  };
}

/** Runs the dispatcher's alarm now; false when none was armed. */
export function runAlarm(stub: DurableObjectStub<WebhookDispatcher>): Promise<boolean> {
  return runDurableObjectAlarm(stub);
}
