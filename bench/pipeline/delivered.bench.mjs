// Accept → delivered latency through the real local pipeline (`wrangler dev`: queue consumer, sandbox
// carrier, asynchronous receipts), seen by a client polling GET /status and by a webhook receiver,
// plus how long 1000 recipients take to reach a terminal state and how many deliveries per second the
// consumer finishes. Run with `pnpm bench` (this part alone: `pnpm --filter @lisoloo/bench bench:pipeline`).
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { deliveryTimes, openLocalD1 } from "../lib/d1.mjs";
import { readStatus, waitForTerminal } from "../lib/drain.mjs";
import { codeVersion, createBenchKey, recipients, startGateway, wranglerVersion } from "../lib/gateway.mjs";
import { keepAliveAgent, postSend } from "../lib/load.mjs";
import { profileTable, startProfile, topFunctions } from "../lib/profile.mjs";
import { startReceiver } from "../lib/receiver.mjs";
import { loggedErrorsLine, machineFacts, writeResults } from "../lib/report.mjs";
import { int, ms, percentile, summarize, table, verdict } from "../lib/stats.mjs";

const SINGLES = 40;
const THOUSANDS = 5;
const BURST = 10;
const POLL_MS = 20;
const TEXT = "Your Lisoloo code is 482913. Valid 5 min";
const GOALS = { singleP50: { atMost: 1_500 }, thousand: { atMost: 5_000 } };

const gateway = await startGateway();
let loggedErrors = {};
const receiver = await startReceiver();
const agent = keepAliveAgent(BURST);
const rows = {};
const stages = [];
let burst = null;
let profile = null;

function accept(apiKey, to) {
  return postSend(agent, gateway, apiKey, to, TEXT);
}

/** Polls every POLL_MS until the send is all terminal; returns ms from `since` to the poll that saw it. */
async function pollUntilTerminal(apiKey, id, since, seconds) {
  const deadline = since + seconds * 1000;
  for (;;) {
    const status = await readStatus(gateway.api, apiKey, id);
    if (status.pending === 0) return { ms: performance.now() - since, status };
    if (performance.now() > deadline) return null;
    await sleep(POLL_MS);
  }
}

try {
  const polled = await createBenchKey(gateway);
  const hooked = await createBenchKey(gateway, { webhookUrl: receiver.url });
  const db = openLocalD1(gateway);

  console.error("warm-up …");
  for (let i = 0; i < 5; i++) {
    const { id, acceptedAt } = await accept(polled.apiKey, recipients(1));
    await pollUntilTerminal(polled.apiKey, id, acceptedAt, 30);
  }

  console.error("single recipient, polling …");
  const pollLatencies = [];
  const singleIds = [];
  for (let i = 0; i < SINGLES; i++) {
    const { id, acceptedAt } = await accept(polled.apiKey, recipients(1, i));
    const seen = await pollUntilTerminal(polled.apiKey, id, acceptedAt, 30);
    if (seen === null || seen.status.status !== "delivered") throw new Error(`${id} not delivered in 30 s`);
    pollLatencies.push(seen.ms);
    singleIds.push(id);
  }
  rows.poll = summarize(pollLatencies);

  console.error("single recipient, webhook …");
  const hookLatencies = [];
  for (let i = 0; i < SINGLES; i++) {
    const { id, acceptedAt } = await accept(hooked.apiKey, recipients(1, i));
    const arrived = (a) => a.event.message_id === id && a.event.event_type === "sms.delivered";
    if (!(await receiver.waitFor((all) => all.some(arrived), 30)))
      throw new Error(`no sms.delivered for ${id}`);
    const arrival = receiver.arrivals.find(arrived);
    hookLatencies.push((arrival?.perfMs ?? Number.NaN) - acceptedAt);
  }
  rows.hook = summarize(hookLatencies);

  // Server-side stamps of the polled singles: where the time between 201 and delivered went.
  for (const t of deliveryTimes(db, singleIds)) {
    stages.push({
      queue: (t.claimed ?? Number.NaN) - t.accepted,
      submit: (t.submitted ?? Number.NaN) - (t.claimed ?? Number.NaN),
      receipts: t.finished - (t.submitted ?? Number.NaN),
      total: t.finished - t.accepted,
    });
  }

  console.error("1000 recipients …");
  const thousandLatencies = [];
  const thousandServer = [];
  for (let i = 0; i < THOUSANDS; i++) {
    const { id, acceptedAt } = await accept(polled.apiKey, recipients(1000, i * 1000));
    const seen = await pollUntilTerminal(polled.apiKey, id, acceptedAt, 120);
    if (seen === null) throw new Error(`${id}: 1000 recipients not terminal in 120 s`);
    thousandLatencies.push(seen.ms);
    const times = deliveryTimes(db, [id]);
    thousandServer.push(Math.max(...times.map((t) => t.finished)) - (times[0]?.accepted ?? Number.NaN));
  }
  rows.thousand = summarize(thousandLatencies);
  rows.thousandServer = summarize(thousandServer);

  console.error(`burst of ${BURST} × 1000 recipients …`);
  const started = performance.now();
  const accepted = await Promise.all(
    Array.from({ length: BURST }, (_, i) => accept(polled.apiKey, recipients(1000, 100_000 + i * 1000))),
  );
  const acceptedBy = performance.now();
  const took = await waitForTerminal(
    gateway.api,
    polled.apiKey,
    accepted.map((a) => a.id),
    300,
    100,
  );
  const times = deliveryTimes(
    db,
    accepted.map((a) => a.id),
  );
  const firstAccepted = Math.min(...times.map((t) => t.accepted));
  const lastFinished = Math.max(...times.map((t) => t.finished));
  burst = {
    deliveries: times.length,
    acceptSeconds: (acceptedBy - started) / 1000,
    clientSeconds: took === null ? null : (acceptedBy - started) / 1000 + took,
    serverSeconds: (lastFinished - firstAccepted) / 1000,
    queueP50: percentile(
      times.map((t) => (t.claimed ?? Number.NaN) - t.accepted),
      50,
    ),
  };

  console.error("profile …");
  const profiler = await startProfile(gateway);
  const { id, acceptedAt } = await accept(polled.apiKey, recipients(1000, 200_000));
  await pollUntilTerminal(polled.apiKey, id, acceptedAt, 120);
  profile = await profiler.stop();
  db.close();
} finally {
  loggedErrors = gateway.loggedErrors();
  agent.destroy();
  await receiver.close();
  await gateway.stop();
}

