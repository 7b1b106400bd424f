// SMPP throughput, side by side with Kannel, in one run: how many submit_sm per second reach an SMSC
// through one transceiver bind with a window of 10, how fast the delivery receipts come back, and
// whether anything was lost or sent twice. The SMSC is the repository's simulator
// (tooling/smsc-simulator) in a worker thread, answering every submit_sm at once and sending a
// DELIVRD receipt `BENCH_SMPP_RECEIPT_DELAY_MS` after each. Everything runs on 127.0.0.1.
//
// RUN IT (from the repository root; writes bench/smpp/RESULTS.md):
//
//   npx -y pnpm@12.4.2 --filter @lisoloo/bench bench:smpp      # this bench alone
//   npx -y pnpm@12.4.2 bench                                   # every bench, then bench/RESULTS.md
//
// Kannel must be installed; the bench never installs it (Debian 12: `sudo apt-get update && sudo
// apt-get install -y kannel kannel-extras`). Without it the Kannel half is reported as not run.
//
// THE KANNEL HALF: Kannel 1.4.5 (bearerbox + smsbox) bound to the simulator as a transceiver with
// `max-pending-submits = 10`, N messages pushed through HTTP `sendsms` by a few keep-alive clients,
// each asking for every delivery report (`dlr-mask=31`) at a local Node receiver (`dlr-url`). First
// with the SMSC refusing binds until all N wait in bearerbox's queue, so the bind drains a full queue
// (the SMPP rate, the figure the gateway is held to: with the bind up, sendsms accepts only about as
// fast as the bind sends, so the intake would be measured); then with the bind up while sendsms feeds
// it (accept → delivered report, as a client sees it); last, queue full again with the SMSC holding
// each submit_sm_resp BENCH_SMPP_ROUND_TRIP_MS (a network round trip: the window sets the pace).
//
// THE GATEWAY HALF runs by itself once the SMPP connector is in the tree; nothing to switch on. It
//   1. bundles and serves the gateway's `production` environment the way bench/lib/gateway.mjs serves
//      the sandbox (`wrangler deploy --dry-run --env production`, `wrangler d1 migrations apply` to the
//      directory and each shard, `--local --env production`, `wrangler dev --env production --var ADMIN_TOKEN:… --var
//      CREDENTIALS_KEY:…`, local state in a temporary directory; no other var or secret is set);
//   2. seeds through the operator API: a merchant and its key (must be sk_live_), then
//      `POST /admin/v1/carriers {"slug": "bench-smsc", "kind": "smpp", "smpp": {"host": "127.0.0.1",
//      "port": <simulator>, "tls": false, "system_id": "lisoloo", "password": "secret", "binds": 1,
//      "window": 10, "throughput": null, "receipt_id_format": "same", …}}` and
//      `PUT /admin/v1/routes {"routes": {}, "default_route": "bench-smsc"}` (CONTRACT §12);
//   3. sends one probe recipient and waits up to 30 s for its submit_sm at the simulator, then a
//      100-recipient warm-up until it is terminal;
//   4. (a) N recipients as N/1000 `POST /send` of 1000 recipients, all at once (the connector is
//      measured, not the HTTP layer): submit_sm/s at the SMSC, receipts acknowledged/s, loss and
//      repeats by destination, the window and the binds the SMSC saw;
//      (b) 10 × 1000 recipients the same way: accept (`sends.created_at`) → delivered receipt applied
//      (`deliveries.updated_at` of deliveries whose `status` is `delivered`, read from the local D1
//      file as bench/lib/d1.mjs does), recipients/s and p50/p99; `GET /status/{id}` says when all
//      are terminal;
//      (a) again with the SMSC holding each submit_sm_resp BENCH_SMPP_ROUND_TRIP_MS.
// So the connector must: exist for kind `smpp` (`has_connector: true` in the carrier view), have its
// Durable Object binding in wrangler.jsonc's `production` environment, accept an SMSC on 127.0.0.1
// under `wrangler dev`, bind when a send is routed to it (or earlier), and turn DELIVRD receipts into
// `delivered` deliveries. When `POST /admin/v1/carriers` answers 404, the carrier view says
// `has_connector: false`, the production bundle does not build, or no submit_sm reaches the
// simulator within 30 s of the probe, the report says which, and the Kannel half is still reported.
// While working on the connector: `BENCH_SMPP_HALF=gateway npx -y pnpm@12.4.2 --filter
// @lisoloo/bench bench:smpp` runs the gateway half alone and prints its report without writing
// RESULTS.md (`BENCH_SMPP_MESSAGES=2000` for a quicker (a)).
//
// Settings (environment): BENCH_SMPP_MESSAGES (10000), BENCH_SMPP_CLIENTS (8 keep-alive sendsms
// clients), BENCH_SMPP_RECEIPT_DELAY_MS (200), BENCH_SMPP_ROUND_TRIP_MS (5: the SMSC holds each
// submit_sm_resp this long in a last run of each half, where the window sets the pace; 0 skips it),
// BENCH_SMPP_HALF (`both`, `kannel` or `gateway`; only `both` writes RESULTS.md). The Kannel half
// takes about half a minute; the gateway half about 20 s to start plus whatever the connector needs
// (each of its runs is cut off after 90 s). Every wait is bounded, and the whole run stops after
// 6 minutes whatever happens.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { deliveryTimes, openLocalD1 } from "../lib/d1.mjs";
import { readStatus, waitForTerminal } from "../lib/drain.mjs";
import {
  adminRequest,
  codeVersion,
  createBenchKey,
  recipients,
  startGateway,
  wranglerVersion,
} from "../lib/gateway.mjs";
import { keepAliveAgent, postSend, send } from "../lib/load.mjs";
import { loggedErrorsLine, machineFacts, writeResults } from "../lib/report.mjs";
import { briefly, guardRun, intEnv, plain, rate } from "../lib/run.mjs";
import { int, ms, ratio, summarize, table, verdict } from "../lib/stats.mjs";
import { startDlrReceiver } from "./dlr-receiver.mjs";
import { kannelProblem, kannelVersion, startKannelSmpp } from "./kannel.mjs";
import { pollSmsc, startSmscThread } from "./smsc.mjs";

