// The HTTP relay carrier (kind `http_relay`, CONTRACT §12) side by side with the SMPP connector, in
// one run against the same SMSC: 10 × 1000 recipients accepted at once → every delivery `delivered`
// applied, first through the gateway's own SMPP bind, then through Kannel's sendsms with the
// delivery reports coming back to the gateway's receipt endpoint. The SMSC is the repository's
// simulator (tooling/smsc-simulator) in a worker thread, answering every submit_sm at once and sending
// a DELIVRD receipt `BENCH_RELAY_RECEIPT_DELAY_MS` after each. Everything runs on 127.0.0.1.
//
// RUN IT (from the repository root; writes bench/relay/RESULTS.md):
//
//   npx -y pnpm@12.4.2 --filter @lisoloo/bench bench:relay     # this bench alone
//   npx -y pnpm@12.4.2 bench                                   # every bench, then bench/RESULTS.md
//
// Kannel must be installed; the bench never installs it (Debian 12: `sudo apt-get update && sudo
// apt-get install -y kannel kannel-extras`). Without it the relay column is reported as not run.
//
// WHAT IT STARTS, in this order, and stops in reverse (each by its process group):
//   1. the simulator, one account (`lisoloo` / `secret`) that both peers bind to;
//   2. the gateway's `production` environment the way bench/lib/gateway.mjs serves it, plus
//      `--var PUBLIC_BASE_URL:<its own http://127.0.0.1:port>`, so the dlr-urls it hands Kannel
//      lead back to it;
//   3. Kannel 1.4.5 as the relay host (bench/relay/kannel-relay.conf): bearerbox bound to the
//      simulator as a transceiver with `max-pending-submits = 10`, a file store, smsbox serving
//      sendsms to one sendsms-user, the link taking only messages that name it (`allowed-smsc-id`).
// Then, through the operator API: a merchant and its sk_live_ key; carrier `bench-smpp` (kind `smpp`,
// straight to the simulator, `binds: 1`, `window: 10`); carrier `bench-relay` (kind `http_relay`,
// Kannel's sendsms URL, user and password, `smsc: "sim"`, the default timeout and concurrency).
// For each carrier in turn: `PUT /admin/v1/routes {"routes": {}, "default_route": <slug>}`, a probe
// recipient and a 100-recipient warm-up until terminal, then 10 × 1000-recipient `POST /send` all at
// once; `GET /status/{id}` says when all are terminal; the times come from the local D1 file (as
// bench/lib/d1.mjs reads it): accept (`sends.created_at`) → delivered applied (`deliveries.updated_at`
// of deliveries whose `status` is `delivered`), and the SMSC's stamps say when the last submit_sm
// arrived (same machine, same clock). The simulator's records (by destination) say whether anything
// was lost or submitted twice.
//
// Settings (environment): BENCH_RELAY_RECEIPT_DELAY_MS (200), BENCH_RELAY_SENDS (10 sends of 1000
// recipients). Each measured run is cut off after 120 s; every other wait is bounded too, and the
// whole run stops after 8 minutes whatever happens.
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
import { keepAliveAgent, postSend } from "../lib/load.mjs";
import { loggedErrorsLine, machineFacts, writeResults } from "../lib/report.mjs";
import { briefly, guardRun, intEnv, plain, rate } from "../lib/run.mjs";
import { int, ms, ratio, summarize, table } from "../lib/stats.mjs";
import { kannelProblem, kannelVersion, startKannelSmpp } from "../smpp/kannel.mjs";
import { pollSmsc, startSmscThread } from "../smpp/smsc.mjs";

const RECEIPT_DELAY_MS = intEnv("BENCH_RELAY_RECEIPT_DELAY_MS", 200, 0);
const SENDS = intEnv("BENCH_RELAY_SENDS", 10);
const PER_SEND = 1000;
const COUNT = SENDS * PER_SEND;
const SMSC_OPTIONS = { systemId: "lisoloo", password: "secret", receiptDelayMs: RECEIPT_DELAY_MS };
const WINDOW = 10;
const SMPP = "bench-smpp";
const RELAY = "bench-relay";
const KANNEL_SMSC_ID = "sim";
const SENDSMS_USER = { username: "lisoloo", password: "relay-bench-Pw4x9" };
const TEXT = "Your Lisoloo code is 482913. Valid 5 min";
// Bounds on every wait (seconds).
const PROBE_SECONDS = 30;
const WARM_UP_SECONDS = 60;
const PHASE_SECONDS = 120;
const RUN_SECONDS = 480;
// Message numbers of each carrier's warm-up and run, apart from one another.
const OFFSETS = { [SMPP]: 0, [RELAY]: 2_000_000 };
const WARM_UP_OFFSET = 9_000_000;

