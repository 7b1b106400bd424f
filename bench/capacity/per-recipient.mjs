// What one delivered recipient costs, by sending type: a send to N recipients through the whole local
// pipeline (accept → queue → sandbox carrier → receipts → webhook events → the merchant's endpoint),
// measured between two quiet moments as the D1 files' growth and the D1 queries the gateway counted.
import { setTimeout as sleep } from "node:timers/promises";
import { terminalDeliveryStatuses } from "@lisoloo/protocol";
import { openLocalD1 } from "../lib/d1.mjs";
import { createBenchKey, recipients } from "../lib/gateway.mjs";
import { countsGrowth, countsOf, storageGrowth, storageOf } from "./measure.mjs";

const GSM_1 =
  "Lisoloo: your order 48213 is ready. Collect it at the Gombe depot before 6 pm today. Reply STOP to opt out.";
const GSM_3 = `${"Lisoloo: your order 48213 is ready for collection at the Gombe depot, open from 8 am to 6 pm. ".repeat(4)}Bring this code: 482913.`;
// `ɛ` and `ɔ` (Lingala) are not in GSM 03.38: the whole text goes as UCS-2.
const UCS2_2 =
  "Mbote! Commande na yo 48213 ezali prɛ. Yakà kozwa yango na depo ya Gombe liboso ya ngonga 6 ya mpokwa. Mɔsɔ.";

/** A calendar date `days` from today (UTC), `YYYY-MM-DD`: far enough ahead in any merchant zone. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The sending types measured: what `POST /send` gets, and the segments, encoding and dispatches its
 * answer must report. `perRequest` recipients per request (default: all in one); `webhook: false`
 * leaves the key without a webhook URL (then no event is written: CONTRACT §8, no destination, no events).
 */
export const sendingTypes = [
  {
    key: "gsm1",
    label: "immediate, GSM-7, 1 segment",
    body: { message: GSM_1 },
    expect: { segments: 1, encoding: "GSM-7", dispatches: 1 },
  },
  {
    key: "gsm3",
    label: "immediate, GSM-7, 3 segments (long text)",
    body: { message: GSM_3 },
    expect: { segments: 3, encoding: "GSM-7", dispatches: 1 },
  },
  {
    key: "ucs2",
    label: "immediate, UCS-2, 2 segments",
    body: { message: UCS2_2 },
    expect: { segments: 2, encoding: "UCS-2", dispatches: 1 },
  },
  {
    key: "scheduled",
    label: "scheduled (1 date), GSM-7, 1 segment",
    body: {
      message: GSM_1,
      sending_type: "scheduled",
      scheduled_dates: [{ date: inDays(3), time: "08:00" }],
    },
    expect: { segments: 1, encoding: "GSM-7", dispatches: 1 },
  },
  {
    key: "recurring",
    label: "recurring (daily × 3), GSM-7, 1 segment",
    body: {
      message: GSM_1,
      sending_type: "recurring",
      recurring_schedule: {
        start_date: inDays(3),
        end_date: inDays(5),
        frequency: "daily",
        times: ["08:00"],
      },
    },
    expect: { segments: 1, encoding: "GSM-7", dispatches: 3 },
  },
  {
    key: "single",
    label: "immediate, GSM-7, 1 segment, 1 recipient per request",
    body: { message: GSM_1 },
    perRequest: 1,
    expect: { segments: 1, encoding: "GSM-7", dispatches: 1 },
  },
  {
    key: "nohook",
    label: "immediate, GSM-7, 1 segment, no webhook URL",
    body: { message: GSM_1 },
    webhook: false,
    expect: { segments: 1, encoding: "GSM-7", dispatches: 1 },
  },
];

const TERMINAL = terminalDeliveryStatuses.map((s) => `'${s}'`).join(", ");