const MESSAGES = intEnv("BENCH_SMPP_MESSAGES", 10_000);
const CLIENTS = intEnv("BENCH_SMPP_CLIENTS", 8);
const RECEIPT_DELAY_MS = intEnv("BENCH_SMPP_RECEIPT_DELAY_MS", 200, 0);
// The last run of each half has the SMSC hold every submit_sm_resp this long, a stand-in for a network
// round trip: then the window, not the client, bounds the rate (at most window ÷ round trip). 0: no
// such run.
const ROUND_TRIP_MS = intEnv("BENCH_SMPP_ROUND_TRIP_MS", 5, 0);
const SMSC_OPTIONS = { systemId: "lisoloo", password: "secret", receiptDelayMs: RECEIPT_DELAY_MS };
const HALF = process.env.BENCH_SMPP_HALF ?? "both";
if (!["both", "kannel", "gateway"].includes(HALF))
  throw new Error("BENCH_SMPP_HALF: both, kannel or gateway");
const WINDOW = 10;
const SYSTEM_ID = SMSC_OPTIONS.systemId;
const PASSWORD = SMSC_OPTIONS.password;
const CARRIER = "bench-smsc";
const TEXT = "Your Lisoloo code is 482913. Valid 5 min";
const PER_SEND = 1000;
const E2E_SENDS = 10;
// Bounds on every wait (seconds).
const PUSH_SECONDS = 60;
const DRAIN_SECONDS = 90;
const PROBE_SECONDS = 30;
const PHASE_SECONDS = 90;
const RUN_SECONDS = 360;
const runStarted = performance.now();
/** Seconds a phase may still take, keeping half a minute for the report and stopping everything. */
const secondsLeft = () => RUN_SECONDS - 30 - (performance.now() - runStarted) / 1000;
// Message numbers of the warm-ups, far from those measured.
const WARM_UP_OFFSET = 9_000_000;

const { cleanups, cleanUp, done: disarmWatchdog } = guardRun(RUN_SECONDS);

/** What the SMSC's records say about loss and repeats against the destinations that were sent. */
function integrity(summary, expected) {
  const seen = new Set(summary.destinations);
  const sent = new Set(expected.map(plain));
  return {
    lost: [...sent].filter((to) => !seen.has(to)).length,
    unexpected: summary.destinations.filter((d) => !sent.has(d)).length,
    repeated: summary.repeatedSubmits,
  };
}

// ————————————————————————————————————————— Kannel half —————————————————————————————————————————

/**
 * @typedef {object} KannelPhase
 * @property {number} accepted sendsms answered 202
 * @property {Record<string, number>} refused other answers by status ("0": no answer)
 * @property {number} pushSeconds first sendsms → last answer
 * @property {import("./smsc.mjs").SmscSummary} smsc
 * @property {{ lost: number, unexpected: number, repeated: number }} integrity
 * @property {boolean} drained every submit, receipt and delivered report arrived before the deadline
 * @property {{ delivered: number, missing: number, repeated: number, byType: Record<string, number>,
 *   firstMs: number, lastMs: number }} reports delivered = messages with a type 1 report
 * @property {ReturnType<typeof summarize>} acceptToDelivered ms, 202 → delivered report received
 * @property {number} firstRequestMs performance.now() of the first sendsms
 * @property {number | null} sendingFrom performance.now() of the first submit_sm once the bind was let
 *   through (queued phase)
 * @property {ReturnType<typeof summarize>} queuedToDelivered ms, first submit_sm → delivered report
 *   received (queued phase: every message waiting at once, as after the gateway's accepts)
 */

/**
 * @typedef {object} KannelRun
 * @property {KannelPhase} queued every message in bearerbox's queue before the bind comes up
 * @property {KannelPhase} streaming messages pushed while the bind is up
 * @property {KannelPhase | null} roundTrip queued first again, the SMSC answering after ROUND_TRIP_MS
 * @property {number} unreadable dlr-url calls the receiver could not read
 * @property {string} linkLine bearerbox's status line for the link at the end
 */