const { cleanups, cleanUp, done: disarmWatchdog } = guardRun(RUN_SECONDS);

/**
 * @typedef {object} Phase
 * @property {string} carrier slug
 * @property {number} acceptSeconds first POST → last 201
 * @property {number | null} terminalSeconds first POST → GET /status says nothing pending, null if not within the deadline
 * @property {boolean} reachedSmsc every submit and receipt reached the SMSC within the deadline
 * @property {import("../smpp/smsc.mjs").SmscSummary} smsc
 * @property {{ lost: number, unexpected: number, repeated: number }} integrity by destination at the SMSC
 * @property {Record<string, number>} byStatus deliveries by D1 status at the end
 * @property {ReturnType<typeof summarize>} acceptToDelivered ms, sends.created_at → deliveries.updated_at of delivered ones
 * @property {number} deliveredPerSecond delivered ÷ (last delivered applied − first accept), server clock
 * @property {number} firstAccepted Unix ms of the first accept (D1)
 * @property {number} lastDelivered Unix ms of the last `delivered` applied (D1)
 */

/**
 * @typedef {object} Run
 * @property {string | null} missing why nothing could be measured, or null
 * @property {string | null} relaySkipped why the relay column is empty, or null
 * @property {string} [keyPrefix]
 * @property {string} [origin] the gateway's local URL, also its PUBLIC_BASE_URL
 * @property {Record<string, Phase>} phases by carrier slug
 * @property {string} linkLine bearerbox's status line for the link at the end
 */