async function waitUntil(what, done, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await done()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${seconds} s`);
    await sleep(100);
  }
}

/**
 * Runs the cron handler once as if it were `at` (Unix ms): wrangler dev never runs crons by itself,
 * and a scheduled dispatch is released by the cron run at or after its due time.
 */
export async function runCron(gateway, at = Date.now()) {
  const query = `cron=${encodeURIComponent("* * * * *")}&time=${at}`;
  for (const route of ["/cdn-cgi/local/scheduled", "/cdn-cgi/handler/scheduled"]) {
    const res = await fetch(`${gateway.origin}${route}?${query}`, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    if (res.status === 404) continue;
    if (!res.ok) throw new Error(`${route} → ${res.status} ${text}`);
    return;
  }
  throw new Error("wrangler dev exposes no scheduled-event route");
}

/**
 * Lets the gateway write its last counts: the Durable Objects' lines go out a second after their last
 * query, and a request to the Worker writes whatever its isolate still holds.
 */
export async function settle(gateway) {
  await sleep(1_500);
  await fetch(`${gateway.api}/health`);
  await sleep(300);
}

/**
 * One cron run with nothing due, counted: the fixed cost every minute pays whatever the traffic.
 * The average of `runs`.
 */
export async function measureIdleCron(gateway, runs = 3) {
  await settle(gateway);
  const before = countsOf(gateway);
  for (let i = 0; i < runs; i++) await runCron(gateway);
  await settle(gateway);
  const d = countsGrowth(before, countsOf(gateway));
  return {
    runs,
    queries: d.queries / runs,
    calls: d.calls / runs,
    rowsRead: d.rowsRead / runs,
    rowsWritten: d.rowsWritten / runs,
  };
}

/** POST /send; throws unless accepted with the segments, encoding and dispatches `type` expects. */
async function send(gateway, apiKey, type, to) {
  const res = await fetch(`${gateway.api}/send`, {
    method: "POST",
    headers: { "app-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ to, ...type.body }),
    signal: AbortSignal.timeout(60_000),
  });
  const answer = await res.json();
  if (res.status !== 201)
    throw new Error(`${type.label}: POST /send → ${res.status} ${JSON.stringify(answer)}`);
  for (const [field, value] of Object.entries(type.expect))
    if (answer.data[field] !== value)
      throw new Error(
        `${type.label}: the answer says ${field} ${answer.data[field]}, the bench expects ${value}`,
      );
  return answer.data;
}

/**
 * Sends `count` recipients of one sending type from a fresh merchant whose key has a webhook to
 * `receiver` (unless the type says not), in one request or `type.perRequest` at a time (4 requests
 * in flight), releases scheduled and recurring dispatches through the cron handler, waits for every
 * delivery to be final and every webhook event to be settled (and the receiver to have it), and
 * returns what the D1 files and counters grew by. `idleCron` (from `measureIdleCron`) is taken off
 * once per cron run, so only the release work stays in the figures.
 */
export async function measureSendingType(gateway, receiver, type, count, idleCron) {
  const hooked = type.webhook !== false;
  const { apiKey } = await createBenchKey(gateway, hooked ? { webhookUrl: receiver.url } : {});
  const db = openLocalD1(gateway);
  const perRequest = type.perRequest ?? count;
  try {
    await settle(gateway);
    const storageBefore = storageOf(gateway);
    const countsBefore = countsOf(gateway);
    const started = Date.now();

    /** @type {any[]} */
    const sent = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next * perRequest < count) {
          const from = next++ * perRequest;
          sent.push(await send(gateway, apiKey, type, recipients(Math.min(perRequest, count - from), from)));
        }
      }),
    );
    const ids = JSON.stringify(sent.map((s) => s.message_id));
    const dispatches = sent[0].dispatches;

    const finished = () =>
      Number(
        db
          .prepare(
            `SELECT count(*) AS n FROM deliveries WHERE send_id IN (SELECT value FROM json_each(?)) AND status IN (${TERMINAL})`,
          )
          .get(ids)?.n ?? 0,
      );
    let cronRuns = 0;
    if (sent[0].sending_type === "immediate") {
      await waitUntil(`${type.label}: deliveries`, () => finished() >= count, 120);
    } else {
      const dues = [
        ...new Set(
          db
            .prepare(
              "SELECT due_at FROM dispatches WHERE send_id IN (SELECT value FROM json_each(?)) ORDER BY due_at",
            )
            .all(ids)
            .map((r) => Number(r.due_at)),
        ),
      ];
      for (const [i, due] of dues.entries()) {
        await runCron(gateway, due);
        cronRuns += 1;
        await waitUntil(`${type.label}: dispatch ${i + 1}`, () => finished() >= count * (i + 1), 120);
      }
    }
    const events = () =>
      /** @type {{ n: number, pending: number }} */ (
        db
          .prepare(
            `SELECT count(*) AS n, coalesce(sum(status = 'pending'), 0) AS pending
             FROM webhook_events WHERE send_id IN (SELECT value FROM json_each(?))`,
          )
          .get(ids) ?? { n: 0, pending: 0 }
      );
    const mine = new Set(sent.map((s) => s.message_id));
    const arrivals = () => receiver.arrivals.filter((a) => mine.has(a.event.message_id)).length;
    await waitUntil(
      `${type.label}: webhook events`,
      () => {
        const e = events();
        // A key without a webhook has no events written at all (CONTRACT §8: no destination, no events).
        return hooked ? e.n > 0 && e.pending === 0 && arrivals() >= e.n : e.n === 0;
      },
      120,
    );
    const seconds = (Date.now() - started) / 1000;
    await settle(gateway);

    const delivered = Number(
      db
        .prepare(
          "SELECT count(*) AS n FROM deliveries WHERE send_id IN (SELECT value FROM json_each(?)) AND status = 'delivered'",
        )
        .get(ids)?.n ?? 0,
    );
    if (delivered !== count * dispatches)
      throw new Error(`${type.label}: ${delivered} of ${count * dispatches} deliveries delivered`);
    const storage = storageGrowth(storageBefore, storageOf(gateway));
    const counts = countsGrowth(countsBefore, countsOf(gateway));
    for (const key of /** @type {const} */ (["queries", "calls", "rowsRead", "rowsWritten"]))
      counts[key] -= cronRuns * idleCron[key];
    return {
      type,
      delivered,
      recipients: count,
      requests: sent.length,
      dispatches,
      segments: sent[0].segments,
      encoding: sent[0].encoding,
      webhookEvents: events().n,
      webhookArrivals: arrivals(),
      cronRuns,
      seconds,
      storage,
      counts,
    };
  } finally {
    db.close();
  }
}

/**
 * The largest queue batches this setup makes: `count` scheduled 1-recipient sends due at the same
 * moment, released by cron runs at that moment (each run releases at most 100 dispatches a shard), so their
 * dispatch messages, and then their receipts, reach the consumer together. Returns the Worker
 * invocations of that stretch (each with its own shard queries) for `invocationStats`.
 */
export async function measureBurst(gateway, receiver, count) {
  const type = {
    label: "scheduled 1-recipient burst",
    body: {
      message: GSM_1,
      sending_type: "scheduled",
      scheduled_dates: [{ date: inDays(3), time: "09:00" }],
    },
    expect: { segments: 1, encoding: "GSM-7", dispatches: 1 },
  };
  const { apiKey } = await createBenchKey(gateway, { webhookUrl: receiver.url });
  const db = openLocalD1(gateway);
  try {
    const sent = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < count) {
          const i = next++;
          sent.push(await send(gateway, apiKey, type, recipients(1, i)));
        }
      }),
    );
    const ids = JSON.stringify(sent.map((s) => s.message_id));
    const due = Number(
      db
        .prepare("SELECT min(due_at) AS at FROM dispatches WHERE send_id IN (SELECT value FROM json_each(?))")
        .get(ids)?.at,
    );
    await settle(gateway);
    const before = countsOf(gateway);
    const released = () =>
      Number(
        db
          .prepare(
            "SELECT count(*) AS n FROM dispatches WHERE send_id IN (SELECT value FROM json_each(?)) AND status <> 'scheduled'",
          )
          .get(ids)?.n ?? 0,
      );
    let cronRuns = 0;
    while (released() < count && cronRuns < 10) {
      await runCron(gateway, due);
      cronRuns += 1;
    }
    await waitUntil(
      "scheduled 1-recipient burst",
      () =>
        Number(
          db
            .prepare(
              `SELECT count(*) AS n FROM deliveries WHERE send_id IN (SELECT value FROM json_each(?)) AND status IN (${TERMINAL})`,
            )
            .get(ids)?.n ?? 0,
        ) >= count,
      120,
    );
    await settle(gateway);
    return { count, cronRuns, invocations: countsGrowth(before, countsOf(gateway)).invocations };
  } finally {
    db.close();
  }
}