/** @returns {Promise<KannelRun>} */
async function runKannel() {
  const smsc = await startSmscThread(SMSC_OPTIONS);
  cleanups.push(() => smsc.close());
  const receiver = await startDlrReceiver();
  cleanups.push(() => receiver.close());
  console.error("Kannel: starting bearerbox and smsbox …");
  const kannel = await startKannelSmpp({
    smsc: { port: smsc.port, systemId: SYSTEM_ID, password: PASSWORD },
    window: WINDOW,
    store: true,
  });
  cleanups.push(() => kannel.stop());
  const agent = keepAliveAgent(CLIENTS);
  cleanups.push(() => agent.destroy());
  const deliveredIn = (from, to) =>
    receiver.reports.filter((r) => r.type === 1 && r.message >= from && r.message < to).length;
  const online = async () => /^\s*sim(\[sim\])?\s+SMPP:[^\n]*\(online/m.test(await kannel.status());

  console.error("Kannel: warm-up …");
  const warmUp = recipients(50, WARM_UP_OFFSET);
  await Promise.all(
    warmUp.map(async (to, i) => {
      const answer = await send(agent, {
        method: "GET",
        url: kannel.sendsmsUrl(to, TEXT, receiver.dlrUrl(WARM_UP_OFFSET + i)),
      });
      if (answer.status !== 202) throw new Error(`Kannel warm-up: sendsms → ${answer.status} ${answer.body}`);
    }),
  );
  const warmDeadline = performance.now() + 30_000;
  const warmDone = () => deliveredIn(WARM_UP_OFFSET, WARM_UP_OFFSET + warmUp.length) >= warmUp.length;
  while (!warmDone() && performance.now() < warmDeadline) await sleep(50);
  if (!warmDone())
    throw new Error(`Kannel warm-up: delivery reports missing after 30 s\n${kannel.logTail()}`);
  await sleep(500);

  /**
   * Pushes MESSAGES messages (numbers `offset`…) through sendsms with CLIENTS clients and waits for
   * every submit_sm, receipt and delivered report. `holdBind`: the SMSC refuses binds while they are
   * pushed, so they all wait in bearerbox's queue and the bind then drains a full queue.
   * `respDelayMs`: the SMSC holds each submit_sm_resp that long.
   * @returns {Promise<KannelPhase>}
   */
  const phase = async (label, offset, holdBind, respDelayMs = 0) => {
    await smsc.reset();
    if (respDelayMs > 0) await smsc.script({ submitRespDelayMs: respDelayMs });
    if (holdBind) {
      await smsc.script({ refuseBindsForMs: (PUSH_SECONDS + 30) * 1000 });
      await smsc.dropBinds();
      const deadline = performance.now() + 10_000;
      while ((await online()) && performance.now() < deadline) await sleep(50);
      if (await online()) throw new Error("Kannel still says the link is online 10 s after the SMSC cut it");
    }
    console.error(`Kannel ${label}: ${int(MESSAGES)} messages through sendsms, ${CLIENTS} clients …`);
    const destinations = recipients(MESSAGES, offset);
    const acceptedAt = new Float64Array(MESSAGES).fill(Number.NaN);
    const refused = {};
    let next = 0;
    let lastAnswer = 0;
    const firstRequestMs = performance.now();
    const pushDeadline = firstRequestMs + PUSH_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < MESSAGES && performance.now() < pushDeadline) {
          const i = next++;
          const to = /** @type {string} */ (destinations[i]);
          const url = kannel.sendsmsUrl(to, TEXT, receiver.dlrUrl(offset + i));
          try {
            const answer = await send(agent, { method: "GET", url }, 30_000);
            lastAnswer = performance.now();
            if (answer.status === 202) acceptedAt[i] = lastAnswer;
            else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
          } catch {
            refused["0"] = (refused["0"] ?? 0) + 1;
          }
        }
      }),
    );
    const accepted = acceptedAt.filter((t) => Number.isFinite(t)).length;
    // Every answered sendsms is in bearerbox's queue: let the bind through.
    if (holdBind) await smsc.script({ refuseBindsForMs: 0 });

    console.error(`Kannel ${label}: waiting for every submit_sm and delivery report …`);
    const drainDeadline = performance.now() + DRAIN_SECONDS * 1000;
    const { reached } = await pollSmsc(
      smsc,
      (s) => s.submits.total >= accepted && s.receipts.acknowledged >= accepted,
      DRAIN_SECONDS,
      `Kannel ${label}`,
    );
    while (deliveredIn(offset, offset + MESSAGES) < accepted && performance.now() < drainDeadline)
      await sleep(50);
    // A moment for late repeats to show.
    await sleep(1_000);
    const smscSummary = await smsc.summary();
    // The SMSC stamps PDUs with Date.now(); on this process's clock, the first submit_sm was at:
    const sendingFrom =
      holdBind && smscSummary.firstSubmitAt !== null
        ? smscSummary.firstSubmitAt - performance.timeOrigin
        : null;

    const perMessage = new Map();
    const byType = {};
    const latencies = [];
    const sinceRelease = [];
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const report of receiver.reports) {
      if (report.message < offset || report.message >= offset + MESSAGES) continue;
      byType[report.type] = (byType[report.type] ?? 0) + 1;
      if (report.type !== 1) continue;
      const i = report.message - offset;
      perMessage.set(i, (perMessage.get(i) ?? 0) + 1);
      firstMs = Math.min(firstMs, report.perfMs);
      lastMs = Math.max(lastMs, report.perfMs);
      if (perMessage.get(i) !== 1) continue;
      latencies.push(report.perfMs - (acceptedAt[i] ?? Number.NaN));
      if (sendingFrom !== null) sinceRelease.push(report.perfMs - sendingFrom);
    }
    let missing = 0;
    for (let i = 0; i < MESSAGES; i++) if (Number.isFinite(acceptedAt[i]) && !perMessage.has(i)) missing += 1;
    return {
      accepted,
      refused,
      pushSeconds: (lastAnswer - firstRequestMs) / 1000,
      smsc: smscSummary,
      integrity: integrity(
        smscSummary,
        destinations.filter((_, i) => Number.isFinite(acceptedAt[i])),
      ),
      drained: reached && missing === 0,
      reports: {
        delivered: perMessage.size,
        missing,
        repeated: [...perMessage.values()].reduce((sum, n) => sum + n - 1, 0),
        byType,
        firstMs,
        lastMs,
      },
      acceptToDelivered: summarize(latencies.filter((l) => Number.isFinite(l))),
      firstRequestMs,
      sendingFrom,
      queuedToDelivered: summarize(sinceRelease),
    };
  };

  const queued = await phase("(queued first)", 0, true);
  const streaming = await phase("(bind up)", 1_000_000, false);
  const roundTrip =
    ROUND_TRIP_MS > 0
      ? await phase(`(queued first, ${ROUND_TRIP_MS} ms round trip)`, 2_000_000, true, ROUND_TRIP_MS)
      : null;
  const status = await kannel.status().catch(() => "");
  const result = {
    queued,
    streaming,
    roundTrip,
    unreadable: receiver.unreadable,
    linkLine: /^\s*sim(\[sim\])?\s+SMPP:.*$/m.exec(status)?.[0]?.trim() ?? "",
  };
  await cleanUp();
  return result;
}

// ————————————————————————————————————————— Gateway half —————————————————————————————————————————

/**
 * @typedef {object} GatewayPhase
 * @property {number} recipients sent
 * @property {number} sends POST /send requests
 * @property {number} seconds how long it was allowed to take
 * @property {number} acceptSeconds first POST → last 201
 * @property {number | null} terminalSeconds first POST → GET /status says nothing pending (client), null if not within the deadline
 * @property {import("./smsc.mjs").SmscSummary} smsc
 * @property {{ lost: number, unexpected: number, repeated: number }} integrity
 * @property {boolean} reachedSmsc every submit and receipt reached the SMSC within the deadline
 * @property {Record<string, number>} byStatus deliveries by D1 status at the end
 * @property {ReturnType<typeof summarize>} acceptToDelivered ms, sends.created_at → deliveries.updated_at of delivered ones
 * @property {number} deliveredPerSecond delivered ÷ (last receipt applied − first accept), server clock
 * @property {number} appliedPerSecond delivered ÷ (last − first receipt applied), server clock
 */