/** @returns {Promise<Run>} */
async function run() {
  /** @type {Run} */
  const result = { missing: null, relaySkipped: kannelProblem(), phases: {}, linkLine: "" };
  const smsc = await startSmscThread(SMSC_OPTIONS);
  cleanups.push(() => smsc.close());

  console.error("gateway: bundling and starting the production environment …");
  let gateway;
  try {
    gateway = await startGateway({
      environment: "production",
      vars: (origin) => ({ PUBLIC_BASE_URL: origin }),
    });
  } catch (error) {
    return { ...result, missing: `the production gateway did not start: ${briefly(error)}` };
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
    loggedErrors = gateway.loggedErrors();
    await gateway.stop();
    process.off("exit", reap);
  });
  result.origin = gateway.origin;

  /** @type {import("../smpp/kannel.mjs").KannelSmpp | null} */
  let kannel = null;
  if (result.relaySkipped === null) {
    console.error("Kannel: starting bearerbox and smsbox as the relay …");
    try {
      kannel = await startKannelSmpp({
        smsc: { port: smsc.port, systemId: SMSC_OPTIONS.systemId, password: SMSC_OPTIONS.password },
        window: WINDOW,
        store: true,
        conf: new URL("./kannel-relay.conf", import.meta.url),
        values: { SENDSMS_USER: SENDSMS_USER.username, SENDSMS_PASSWORD: SENDSMS_USER.password },
      });
      const started = kannel;
      cleanups.push(() => started.stop());
    } catch (error) {
      result.relaySkipped = `Kannel did not start: ${briefly(error)}`;
    }
  }

  const { apiKey } = await createBenchKey(gateway);
  result.keyPrefix = apiKey.slice(0, 8);
  /** Creates a carrier; null when it is usable, else why not. */
  const createCarrier = async (body) => {
    const answer = await adminRequest(gateway, "POST", "/carriers", body);
    if (answer.status !== 201)
      return `\`POST /admin/v1/carriers\` (${body.slug}) answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}`;
    if (answer.json?.data?.has_connector === false)
      return `the carrier view of \`${body.slug}\` says \`has_connector: false\``;
    return null;
  };
  const smppProblem = await createCarrier({
    slug: SMPP,
    kind: "smpp",
    enabled: true,
    smpp: {
      host: smsc.host,
      port: smsc.port,
      tls: false,
      system_id: SMSC_OPTIONS.systemId,
      password: SMSC_OPTIONS.password,
      system_type: "",
      binds: 1,
      window: WINDOW,
      throughput: null,
      receipt_id_format: "same",
    },
  });
  if (smppProblem) return { ...result, missing: smppProblem };
  if (kannel !== null) {
    const relayProblem = await createCarrier({
      slug: RELAY,
      kind: "http_relay",
      enabled: true,
      http_relay: {
        sendsms_url: kannel.sendsmsBase,
        username: SENDSMS_USER.username,
        password: SENDSMS_USER.password,
        smsc: KANNEL_SMSC_ID,
        timeout_ms: 10_000,
        concurrency: 10,
      },
    });
    if (relayProblem) result.relaySkipped = relayProblem;
  }

  const agent = keepAliveAgent(SENDS);
  cleanups.push(() => agent.destroy());
  const db = openLocalD1(gateway);
  cleanups.push(() => db.close());

  /**
   * Routes everything to `slug`, warms it up, then sends COUNT recipients in SENDS sends at once and
   * waits for the SMSC to see every submit and receipt and for GET /status to say nothing is pending.
   * @returns {Promise<Phase | string>} the phase, or why it could not run
   */
  const phase = async (slug) => {
    const routes = await adminRequest(gateway, "PUT", "/routes", { routes: {}, default_route: slug });
    if (routes.status !== 200)
      return `\`PUT /admin/v1/routes\` answered ${routes.status}: ${JSON.stringify(routes.json).slice(0, 300)}`;
    await smsc.reset();
    console.error(`${slug}: probe and warm-up …`);
    const warmOffset = WARM_UP_OFFSET + OFFSETS[slug];
    const probe = await postSend(agent, gateway, apiKey, recipients(1, warmOffset), TEXT);
    const probed = await pollSmsc(smsc, (s) => s.submits.total >= 1, PROBE_SECONDS, `${slug} probe`);
    if (!probed.reached) {
      const status = await readStatus(gateway.api, apiKey, probe.id)
        .then((v) => `${v.status} (delivered ${v.delivered}, failed ${v.failed}, pending ${v.pending})`)
        .catch((e) => String(e));
      return `no submit_sm reached the simulator within ${PROBE_SECONDS} s of a probe send (the send: ${status})`;
    }
    const warm = await postSend(agent, gateway, apiKey, recipients(100, warmOffset + 1), TEXT);
    if ((await waitForTerminal(gateway.api, apiKey, [probe.id, warm.id], WARM_UP_SECONDS, 100)) === null)
      return `the probe and a 100-recipient warm-up were not all terminal within ${WARM_UP_SECONDS} s`;
    const warmTimes = deliveryTimes(db, [probe.id, warm.id]);
    const notDelivered = warmTimes.filter((t) => t.status !== "delivered").length;
    if (notDelivered > 0)
      return `${notDelivered} of the ${warmTimes.length} warm-up deliveries ended other than \`delivered\``;
    // Let the warm-up's last reports settle before the SMSC forgets its records.
    await sleep(1_000);
    await smsc.reset();

    const batches = Array.from({ length: SENDS }, (_, i) =>
      recipients(PER_SEND, OFFSETS[slug] + i * PER_SEND),
    );
    console.error(`${slug}: ${int(COUNT)} recipients in ${SENDS} sends at once …`);
    const started = performance.now();
    const sends = await Promise.all(batches.map((to) => postSend(agent, gateway, apiKey, to, TEXT)));
    const acceptSeconds = (performance.now() - started) / 1000;
    const { reached } = await pollSmsc(
      smsc,
      (s) => s.submits.total >= COUNT && s.receipts.acknowledged >= COUNT,
      PHASE_SECONDS,
      slug,
    );
    const left = Math.max(5, PHASE_SECONDS - (performance.now() - started) / 1000);
    const terminal = await waitForTerminal(
      gateway.api,
      apiKey,
      sends.map((s) => s.id),
      left,
      250,
    );
    // A moment for late repeats to show at the SMSC.
    await sleep(1_000);
    const summary = await smsc.summary();
    const times = deliveryTimes(
      db,
      sends.map((s) => s.id),
    );
    const byStatus = {};
    for (const t of times) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    const delivered = times.filter((t) => t.status === "delivered");
    const lastDelivered = Math.max(...delivered.map((t) => t.finished));
    const firstAccepted = Math.min(...times.map((t) => t.accepted));
    const seen = new Set(summary.destinations);
    const sent = new Set(batches.flat().map(plain));
    return {
      carrier: slug,
      acceptSeconds,
      terminalSeconds: terminal === null ? null : (performance.now() - started) / 1000,
      reachedSmsc: reached,
      smsc: summary,
      integrity: {
        lost: [...sent].filter((to) => !seen.has(to)).length,
        unexpected: summary.destinations.filter((d) => !sent.has(d)).length,
        repeated: summary.repeatedSubmits,
      },
      byStatus,
      acceptToDelivered: summarize(delivered.map((t) => t.finished - t.accepted)),
      deliveredPerSecond: rate(delivered.length, firstAccepted, lastDelivered),
      firstAccepted,
      lastDelivered,
    };
  };

  // A run that did not finish leaves a backlog that would flow into the next one: stop there.
  const smppPhase = await phase(SMPP);
  if (typeof smppPhase === "string") return { ...result, missing: `${SMPP}: ${smppPhase}` };
  result.phases[SMPP] = smppPhase;
  const smppComplete = smppPhase.reachedSmsc && smppPhase.terminalSeconds !== null;
  if (result.relaySkipped === null && !smppComplete)
    result.relaySkipped = `not run: the ${SMPP} run did not finish within ${PHASE_SECONDS} s`;
  if (result.relaySkipped === null) {
    const relayPhase = await phase(RELAY);
    if (typeof relayPhase === "string") result.relaySkipped = relayPhase;
    else result.phases[RELAY] = relayPhase;
  }
  if (kannel !== null) {
    const status = await kannel.status().catch(() => "");
    result.linkLine = /^\s*sim(\[sim\])?\s+SMPP:.*$/m.exec(status)?.[0]?.trim() ?? "";
  }
  return result;
}