const stage = (key) => summarize(stages.map((s) => s[key]));
const latencyRow = (label, r, goal, judged) => [
  label,
  int(r.n),
  ms(r.p50),
  ms(r.p99),
  ms(r.max),
  goal,
  judged === null ? "" : judged,
];
const latencyTable = table(
  ["Measured", "n", "p50 ms", "p99 ms", "max ms", "Goal", ""],
  [
    latencyRow(
      `1 recipient: 201 → \`GET /status\` says \`delivered\` (polled every ${POLL_MS} ms)`,
      rows.poll,
      "p50 ≤ 1.5 s",
      verdict(rows.poll.p50, GOALS.singleP50),
    ),
    latencyRow(
      "1 recipient: 201 → `sms.delivered` webhook received",
      rows.hook,
      "p50 ≤ 1.5 s",
      verdict(rows.hook.p50, GOALS.singleP50),
    ),
    latencyRow(
      "1000 recipients: 201 → `GET /status` says `pending: 0`",
      rows.thousand,
      "≤ 5 s",
      verdict(rows.thousand.max, GOALS.thousand),
    ),
    latencyRow(
      "1000 recipients, server clock: accepted → last receipt applied",
      rows.thousandServer,
      "",
      null,
    ),
  ],
);
const stageTable = table(
  ["Stage of a 1-recipient send (server clock, D1 stamps)", "p50 ms", "p99 ms"],
  [
    [
      "accepted → claimed by the queue consumer (`processing_at`)",
      ms(stage("queue").p50),
      ms(stage("queue").p99),
    ],
    ["claimed → handed to the sandbox carrier (`sent_at`)", ms(stage("submit").p50), ms(stage("submit").p99)],
    [
      "handed over → `delivered` receipt applied (receipt queue hop, `updated_at`)",
      ms(stage("receipts").p50),
      ms(stage("receipts").p99),
    ],
    ["accepted → delivered, total", ms(stage("total").p50), ms(stage("total").p99)],
  ],
);
const burstTable = burst
  ? table(
      [
        "Burst",
        "deliveries",
        "accepted in s",
        "all terminal after s (client)",
        "deliveries/s (client)",
        "server clock s",
        "deliveries/s (server)",
        "p50 accepted → claimed ms",
      ],
      [
        [
          `${BURST} concurrent 1000-recipient sends`,
          int(burst.deliveries),
          burst.acceptSeconds.toFixed(2),
          burst.clientSeconds === null ? "> 300" : burst.clientSeconds.toFixed(1),
          burst.clientSeconds === null ? "–" : int(burst.deliveries / burst.clientSeconds),
          burst.serverSeconds.toFixed(1),
          int(burst.deliveries / burst.serverSeconds),
          ms(burst.queueP50),
        ],
      ],
    )
  : "";

writeResults(
  import.meta.url,
  `# Pipeline: accept → delivered

Gateway: \`wrangler dev\` (sandbox, local D1/queues/Durable Objects in a fresh temporary directory), bundle
of commit ${codeVersion()}; queue consumer \`max_batch_timeout: 0\`, sandbox carrier (receipts through the
queue, as a real carrier's). Machine: ${machineFacts([`wrangler ${wranglerVersion()}`])}. Sends are one at a
time (each starts once the previous one is terminal) unless said. The webhook rows use a second key whose
webhook points at a Node receiver on 127.0.0.1.

Command: \`npx pnpm@12.4.2 bench\` (this part alone: \`npx pnpm@12.4.2 --filter @lisoloo/bench bench:pipeline\`).

${latencyTable}

${stageTable}

## Consumer throughput

${burstTable}

## Where the time goes

${
  profile
    ? `CPU profile of the Worker isolate while one 1000-recipient send went from accept to all delivered:

${profileTable(profile)}

Largest single functions: ${topFunctions(profile)}.`
    : "No profile was taken."
}

${loggedErrorsLine(loggedErrors)}
`,
);
process.exit(0);