/**
 * @typedef {object} GatewayRun
 * @property {string | null} missing why the gateway half could not measure anything, or null
 * @property {string} [keyPrefix]
 * @property {GatewayPhase} [throughput] (a)
 * @property {GatewayPhase} [endToEnd] (b)
 * @property {GatewayPhase | null} [roundTrip] (a) again, the SMSC answering after ROUND_TRIP_MS
 * @property {string[]} [skipped] runs left out, and why
 * @property {Record<string, number>} [loggedErrors]
 */

/** @returns {Promise<GatewayRun>} */
async function runGateway() {
  const smsc = await startSmscThread(SMSC_OPTIONS);
  cleanups.push(() => smsc.close());
  console.error("gateway: bundling and starting the production environment …");
  let gateway;
  try {
    gateway = await startGateway({ environment: "production" });
  } catch (error) {
    await cleanUp();
    return { missing: `the production gateway did not start: ${briefly(error)}` };
  }
  const pid = gateway.pid;
  // If the bench dies without stopping it, take workerd down with it.
  const reap = () => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  };
  process.on("exit", reap);
  cleanups.push(async () => {
    await gateway.stop();
    process.off("exit", reap);
  });

  try {
    const { apiKey } = await createBenchKey(gateway);
    const keyPrefix = apiKey.slice(0, 8);
    const carrier = await adminRequest(gateway, "POST", "/carriers", {
      slug: CARRIER,
      kind: "smpp",
      enabled: true,
      smpp: {
        host: smsc.host,
        port: smsc.port,
        tls: false,
        system_id: SYSTEM_ID,
        password: PASSWORD,
        system_type: "",
        binds: 1,
        window: WINDOW,
        throughput: null,
        receipt_id_format: "same",
      },
    });
    if (carrier.status === 404)
      return { missing: "`POST /admin/v1/carriers` answered 404: this build has no carriers API", keyPrefix };
    if (carrier.status !== 201)
      return {
        missing: `\`POST /admin/v1/carriers\` answered ${carrier.status}: ${JSON.stringify(carrier.json).slice(0, 300)}`,
        keyPrefix,
      };
    if (carrier.json?.data?.has_connector === false)
      return {
        missing: "the carrier view says `has_connector: false`: this build has no connector for kind `smpp`",
        keyPrefix,
      };
    const routes = await adminRequest(gateway, "PUT", "/routes", { routes: {}, default_route: CARRIER });
    if (routes.status !== 200)
      return {
        missing: `\`PUT /admin/v1/routes\` answered ${routes.status}: ${JSON.stringify(routes.json).slice(0, 300)}`,
        keyPrefix,
      };

    const agent = keepAliveAgent(E2E_SENDS);
    cleanups.push(() => agent.destroy());

    console.error("gateway: probe send …");
    const probe = await postSend(agent, gateway, apiKey, recipients(1, WARM_UP_OFFSET), TEXT);
    const probed = await pollSmsc(smsc, (s) => s.submits.total >= 1, PROBE_SECONDS, "probe");
    if (!probed.reached) {
      const status = await readStatus(gateway.api, apiKey, probe.id)
        .then((v) => `${v.status} (delivered ${v.delivered}, failed ${v.failed}, pending ${v.pending})`)
        .catch((e) => String(e));
      const view = await adminRequest(gateway, "GET", `/carriers/${CARRIER}`).catch((e) => String(e));
      const binds = typeof view === "string" ? view : JSON.stringify(view.json?.data?.binds ?? null);
      return {
        missing: `no submit_sm reached the simulator within ${PROBE_SECONDS} s of a probe send (the send: ${status}; the carrier's binds: ${binds.slice(0, 200)}; binds the SMSC saw: ${probed.stats.binds.total})`,
        keyPrefix,
      };
    }

    console.error("gateway: warm-up …");
    const warm = await postSend(agent, gateway, apiKey, recipients(100, WARM_UP_OFFSET + 1), TEXT);
    if ((await waitForTerminal(gateway.api, apiKey, [probe.id, warm.id], 60, 100)) === null)
      return {
        missing: "the probe and a 100-recipient warm-up were not all terminal within 60 s",
        keyPrefix,
      };
    await sleep(300);
    await smsc.reset();

    const db = openLocalD1(gateway);
    cleanups.push(() => db.close());
    /**
     * POSTs `count` recipients from `offset` in sends of PER_SEND, all at once, then waits for the
     * SMSC to see every submit and receipt and for GET /status to say nothing is pending.
     * `respDelayMs`: the SMSC holds each submit_sm_resp that long. Null when the run has no time
     * left for it.
     * @returns {Promise<GatewayPhase | null>}
     */
    const phase = async (label, count, offset, respDelayMs = 0) => {
      const seconds = Math.min(PHASE_SECONDS, Math.floor(secondsLeft()));
      if (seconds < 15) return null;
      await smsc.reset();
      if (respDelayMs > 0) await smsc.script({ submitRespDelayMs: respDelayMs });
      const batches = Array.from({ length: Math.ceil(count / PER_SEND) }, (_, i) =>
        recipients(Math.min(PER_SEND, count - i * PER_SEND), offset + i * PER_SEND),
      );
      console.error(`gateway ${label}: ${int(count)} recipients in ${batches.length} sends …`);
      const started = performance.now();
      const sends = await Promise.all(batches.map((to) => postSend(agent, gateway, apiKey, to, TEXT)));
      const acceptSeconds = (performance.now() - started) / 1000;
      const { reached } = await pollSmsc(
        smsc,
        (s) => s.submits.total >= count && s.receipts.acknowledged >= count,
        seconds,
        `gateway ${label}`,
      );
      const left = Math.max(5, seconds - (performance.now() - started) / 1000);
      const terminal = await waitForTerminal(
        gateway.api,
        apiKey,
        sends.map((s) => s.id),
        left,
        250,
      );
      const smscSummary = await smsc.summary();
      const times = deliveryTimes(
        db,
        sends.map((s) => s.id),
      );
      const byStatus = {};
      for (const t of times) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
      const deliveredTimes = times.filter((t) => t.status === "delivered");
      const firstAccepted = Math.min(...times.map((t) => t.accepted));
      const finished = deliveredTimes.map((t) => t.finished);
      const lastFinished = Math.max(...finished);
      return {
        recipients: count,
        sends: batches.length,
        seconds,
        acceptSeconds,
        terminalSeconds: terminal === null ? null : (performance.now() - started) / 1000,
        smsc: smscSummary,
        integrity: integrity(smscSummary, batches.flat()),
        reachedSmsc: reached,
        byStatus,
        acceptToDelivered: summarize(deliveredTimes.map((t) => t.finished - t.accepted)),
        deliveredPerSecond: rate(deliveredTimes.length, firstAccepted, lastFinished),
        appliedPerSecond: rate(deliveredTimes.length, Math.min(...finished), lastFinished),
      };
    };
    // A run that did not finish leaves a backlog that would flow into the next one: stop there.
    const complete = (p) => p !== null && p.reachedSmsc && p.terminalSeconds !== null;
    const skipped = [];
    const throughput = await phase("(a)", MESSAGES, 0);
    if (throughput === null) return { missing: "the run's time ran out before (a)", keyPrefix };
    const endToEnd = complete(throughput) ? await phase("(b)", E2E_SENDS * PER_SEND, 1_000_000) : null;
    if (endToEnd === null) skipped.push("(b) was not run: (a) did not finish in time");
    const roundTrip =
      ROUND_TRIP_MS > 0 && complete(endToEnd)
        ? await phase(`(a), ${ROUND_TRIP_MS} ms round trip`, MESSAGES, 2_000_000, ROUND_TRIP_MS)
        : null;
    if (ROUND_TRIP_MS > 0 && roundTrip === null)
      skipped.push(
        `(a) with a ${ROUND_TRIP_MS} ms round trip was not run: an earlier run did not finish in time`,
      );
    return { missing: null, keyPrefix, throughput, endToEnd: endToEnd ?? undefined, roundTrip, skipped };
  } finally {
    const loggedErrors = gateway.loggedErrors();
    await cleanUp();
    if (Object.keys(loggedErrors).length > 0)
      console.error(`gateway logged errors: ${JSON.stringify(loggedErrors)}`);
    lastLoggedErrors = loggedErrors;
  }
}
let lastLoggedErrors = {};