// ————————————————————————————————————————————— Run —————————————————————————————————————————————

/** The gateway's structured error lines, counted when it is stopped. */
let loggedErrors = {};

/** @type {Run} */
let outcome;
try {
  outcome = await run();
} catch (error) {
  outcome = {
    missing: `the run failed: ${briefly(error)}`,
    relaySkipped: null,
    phases: {},
    linkLine: "",
  };
} finally {
  await cleanUp();
}
disarmWatchdog();
if (outcome.missing) console.error(`relay bench: ${outcome.missing}`);
if (outcome.relaySkipped) console.error(`relay: ${outcome.relaySkipped}`);

// ———————————————————————————————————————————— Report ————————————————————————————————————————————

const s = outcome.phases[SMPP];
const r = outcome.phases[RELAY];
const notRun = "not run";
const num = (value) => (Number.isFinite(value) ? int(value) : "–");
/** @param {import("../smpp/smsc.mjs").SmscSummary | undefined} x */
const submitRate = (x) => (x ? rate(x.submits, x.firstSubmitAt ?? 0, x.lastSubmitAt ?? 0) : Number.NaN);
/** Seconds from the first accept to the last submit_sm at the SMSC. @param {Phase} p */
const toSmsc = (p) => ((p.smsc.lastSubmitAt ?? Number.NaN) - p.firstAccepted) / 1000;
/** Seconds from the last submit_sm to the last delivered applied. @param {Phase} p */
const tail = (p) => (p.lastDelivered - (p.smsc.lastSubmitAt ?? Number.NaN)) / 1000;
const secs = (value) => (Number.isFinite(value) ? value.toFixed(1) : "–");
/** @param {Phase | undefined} p */
const complete = (p) => p?.reachedSmsc === true && p.terminalSeconds !== null;
/** @param {Phase | undefined} p */
const lossCell = (p) =>
  p
    ? `${int(p.integrity.lost)}${!p.reachedSmsc && p.integrity.lost > 0 ? " (not submitted in time)" : ""} / ${int(
        p.integrity.repeated,
      )}`
    : notRun;
/** A row: label, SMPP cell, relay cell, relay ÷ SMPP. */
const row = (label, f, value) => [
  label,
  s ? f(s) : notRun,
  r ? f(r) : notRun,
  s && r && value ? ratio(value(r), value(s)) : "",
];