// ————————————————————————————————————————————— Run —————————————————————————————————————————————

/** @type {KannelRun | null} */
let kannelRun = null;
let kannelSkipped = null;
if (HALF !== "gateway") {
  kannelSkipped = kannelProblem();
  if (kannelSkipped === null) {
    try {
      kannelRun = await runKannel();
    } catch (error) {
      await cleanUp();
      kannelSkipped = `the Kannel half failed: ${briefly(error)}`;
    }
  }
} else kannelSkipped = "not run (BENCH_SMPP_HALF=gateway)";
if (kannelSkipped) console.error(`Kannel: ${kannelSkipped}`);

/** @type {GatewayRun} */
let gatewayRun = { missing: "not run (BENCH_SMPP_HALF=kannel)" };
if (HALF !== "kannel") {
  try {
    gatewayRun = await runGateway();
  } catch (error) {
    await cleanUp();
    gatewayRun = { missing: `the gateway half failed: ${briefly(error)}` };
  }
}
gatewayRun.loggedErrors = lastLoggedErrors;
if (gatewayRun.missing) console.error(`gateway: ${gatewayRun.missing}`);
disarmWatchdog();

// ———————————————————————————————————————————— Report ————————————————————————————————————————————

const kq = kannelRun?.queued;
const ks = kannelRun?.streaming;
const a = gatewayRun.throughput;
const b = gatewayRun.endToEnd;
/** @param {import("./smsc.mjs").SmscSummary | undefined} s */
const submitRate = (s) => (s ? rate(s.submits, s.firstSubmitAt ?? 0, s.lastSubmitAt ?? 0) : Number.NaN);
/** @param {import("./smsc.mjs").SmscSummary | undefined} s */
const ackRate = (s) =>
  s ? rate(s.receiptsAcknowledged, s.firstReceiptAckAt ?? 0, s.lastReceiptAckAt ?? 0) : Number.NaN;
/** @param {KannelPhase | undefined} p */
const reportRate = (p) => (p ? rate(p.reports.delivered, p.reports.firstMs, p.reports.lastMs) : Number.NaN);
/** @param {KannelPhase | undefined} p */
const endToEndRate = (p) => (p ? rate(p.reports.delivered, p.firstRequestMs, p.reports.lastMs) : Number.NaN);
/** @param {KannelPhase | undefined} p */
const queuedRate = (p) =>
  p && p.sendingFrom !== null ? rate(p.reports.delivered, p.sendingFrom, p.reports.lastMs) : Number.NaN;
/** @param {KannelPhase | undefined} p */
const intakeRate = (p) => (p && p.pushSeconds > 0 ? p.accepted / p.pushSeconds : Number.NaN);
const kannelRate = submitRate(kq?.smsc);
const gatewayRate = submitRate(a?.smsc);
const goal = Number.isFinite(kannelRate) ? verdict(gatewayRate, { atLeast: kannelRate }) : "not measured";
const num = (value) => (Number.isFinite(value) ? int(value) : "–");
const notRun = "not run";
/** @param {KannelPhase | GatewayPhase | undefined} p */
const lossCell = (p) => {
  if (!p) return notRun;
  const incomplete = "reports" in p ? !p.drained : !p.reachedSmsc;
  const base = `${int(p.integrity.lost)}${incomplete && p.integrity.lost > 0 ? " (not submitted in time)" : ""} / ${int(
    p.integrity.repeated,
  )}`;
  return "reports" in p && p.reports.missing > 0
    ? `${base}, ${int(p.reports.missing)} without a report`
    : base;
};
const lossless = (p) =>
  p.integrity.lost + p.integrity.repeated + ("reports" in p ? p.reports.missing + p.reports.repeated : 0) ===
  0;