const mainTable = table(
  [
    `${SENDS} × ${PER_SEND}-recipient \`POST /send\` at once, one bind, window ${WINDOW}`,
    `\`${SMPP}\` (SMPP connector)`,
    `\`${RELAY}\` (HTTP relay: Kannel)`,
    "relay ÷ SMPP",
  ],
  [
    row("recipients delivered (D1 `status`)", (p) => int(p.byStatus.delivered ?? 0)),
    row(
      "**delivered/s** (first accept → last `delivered` applied, D1 stamps)",
      (p) => num(p.deliveredPerSecond),
      (p) => p.deliveredPerSecond,
    ),
    row(
      "accept → `delivered` applied, p50 ms",
      (p) => ms(p.acceptToDelivered.p50),
      (p) => p.acceptToDelivered.p50,
    ),
    row(
      "accept → `delivered` applied, p99 ms",
      (p) => ms(p.acceptToDelivered.p99),
      (p) => p.acceptToDelivered.p99,
    ),
    row(
      "accept → `delivered` applied, max ms",
      (p) => ms(p.acceptToDelivered.max),
      (p) => p.acceptToDelivered.max,
    ),
    row("first accept → last submit_sm at the SMSC, s", (p) => secs(toSmsc(p)), toSmsc),
    row("last submit_sm → last `delivered` applied, s", (p) => secs(tail(p)), tail),
    row(
      "submit_sm/s at the SMSC (first → last submit_sm)",
      (p) => num(submitRate(p.smsc)),
      (p) => submitRate(p.smsc),
    ),
    row("most submit_sm outstanding at once on the bind", (p) => int(p.smsc.maxOutstanding)),
    row("lost / repeated submit_sm (by destination)", lossCell),
  ],
);

/** @param {Phase | undefined} p */
const note = (p) =>
  p
    ? [
        `\`${p.carrier}\`: ${SENDS} sends accepted in ${p.acceptSeconds.toFixed(2)} s; ${
          p.terminalSeconds === null
            ? `**not all terminal within ${PHASE_SECONDS} s**`
            : `all terminal ${p.terminalSeconds.toFixed(1)} s after the first POST (polled)`
        }; deliveries by status ${JSON.stringify(p.byStatus)}; the SMSC saw ${int(p.smsc.submits)} submit_sm (${int(
          p.smsc.submitsFailed,
        )} refused, ${int(p.smsc.submitsUnanswered)} unanswered) on ${int(p.smsc.bindIds.length)} ${
          p.smsc.bindIds.length === 1 ? "bind" : "binds"
        }, receipts ${JSON.stringify(p.smsc.receiptsByStatus)}, ${int(p.integrity.unexpected)} unexpected destinations${
          p.reachedSmsc
            ? ""
            : ` — **not every submit and receipt reached the SMSC within ${PHASE_SECONDS} s**`
        }.`,
      ]
    : [];

/** A few sentences from the figures. */
function reading() {
  if (!s) return `**Nothing was measured: ${outcome.missing}.**`;
  if (!r)
    return `The SMPP connector delivered ${int(s.byStatus.delivered ?? 0)} recipients at ${num(
      s.deliveredPerSecond,
    )}/s (p50 ${ms(s.acceptToDelivered.p50)} ms, p99 ${ms(s.acceptToDelivered.p99)} ms). **The relay was not measured: ${
      outcome.relaySkipped
    }.**`;
  const lines = [];
  lines.push(
    `Through Kannel, ${int(r.byStatus.delivered ?? 0)} recipients accepted at once reached \`delivered\` at ${num(
      r.deliveredPerSecond,
    )}/s, ${ratio(r.deliveredPerSecond, s.deliveredPerSecond)} the SMPP connector's ${num(
      s.deliveredPerSecond,
    )}/s; p50 ${ms(r.acceptToDelivered.p50)} ms against ${ms(s.acceptToDelivered.p50)} ms, p99 ${ms(
      r.acceptToDelivered.p99,
    )} ms against ${ms(s.acceptToDelivered.p99)} ms. ${
      complete(s) &&
      complete(r) &&
      s.integrity.lost + s.integrity.repeated + r.integrity.lost + r.integrity.repeated === 0
        ? "Nothing was lost or submitted twice on either path."
        : "**Something was lost, repeated or late: see the notes.**"
    }`,
  );
  lines.push(
    `The extra hop is HTTP, twice per message, through the gateway's one isolate: one outbound \`sendsms\` GET per delivery (at most ${10} in flight per isolate, the carrier's \`concurrency\`), each answered only once smsbox has handed the message to bearerbox and bearerbox has written it to its store; then Kannel calls the signed dlr-url back for each report (type 8 when the SMSC accepts the submit, type 1 with the receipt), two inbound requests per message that the gateway checks (HMAC), queues and applies. With SMPP the same work is one submit_sm and one deliver_sm on an open bind held by a Durable Object, receipts applied in batches. Both halves of the hop show: the last submit_sm reached the SMSC ${secs(
      toSmsc(r),
    )} s after the first accept through the relay against ${secs(toSmsc(s))} s straight (${num(
      submitRate(r.smsc),
    )} against ${num(submitRate(s.smsc))} submit_sm/s, at most ${int(
      r.smsc.maxOutstanding,
    )} outstanding on Kannel's bind: its window was never the limit, the sendsms requests reaching it were), and the last \`delivered\` was applied ${secs(
      tail(r),
    )} s after that against ${secs(tail(s))} s, the dlr-url calls queueing behind one another and behind the sendsms requests in the same isolate. Kannel itself takes sendsms far faster than this from plain clients (the SMPP bench's "sendsms while bound" column): the pace is the gateway's, one isolate making ${10} outbound requests at a time and answering ${int(
      2 * (r.byStatus.delivered ?? 0),
    )} callbacks. These are local figures: the gateway, Kannel and the SMSC share two cores, and workerd's local outbound \`fetch\` is the bottleneck the webhook bench meets too; in production the relay host is another machine, the round trip to it adds to each sendsms while \`concurrency\` bounds how many overlap, and the callbacks spread over the Worker's isolates.`,
  );
  return lines.join("\n\n");
}