/** A cell for each of the three runs. */
const cells = (f) => [
  kq ? f(kq, "kannel") : notRun,
  ks ? f(ks, "kannel") : notRun,
  a ? f(a, "gateway") : notRun,
];

const throughputTable = table(
  [
    "One bind, window 10, receipts on",
    "Kannel, queue full first",
    "Kannel, sendsms while bound",
    "Lisoloo gateway (a)",
    "gateway ÷ Kannel (queue full)",
    "Goal",
    "",
  ],
  [
    [
      "messages",
      ...cells((p, who) =>
        who === "kannel" ? `${int(p.accepted)} sendsms` : `${int(p.recipients)} in ${p.sends} \`POST /send\``,
      ),
      "",
      "",
      "",
    ],
    [
      "**submit_sm/s at the SMSC** (first → last submit_sm)",
      ...cells((p) => num(submitRate(p.smsc))),
      ratio(gatewayRate, kannelRate),
      "≥ Kannel",
      a ? goal : "not measured",
    ],
    [
      "most submit_sm in one second",
      ...cells((p) => int(p.smsc.peakSubmitsPerSecond)),
      a && kq ? ratio(a.smsc.peakSubmitsPerSecond, kq.smsc.peakSubmitsPerSecond) : "–",
      "",
      "",
    ],
    [
      "receipts acknowledged/s at the SMSC (deliver_sm_resp, first → last)",
      ...cells((p) => num(ackRate(p.smsc))),
      ratio(ackRate(a?.smsc), ackRate(kq?.smsc)),
      "",
      "",
    ],
    [
      "delivered receipts/s reaching the application (Kannel: `dlr-url` calls; gateway: applied in D1, in batches)",
      ...cells((p, who) => num(who === "kannel" ? reportRate(p) : p.appliedPerSecond)),
      ratio(a?.appliedPerSecond ?? Number.NaN, reportRate(kq)),
      "",
      "",
    ],
    [
      "most submit_sm outstanding at once on the bind",
      ...cells((p) => int(p.smsc.maxOutstanding)),
      "",
      `≤ ${WINDOW}`,
      a ? (a.smsc.maxOutstanding <= WINDOW ? "met" : "**missed**") : "",
    ],
    ["binds the submits arrived on", ...cells((p) => int(p.smsc.bindIds.length)), "", "1", ""],
    [
      "lost / repeated submit_sm (by destination)",
      ...cells(lossCell),
      "",
      "0 / 0",
      a ? (lossless(a) ? "met" : "**missed**") : "",
    ],
  ],
);

const endToEndTable = table(
  [
    "Accept → delivered receipt",
    "messages",
    "p50 ms",
    "p99 ms",
    "max ms",
    "delivered/s (start → last receipt)",
  ],
  [
    kq
      ? [
          "Kannel, queue full first: first submit_sm → `dlr-url` type 1 received (every message waiting in bearerbox at once)",
          int(kq.reports.delivered),
          ms(kq.queuedToDelivered.p50),
          ms(kq.queuedToDelivered.p99),
          ms(kq.queuedToDelivered.max),
          num(queuedRate(kq)),
        ]
      : ["Kannel, queue full first", notRun, "–", "–", "–", "–"],
    ks
      ? [
          `Kannel, sendsms while bound: 202 → \`dlr-url\` type 1 received (${CLIENTS} clients feeding it)`,
          int(ks.reports.delivered),
          ms(ks.acceptToDelivered.p50),
          ms(ks.acceptToDelivered.p99),
          ms(ks.acceptToDelivered.max),
          num(endToEndRate(ks)),
        ]
      : ["Kannel, sendsms while bound", notRun, "–", "–", "–", "–"],
    b
      ? [
          `Lisoloo (b): ${E2E_SENDS} × ${PER_SEND}-recipient \`POST /send\` at once, accepted → \`delivered\` applied (D1 stamps)`,
          int(b.byStatus.delivered ?? 0),
          ms(b.acceptToDelivered.p50),
          ms(b.acceptToDelivered.p99),
          ms(b.acceptToDelivered.max),
          num(b.deliveredPerSecond),
        ]
      : [`Lisoloo (b): ${E2E_SENDS} × ${PER_SEND}-recipient \`POST /send\``, notRun, "–", "–", "–", "–"],
    ...(b && kq
      ? [
          [
            "gateway (b) ÷ Kannel, queue full first",
            "",
            ratio(b.acceptToDelivered.p50, kq.queuedToDelivered.p50),
            ratio(b.acceptToDelivered.p99, kq.queuedToDelivered.p99),
            "",
            ratio(b.deliveredPerSecond, queuedRate(kq)),
          ],
        ]
      : []),
  ],
);

const krt = kannelRun?.roundTrip ?? undefined;
const grt = gatewayRun.roundTrip ?? undefined;
const roundTripKannelRate = submitRate(krt?.smsc);
const roundTripGatewayRate = submitRate(grt?.smsc);
const roundTripGoal = Number.isFinite(roundTripKannelRate)
  ? verdict(roundTripGatewayRate, { atLeast: roundTripKannelRate })
  : "not measured";
const windowBound = (WINDOW * 1000) / Math.max(1, ROUND_TRIP_MS);
const roundTripTable =
  ROUND_TRIP_MS > 0
    ? table(
        [
          `SMSC answering each submit_sm after ${ROUND_TRIP_MS} ms, queue full first`,
          "Kannel",
          "Lisoloo gateway",
          "gateway ÷ Kannel",
          "Goal",
          "",
        ],
        [
          [
            "messages",
            krt ? `${int(krt.accepted)} sendsms` : notRun,
            grt ? `${int(grt.recipients)} in ${grt.sends} \`POST /send\`` : notRun,
            "",
            "",
            "",
          ],
          [
            "**submit_sm/s at the SMSC** (first → last submit_sm)",
            krt ? num(roundTripKannelRate) : notRun,
            grt ? num(roundTripGatewayRate) : notRun,
            ratio(roundTripGatewayRate, roundTripKannelRate),
            "≥ Kannel",
            grt ? roundTripGoal : "not measured",
          ],
          [
            `the most a window of ${WINDOW} allows (${WINDOW} ÷ ${ROUND_TRIP_MS} ms)`,
            int(windowBound),
            int(windowBound),
            "",
            "",
            "",
          ],
          [
            "most submit_sm outstanding at once on the bind",
            krt ? int(krt.smsc.maxOutstanding) : notRun,
            grt ? int(grt.smsc.maxOutstanding) : notRun,
            "",
            `≤ ${WINDOW}`,
            grt ? (grt.smsc.maxOutstanding <= WINDOW ? "met" : "**missed**") : "",
          ],
          [
            "receipts acknowledged/s at the SMSC (deliver_sm_resp, first → last)",
            krt ? num(ackRate(krt.smsc)) : notRun,
            grt ? num(ackRate(grt.smsc)) : notRun,
            ratio(ackRate(grt?.smsc), ackRate(krt?.smsc)),
            "",
            "",
          ],
          [
            "lost / repeated submit_sm (by destination)",
            lossCell(krt),
            lossCell(grt),
            "",
            "0 / 0",
            grt ? (lossless(grt) ? "met" : "**missed**") : "",
          ],
        ],
      )
    : "";

/** Kannel's delivery report types. */
const DLR_TYPES = {
  1: "delivered",
  2: "undeliverable",
  4: "queued on the SMSC",
  8: "accepted by the SMSC",
  16: "rejected by the SMSC",
};

/** @param {string} label @param {KannelPhase | undefined} p */
const kannelNote = (label, p) =>
  p
    ? [
        `Kannel, ${label}: ${int(p.accepted)} of ${int(MESSAGES)} sendsms accepted in ${p.pushSeconds.toFixed(
          2,
        )} s (${num(intakeRate(p))}/s${Object.keys(p.refused).length ? `, refused ${JSON.stringify(p.refused)}` : ""})${
          label.includes("queue") ? " while the SMSC refused binds, then it let the bind through" : ""
        }; the SMSC saw ${int(p.smsc.submits)} submit_sm (${int(p.smsc.submitsFailed)} refused, ${int(
          p.smsc.submitsUnanswered,
        )} unanswered), receipts ${JSON.stringify(p.smsc.receiptsByStatus)}; \`dlr-url\` reports by type ${JSON.stringify(
          p.reports.byType,
        )} (${Object.keys(p.reports.byType)
          .map((type) => `${type} ${DLR_TYPES[type] ?? "?"}`)
          .join(", ")}), ${int(p.reports.repeated)} repeated delivered reports${
          p.drained ? "" : ` — **not everything arrived within ${DRAIN_SECONDS} s**`
        }.`,
      ]
    : [];

/** @param {string} label @param {GatewayPhase | undefined} p */
const gatewayNote = (label, p) =>
  p
    ? [
        `Gateway ${label}: ${p.sends} sends accepted in ${p.acceptSeconds.toFixed(2)} s; ${
          p.terminalSeconds === null
            ? `**not all terminal within ${p.seconds} s**`
            : `all terminal ${p.terminalSeconds.toFixed(1)} s after the first POST`
        }; deliveries by status ${JSON.stringify(p.byStatus)}; the SMSC saw ${int(p.smsc.submits)} submit_sm (${int(
          p.smsc.submitsFailed,
        )} refused, ${int(p.smsc.submitsUnanswered)} unanswered), receipts ${JSON.stringify(p.smsc.receiptsByStatus)}${
          p.reachedSmsc ? "" : ` — **not every submit and receipt reached the SMSC within ${p.seconds} s**`
        }.`,
      ]
    : [];

/** Whether, with the bind up, the SMSC saw messages about as fast as sendsms took them (no queue). */
const kannelFedAtPace = ks ? Math.abs(submitRate(ks.smsc) - intakeRate(ks)) < 0.1 * intakeRate(ks) : false;