const facts = [
  outcome.relaySkipped === null || r ? `Kannel ${kannelVersion()}` : null,
  `wrangler ${wranglerVersion()}`,
].filter((f) => f !== null);
const notes = [
  ...note(s),
  ...note(r),
  ...(outcome.linkLine ? [`bearerbox's line for the link at the end: \`${outcome.linkLine}\`.`] : []),
  ...(outcome.relaySkipped && !r ? [`The relay was not measured: ${outcome.relaySkipped}.`] : []),
  ...(outcome.missing ? [`Nothing was measured: ${outcome.missing}.`] : []),
];

writeResults(
  import.meta.url,
  `# HTTP relay: accept → delivered through Kannel, side by side with the SMPP connector

SMSC: the repository's simulator (\`tooling/smsc-simulator\`, SMPP 3.4 on 127.0.0.1, in a worker thread of
the bench's Node process), one account both paths bind to, every submit_sm answered at once, one
\`DELIVRD\` receipt per message ${RECEIPT_DELAY_MS} ms after its submit_sm_resp. Gateway: \`wrangler dev\` (production
environment, local D1/queues/Durable Objects in a fresh temporary directory, \`PUBLIC_BASE_URL\` set to its
own \`http://127.0.0.1:<port>\` so the dlr-urls lead back to it), bundle of commit ${codeVersion()}, an sk_live_
key${outcome.keyPrefix ? ` (\`${outcome.keyPrefix}…\`)` : ""}. Two carriers created through \`POST /admin/v1/carriers\`: \`${SMPP}\` (kind \`smpp\`,
straight to the simulator, \`binds: 1\`, \`window: ${WINDOW}\`) and \`${RELAY}\` (kind \`http_relay\`, Kannel's
sendsms URL and user, \`smsc: "${KANNEL_SMSC_ID}"\`, \`timeout_ms: 10000\`, \`concurrency: 10\`). Kannel: bearerbox + smsbox
from Debian as the relay host, one \`smsc = smpp\` link to the same simulator in transceiver mode with
\`max-pending-submits = ${WINDOW}\` and \`allowed-smsc-id\`, a file store, one sendsms-user (config
\`bench/relay/kannel-relay.conf\`). One carrier after the other, switched with \`PUT /admin/v1/routes\` (default
route), each after a probe and a 100-recipient warm-up: ${SENDS} × ${PER_SEND}-recipient \`POST /send\` at once, timed from
D1's stamps (\`sends.created_at\` → \`deliveries.sent_at\` → \`deliveries.updated_at\` of \`delivered\` ones);
loss and repeats from the simulator's records by destination. The same ${TEXT.length}-character GSM-7 text (one
segment) to distinct numbers. Machine: ${machineFacts(facts)}.

Command: \`npx -y pnpm@12.4.2 bench\` (this part alone: \`npx -y pnpm@12.4.2 --filter @lisoloo/bench bench:relay\`).

${mainTable}

${reading()}

Notes:

${notes.map((n) => `- ${n}`).join("\n") || "- none"}

${s || r ? loggedErrorsLine(loggedErrors) : ""}
`,
);
process.exit(0);