/** A few sentences from the figures. */
function reading() {
  const lines = [];
  if (kq && ks) {
    lines.push(
      `Kannel ${kannelVersion()} drained a queue of ${int(kq.smsc.submits)} messages through one transceiver bind at ${num(
        kannelRate,
      )} submit_sm/s (at most ${int(kq.smsc.peakSubmitsPerSecond)} in one second); that is the figure the gateway is held to. ${
        kq.smsc.maxOutstanding >= WINDOW
          ? "The SMSC saw the window of 10 full at times, so the round trip of each submit_sm set part of the pace."
          : `The SMSC answers each submit_sm at once and never saw more than ${int(
              kq.smsc.maxOutstanding,
            )} outstanding: the window of 10 was never full, so Kannel's own send loop (on two cores shared with the SMSC and the receiver), not the window, set the pace.`
      } With sendsms feeding it while bound (${CLIENTS} clients), the SMSC saw ${num(submitRate(ks.smsc))}/s${
        kannelFedAtPace
          ? `, the rate sendsms accepted them (${num(intakeRate(ks))}/s): there the HTTP intake, not SMPP, sets the pace`
          : ` while sendsms accepted ${num(intakeRate(ks))}/s`
      }. Receipts came back at ${num(ackRate(kq.smsc))}/s at the SMSC and reached the \`dlr-url\` receiver at ${num(
        reportRate(kq),
      )}/s; ${
        lossless(kq) && lossless(ks)
          ? "nothing was lost or repeated in either run."
          : "**something was lost or repeated: see the notes.**"
      }`,
    );
  } else {
    lines.push(`Kannel did not run: ${kannelSkipped}.`);
  }
  if (a) {
    const complete = a.reachedSmsc && a.terminalSeconds !== null;
    lines.push(
      `The gateway's SMPP connector put ${int(a.smsc.submits)} submit_sm through ${int(a.smsc.bindIds.length)} ${
        a.smsc.bindIds.length === 1 ? "bind" : "binds"
      } at ${num(gatewayRate)}/s, ${ratio(gatewayRate, kannelRate)} Kannel's rate: the goal (≥ Kannel) is ${goal.replaceAll(
        "*",
        "",
      )}${complete ? "" : ` (**not every recipient was through within ${a.seconds} s**)`}. The SMSC saw at most ${int(
        a.smsc.maxOutstanding,
      )} outstanding (window ${WINDOW}); ${int(a.integrity.lost)} ${complete ? "lost" : "not submitted in time"} and ${int(
        a.integrity.repeated,
      )} repeated.${
        b
          ? ` End to end, ${int(b.byStatus.delivered ?? 0)} recipients accepted at once went to a delivered receipt applied at ${num(
              b.deliveredPerSecond,
            )}/s (p50 ${ms(b.acceptToDelivered.p50)} ms, p99 ${ms(b.acceptToDelivered.p99)} ms); Kannel, its ${int(
              kq?.reports.delivered ?? Number.NaN,
            )} messages waiting at once, took them to a delivered report at ${num(queuedRate(kq))}/s (p50 ${ms(
              kq?.queuedToDelivered.p50 ?? Number.NaN,
            )} ms, p99 ${ms(kq?.queuedToDelivered.p99 ?? Number.NaN)} ms). Those latencies are mostly the wait behind the others in one bind.${
              ks && kannelFedAtPace
                ? ` Fed no faster than it sends, Kannel delivers each message in about ${ms(
                    ks.acceptToDelivered.p50,
                  )} ms (p50), ${RECEIPT_DELAY_MS} ms of it the SMSC's receipt delay.`
                : ""
            }`
          : ""
      }`,
    );
  } else {
    lines.push(
      `**The gateway half did not run: ${gatewayRun.missing}.** The goal (gateway submit_sm/s ≥ Kannel's ${num(
        kannelRate,
      )}/s through one bind, window ${WINDOW}) is not measured; what the gateway half needs from the connector is at the top of \`bench/smpp/smpp.bench.mjs\`.`,
    );
  }
  if (krt || grt) {
    lines.push(
      `With the SMSC taking ${ROUND_TRIP_MS} ms to answer each submit_sm (a network round trip), a window of ${WINDOW} allows at most ${int(
        windowBound,
      )} submit_sm/s: Kannel reached ${num(roundTripKannelRate)}/s (${int(
        krt?.smsc.maxOutstanding ?? Number.NaN,
      )} outstanding at most)${
        grt
          ? `, the gateway ${num(roundTripGatewayRate)}/s (${int(grt.smsc.maxOutstanding)} outstanding at most), ${ratio(
              roundTripGatewayRate,
              roundTripKannelRate,
            )} Kannel's rate: the goal is ${roundTripGoal.replaceAll("*", "")} there`
          : ""
      }.`,
    );
  }
  return lines.join("\n\n");
}

const facts = [
  kannelRun || kannelSkipped === null ? `Kannel ${kannelVersion()}` : null,
  HALF !== "kannel" ? `wrangler ${wranglerVersion()}` : null,
].filter((f) => f !== null);
const notes = [
  ...kannelNote("queue full first", kq),
  ...kannelNote("sendsms while bound", ks),
  ...kannelNote(`queue full first, ${ROUND_TRIP_MS} ms round trip`, krt),
  ...(kannelRun ? [`bearerbox's line for the link at the end: \`${kannelRun.linkLine}\`.`] : []),
  ...gatewayNote("(a)", a),
  ...gatewayNote("(b)", b),
  ...gatewayNote(`(a) with a ${ROUND_TRIP_MS} ms round trip`, grt),
  ...(gatewayRun.skipped ?? []).map((why) => `Gateway ${why}.`),
];

writeResults(
  HALF === "both" ? import.meta.url : null,
  `# SMPP: submit_sm/s through one bind, side by side with Kannel

SMSC: the repository's simulator (\`tooling/smsc-simulator\`, SMPP 3.4 on 127.0.0.1, in a worker thread of
the bench's Node process), one account, every submit_sm answered at once${
    ROUND_TRIP_MS > 0 ? ` (${ROUND_TRIP_MS} ms after it arrived in the third table's runs)` : ""
  }, one \`DELIVRD\` receipt per message ${RECEIPT_DELAY_MS} ms after its submit_sm_resp (TLV and text
form). Kannel: bearerbox + smsbox from Debian, one \`smsc = smpp\` link in transceiver mode with
\`max-pending-submits = ${WINDOW}\`, a file store, messages pushed through HTTP \`sendsms\` by ${CLIENTS} keep-alive
clients with \`dlr-mask=31\` and a \`dlr-url\` to a Node receiver (config \`bench/smpp/kannel-smpp.conf\`).
"Queue full first": the SMSC refuses binds until every message is in bearerbox's queue, so the bind
drains a full queue, as the gateway's connector does once its 1000-recipient sends are accepted
(with the bind up, sendsms accepts about as fast as the bind sends, and the intake is what gets
measured: the "while bound" column). Gateway: \`wrangler dev\` (production environment, local
D1/queues/Durable Objects in a fresh temporary directory), bundle of commit ${codeVersion()}, an
sk_live_ key${gatewayRun.keyPrefix ? ` (\`${gatewayRun.keyPrefix}…\`)` : ""}, carrier \`${CARRIER}\` (kind \`smpp\`, \`binds: 1\`,
\`window: ${WINDOW}\`) as the default route; (a) ${int(MESSAGES)} recipients in 1000-recipient \`POST /send\` requests
all at once (the connector is measured, not the HTTP layer), (b) ${E2E_SENDS} × ${PER_SEND} recipients likewise, timed
from D1's stamps. The same ${TEXT.length}-character GSM-7 text (one segment) to distinct numbers everywhere. SMSC
rates come from the simulator's records (the Date.now() of each PDU). Machine: ${machineFacts(facts)}.

Command: \`npx -y pnpm@12.4.2 bench\` (this part alone: \`npx -y pnpm@12.4.2 --filter @lisoloo/bench bench:smpp\`),
\`BENCH_SMPP_MESSAGES=${MESSAGES}\`.

${throughputTable}

${endToEndTable}

${roundTripTable}

${reading()}

Notes:

${notes.map((n) => `- ${n}`).join("\n") || "- none"}

${a || b ? loggedErrorsLine(gatewayRun.loggedErrors ?? {}) : ""}
`,
);
process.exit(0);
