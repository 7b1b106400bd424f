// Capacity: what one delivered SMS costs in D1 (bytes stored, rows written, queries) by sending type
// and segment count, and what one shard versus two sustains, on the real local gateway (`wrangler
// dev`, sandbox carrier). The figures docs/CAPACITY.md builds its model on.
//
// RUN IT (from the repository root; writes bench/capacity/RESULTS.md):
//
//   npx -y pnpm@12.4.2 --filter @lisoloo/bench bench:capacity   # this bench alone
//   npx -y pnpm@12.4.2 bench                                    # every bench, then bench/RESULTS.md
//
// PART 1, per delivered recipient: a gateway started with `--var LOG_D1_QUERIES:true` (the Worker then
// counts every D1 statement and logs `d1.queries` lines, apps/gateway/src/observability/d1-queries.ts)
// and wrangler's log level `log`. For each sending type (immediate GSM-7 1 and 3 segments, UCS-2 2
// segments, scheduled, recurring × 3 dispatches, all CAPACITY_RECIPIENTS recipients in one request;
// CAPACITY_SINGLES sends of one recipient; one send from a key without a webhook URL), a fresh
// merchant whose key's webhook points at a Node receiver on 127.0.0.1 sends sandbox numbers (+24399…,
// all delivered); scheduled and recurring dispatches are released by calling the cron handler at
// their due time. Once every delivery is final and every webhook event delivered (and the receiver
// has it), the bench reads the local D1 files (SQLite `dbstat`: pages per table and index, record
// bytes, row counts) and sums the `d1.queries` lines and wrangler's `QUEUE` lines (the send queue's
// and the receipt queue's), before and after; the difference divided by the deliveries is the cost
// per delivered recipient. An idle cron run is measured first and taken off once per cron run the
// scheduled types needed. Last, CAPACITY_BURST_SENDS
// scheduled 1-recipient sends due at the same moment are released together: the largest queue batches,
// read against D1's 1000-queries-per-invocation limit (each line says its own invocation's queries).
//
// PART 2, one shard versus two, CAPACITY_ROUNDS times, alternating which goes first: a gateway whose
// wrangler config (derived from apps/gateway/wrangler.jsonc, under apps/gateway/.wrangler/) has
// `DIRECTORY` + `DB_0`, and one with `DIRECTORY` + `DB_0` + `DB_1`, no query counting. Each gets
// CAPACITY_MERCHANTS merchants (new merchants go to the shard with the fewest, so two shards split
// them evenly), then: 10 × 1000-recipient sends at once → all final (deliveries/s, server clock);
// 64 clients sending 1-recipient requests for CAPACITY_SECONDS (then drained); 64 clients sending
// 1000-recipient requests for CAPACITY_SECONDS (its backlog is dropped with the gateway). In round 1,
// the two-shard gateway also gets CPU profiles: one 1000-recipient send, then 200 1-recipient sends,
// each with a webhook, from accept to the last webhook event received.
//
// The whole run stops after 15 minutes whatever happens.
import { readFileSync } from "node:fs";
import { codeVersion, startGateway, wranglerVersion, writeShardConfig } from "../lib/gateway.mjs";
import { startReceiver } from "../lib/receiver.mjs";
import { loggedErrorsLine, machineFacts, writeResults } from "../lib/report.mjs";
import { guardRun, intEnv } from "../lib/run.mjs";
import { int, ms, ratio, table } from "../lib/stats.mjs";
import { invocationStats } from "./measure.mjs";
import { measureBurst, measureIdleCron, measureSendingType, sendingTypes } from "./per-recipient.mjs";
import { measureThroughput } from "./throughput.mjs";

const RECIPIENTS = intEnv("CAPACITY_RECIPIENTS", 1000);
const SINGLES = intEnv("CAPACITY_SINGLES", 500);
const BURST_SENDS = intEnv("CAPACITY_BURST_SENDS", 400);
const ROUNDS = intEnv("CAPACITY_ROUNDS", 2);
const SECONDS = intEnv("CAPACITY_SECONDS", 8);
const MERCHANTS = intEnv("CAPACITY_MERCHANTS", 4);
const CLIENTS = 64;
const BURST = 10;
const PER_SEND = 1000;

const gatewaySource = (file) => readFileSync(new URL(`../../apps/gateway/${file}`, import.meta.url), "utf8");
/**
 * The `max_batch_size` of the send and receipt queues' consumers in the sandbox deployment (wrangler.jsonc,
 * comments are whole lines). The send queue's batches (dispatch chunks) are the costly ones, so a full
 * batch is scaled to its size; the receipt queue's is reported beside it.
 */
const [MAX_BATCH, RECEIPT_BATCH] = (() => {
  const config = JSON.parse(
    gatewaySource("wrangler.jsonc")
      .split("\n")
      .filter((line) => !line.trim().startsWith("//"))
      .join("\n"),
  );
  const sandbox = config.env.sandbox;
  return ["SEND_QUEUE", "RECEIPT_QUEUE"].map((binding) => {
    const queue = sandbox.queues.producers.find((p) => p.binding === binding)?.queue;
    const size = sandbox.queues.consumers.find((c) => c.queue === queue)?.max_batch_size;
    if (typeof size !== "number") throw new Error(`wrangler.jsonc: no max_batch_size for ${binding}'s queue`);
    return size;
  });
})();
/** Dispatches one cron run releases per shard (apps/gateway/src/cron/release-dispatches.ts). */
const RELEASE_LIMIT = Number(
  /export const RELEASE_LIMIT = ([\d_]+);/
    .exec(gatewaySource("src/cron/release-dispatches.ts"))?.[1]
    ?.replaceAll("_", "") ?? Number.NaN,
);

const run = guardRun(15 * 60);
const started = Date.now();
const loggedErrors = {};
const addErrors = (counts) => {
  for (const [event, n] of Object.entries(counts)) loggedErrors[event] = (loggedErrors[event] ?? 0) + n;
};

// ---- Part 1: per delivered recipient ------------------------------------------------------------
const receiver = await startReceiver();
run.cleanups.push(() => receiver.close());
let idleCron;
let burst;
const perType = [];
let databases = [];
{
  console.error("per-recipient costs: starting a gateway that counts D1 queries …");
  const gateway = await startGateway({ logLevel: "log", vars: () => ({ LOG_D1_QUERIES: "true" }) });
  run.cleanups.push(gateway.stop);
  databases = gateway.databases;
  try {
    idleCron = await measureIdleCron(gateway);
    for (const type of sendingTypes) {
      const count = type.perRequest === 1 ? SINGLES : RECIPIENTS;
      console.error(`  ${type.label} × ${count} …`);
      perType.push(await measureSendingType(gateway, receiver, type, count, idleCron));
    }
    console.error(`  ${BURST_SENDS} scheduled 1-recipient sends released at once …`);
    burst = await measureBurst(gateway, receiver, BURST_SENDS);
  } finally {
    addErrors(gateway.loggedErrors());
    await gateway.stop();
    run.cleanups.pop();
  }
}

// ---- Part 2: one shard versus two ---------------------------------------------------------------
/** @type {{ round: number, shards: number, result: Awaited<ReturnType<typeof measureThroughput>> }[]} */
const throughput = [];
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 === 1 ? [1, 2] : [2, 1];
  for (const shards of order) {
    console.error(`throughput, round ${round}: ${shards} shard${shards === 1 ? "" : "s"} …`);
    const config = writeShardConfig(shards);
    run.cleanups.push(config.remove);
    const gateway = await startGateway({ config: config.file });
    run.cleanups.push(gateway.stop);
    try {
      const result = await measureThroughput(gateway, {
        merchants: MERCHANTS,
        clients: CLIENTS,
        seconds: SECONDS,
        burst: BURST,
        perSend: PER_SEND,
        singles: 200,
        profileWith: round === 1 && shards === 2 ? receiver : undefined,
      });
      throughput.push({ round, shards, result });
    } finally {
      addErrors(gateway.loggedErrors());
      await gateway.stop();
      config.remove();
      run.cleanups.splice(-2);
    }
  }
}
await run.cleanUp();
run.done();

// ---- Report -------------------------------------------------------------------------------------
const per = (value, r) => value / r.delivered;
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const bytes = (value) => int(value);

const costTable = table(
  [
    "Sending type",
    "deliveries",
    "D1 bytes",
    "record bytes",
    "rows stored",
    "D1 queries",
    "D1 round trips",
    "rows written (D1)",
    "rows read (D1)",
    "queue messages",
    "webhook events",
  ],
  perType.map((r) => [
    r.type.label,
    `${int(r.delivered)}${r.dispatches > 1 ? ` (${int(r.recipients)} × ${r.dispatches} dispatches)` : ""}${r.requests > 1 ? ` (${int(r.requests)} requests)` : ""}`,
    bytes(per(r.storage.bytes, r)),
    bytes(per(r.storage.payload, r)),
    fixed(per(r.storage.rows, r), 2),
    fixed(per(r.counts.queries, r), 3),
    fixed(per(r.counts.calls, r), 3),
    fixed(per(r.counts.rowsWritten, r), 2),
    fixed(per(r.counts.rowsRead, r), 1),
    fixed(per(r.counts.queueMessages, r), 3),
    fixed(per(r.webhookEvents, r), 2),
  ]),
);

// Tables that moved by less than a byte or a hundredth of a row per recipient in every type are noise
// (a key's last-used stamp, a page reused).
const tableNames = [...new Set(perType.flatMap((r) => Object.keys(r.storage.tables)))]
  .filter((name) =>
    perType.some((r) => {
      const t = r.storage.tables[name];
      return t !== undefined && (Math.abs(per(t.bytes, r)) >= 1 || Math.abs(per(t.rows, r)) >= 0.005);
    }),
  )
  .sort((a, b) => (perType[0]?.storage.tables[b]?.bytes ?? 0) - (perType[0]?.storage.tables[a]?.bytes ?? 0));
const byTable = (key, format) =>
  table(
    ["Table (with its indexes)", ...perType.map((r) => r.type.key)],
    tableNames.map((name) => [
      `\`${name}\``,
      ...perType.map((r) => {
        const t = r.storage.tables[name];
        return t ? format(per(t[key], r)) : "0";
      }),
    ]),
  );

const detailTable = table(
  [
    "Sending type",
    "D1 file growth bytes",
    "calls without meta",
    "queries flushed by fetch / queue / scheduled / idle",
    "queue consumer batches",
    "cron runs (idle run taken off)",
    "accept → last webhook s",
  ],
  perType.map((r) => [
    r.type.key,
    bytes(per(r.storage.fileBytes, r)),
    fixed(per(r.counts.withoutMeta, r), 3),
    ["fetch", "queue", "scheduled", "idle"]
      .map((s) => fixed(per(r.counts.bySource[s] ?? 0, r), 3))
      .join(" / "),
    fixed(per(r.counts.queueBatches, r), 3),
    int(r.cronRuns),
    r.seconds.toFixed(1),
  ]),
);

const invocationRows = (label, stats) =>
  ["fetch", "queue", "scheduled"]
    .filter((source) => stats[source])
    .map((source) => {
      const st = stats[source];
      return [
        `${label}: ${source === "fetch" ? "requests" : source === "queue" ? "queue batches" : "cron runs"}`,
        int(st.n),
        fixed(st.mean),
        int(st.max),
        st.maxBatch === null ? "" : int(st.maxBatch),
        st.perMessage === null ? "" : fixed(st.perMessage, 2),
        st.perMessage === null ? "" : int(st.perMessage * MAX_BATCH),
      ];
    });
const invocationTable = table(
  [
    "Invocations",
    "n",
    "mean queries",
    "max queries",
    "largest batch",
    "queries per message",
    `× ${MAX_BATCH} messages`,
  ],
  [
    ...invocationRows(
      `${int(RECIPIENTS)}-recipient sends (the types above)`,
      invocationStats(perType.filter((r) => r.requests === 1).flatMap((r) => r.counts.invocations)),
    ),
    ...invocationRows(
      "1-recipient sends",
      invocationStats(perType.filter((r) => r.requests > 1).flatMap((r) => r.counts.invocations)),
    ),
    ...invocationRows(
      `burst of ${int(BURST_SENDS)} scheduled 1-recipient sends`,
      invocationStats(burst.invocations),
    ),
  ],
);

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const of = (shards, pick) => throughput.filter((t) => t.shards === shards).map((t) => pick(t.result));
const metrics = [
  ["`POST /send`, 1 recipient, 64 clients: requests/s", (r) => r.acceptOne.perSecond],
  ["`POST /send`, 1 recipient: p99 ms", (r) => r.acceptOne.p99],
  ["`POST /send`, 1000 recipients, 64 clients: recipients/s", (r) => r.acceptThousand.recipientsPerSecond],
  ["`POST /send`, 1000 recipients: p99 ms", (r) => r.acceptThousand.p99],
  [
    `${BURST} × 1000 recipients → all final: deliveries/s (server clock)`,
    (r) => r.pipeline.deliveries / r.pipeline.serverSeconds,
  ],
  [
    `${BURST} × 1000 recipients → all final: deliveries/s (client)`,
    (r) =>
      r.pipeline.clientSeconds === null ? Number.NaN : r.pipeline.deliveries / r.pipeline.clientSeconds,
  ],
];
const shardTable = table(
  [
    "Measured",
    ...Array.from({ length: ROUNDS }, (_, i) => [
      `1 shard, round ${i + 1}`,
      `2 shards, round ${i + 1}`,
    ]).flat(),
    "mean 1 shard",
    "mean 2 shards",
    "two ÷ one",
  ],
  metrics.map(([label, pick]) => {
    const one = of(1, pick);
    const two = of(2, pick);
    const cells = one.flatMap((v, i) => [v, two[i] ?? Number.NaN]);
    const format = (v) => (label.includes("p99") ? ms(v) : int(v));
    return [label, ...cells.map(format), format(mean(one)), format(mean(two)), ratio(mean(two), mean(one))];
  }),
);
const placementLine = throughput
  .map(
    (t) =>
      `round ${t.round}, ${t.shards} shard${t.shards === 1 ? "" : "s"}: ${Object.entries(t.result.placement)
        .map(([shard, n]) => `${n} on ${shard}`)
        .join(", ")}`,
  )
  .join("; ");
const refusals = throughput.flatMap((t) =>
  [
    ["1 recipient", t.result.acceptOne],
    ["1000 recipients", t.result.acceptThousand],
  ]
    .filter(([, a]) => a.refused > 0)
    .map(
      ([what, a]) => `round ${t.round}, ${t.shards} shard(s), ${what}: ${a.refused} refused (${a.sample})`,
    ),
);
const undelivered = throughput.filter((t) => t.result.pipeline.delivered !== t.result.pipeline.deliveries);
const profiled = throughput.find((t) => t.result.profile !== null)?.result.profile ?? null;

writeResults(
  import.meta.url,
  `# Capacity: cost per delivered SMS, one shard versus two

Gateway: \`wrangler dev\` (sandbox, local D1/queues/Durable Objects in a fresh temporary directory), bundle
of commit ${codeVersion()}; databases ${databases.map((d) => `\`${d}\``).join(", ")} unless said.
Machine: ${machineFacts([`wrangler ${wranglerVersion()}`])}. The run took ${Math.round((Date.now() - started) / 60_000)} min.

Command: \`npx pnpm@12.4.2 bench\` (this part alone: \`npx pnpm@12.4.2 --filter @lisoloo/bench bench:capacity\`).

## Per delivered recipient, by sending type

${int(RECIPIENTS)} recipients per send (the 1-recipient row: ${int(SINGLES)} sends of one, 4 in flight), each
delivered; the key has a webhook (a Node receiver on 127.0.0.1) except in the last row, so receipts,
webhook events and their delivery attempts are included. Measured between two
quiet moments: **D1 bytes** is the growth of the pages the tables and their indexes occupy (SQLite
\`dbstat\`, summed over the directory and both shards: what D1 bills as storage, before any archive
moves rows), **record bytes** the growth of the records themselves, **rows stored** the growth of the
row counts. **D1 queries** counts each statement once, alone or inside a batch (as D1 counts them
against its 1000-per-invocation limit); **round trips** counts a batch once; **rows written/read** are
D1's own \`meta.rows_written\`/\`meta.rows_read\` (the billing units; index entries count as written
rows), from every call but those through \`first()\`/\`raw()\`, which return no meta (see below).
**Queue messages** are those wrangler logged consumed (dispatch chunks from the send queue, receipt
batches from the receipt queue).
Scheduled and recurring dispatches were released by calling the cron handler at their due time; the
cost of an idle cron run (below) is taken off once per run.

${costTable}

### D1 bytes per delivered recipient, by table

${byTable("bytes", (v) => bytes(v))}

### Rows stored per delivered recipient, by table

${byTable("rows", (v) => fixed(v, 2))}

### Also measured

${detailTable}

"Calls without meta" go through \`first()\` or \`raw()\` (drizzle's selects): their rows read (and any
rows written) are not in the rows columns above, so those are lower bounds. "Queries flushed by" says
which kind of invocation wrote the count line: a Worker request, a queue batch, a cron run, or a
Durable Object (or a request's \`waitUntil\` tail) a second after its last query.

### D1 queries per Worker invocation (the limit is 1000)

${invocationTable}

Each Worker invocation's own queries on the shard databases, its \`waitUntil\` work included (the
directory's few lookups, mostly cached, are not in it). Requests that ran no shard query (\`/health\`)
are left out. The last rows are ${int(BURST_SENDS)} scheduled 1-recipient sends due at the same moment and
released by ${burst.cronRuns} cron run${burst.cronRuns === 1 ? "" : "s"} (at most ${int(RELEASE_LIMIT)} dispatches a shard each), the largest queue batches this setup
produces; "× ${MAX_BATCH} messages" scales the measured queries per message to a full batch
(\`max_batch_size: ${MAX_BATCH}\` for the send queue in apps/gateway/wrangler.jsonc; ${RECEIPT_BATCH} for the receipt
queue, whose messages cost far less), an extrapolation, not a measurement.

### Fixed cost: one cron run with nothing due

${table(
  [
    "Cron run (every minute, all jobs on every shard)",
    "D1 queries",
    "round trips",
    "rows read",
    "rows written",
  ],
  [
    [
      `mean of ${idleCron.runs} runs, ${databases.length - 1} shards`,
      fixed(idleCron.queries),
      fixed(idleCron.calls),
      fixed(idleCron.rowsRead),
      fixed(idleCron.rowsWritten),
    ],
  ],
)}

## One shard versus two

${ROUNDS} round${ROUNDS === 1 ? "" : "s"}, each starting a gateway with only \`DB_0\` and one with \`DB_0\` and \`DB_1\` (odd
rounds one shard first, even rounds two first), with ${MERCHANTS} merchants each (${placementLine}).
No query counting, wrangler's log level \`warn\`. ${CLIENTS} keep-alive clients, ${SECONDS} s per accept phase,
requests round robin over the merchants.

${shardTable}

**What this does and does not show.** Locally every D1 database is a SQLite file served by the same
workerd process that also runs the Worker, the queue consumer and the Durable Objects, on a
${machineFacts().split(",")[0]} machine shared with the load generator. A second shard adds a second file, not
a second database server, so the ratio measures the overhead (or saving) of splitting the same work
over two files, not the throughput a second D1 database adds in production, where each database is its
own single-threaded instance and shards work in parallel. A ratio near 1× is what this setup can show.

${undelivered.length > 0 ? `Not every burst delivery ended \`delivered\`: ${undelivered.map((t) => `round ${t.round}, ${t.shards} shard(s): ${t.result.pipeline.delivered} of ${t.result.pipeline.deliveries}`).join("; ")}.\n\n` : ""}${refusals.length > 0 ? `Refused requests: ${refusals.join("; ")}.\n\n` : ""}${throughput
  .flatMap((t) => t.result.notes.map((n) => `Round ${t.round}, ${t.shards} shard(s): ${n}.`))
  .join(" ")}

## CPU time per delivered recipient

${
  profiled
    ? `CPU profile of the Worker isolate (V8 sampling every 250 µs through the inspector; round 1, two shards,
no query counting) from the first accept until the last webhook event was received, for a key with a
webhook. The Durable Objects run in the same isolate locally, so the webhook dispatcher's work is in
it; the local D1 binding's client side is too, its SQLite work is not.

${table(
  ["Sends", "deliveries", "webhook events", "isolate ms not idle", "ms per delivered recipient"],
  [
    [
      `1 send of ${int(profiled.bulk.recipients)} recipients`,
      int(profiled.bulk.recipients),
      int(profiled.bulk.events),
      int(profiled.bulk.busyMs),
      fixed(profiled.bulk.busyMs / profiled.bulk.recipients, 2),
    ],
    [
      `${int(profiled.single.sends)} sends of 1 recipient, 4 in flight`,
      int(profiled.single.recipients),
      int(profiled.single.events),
      int(profiled.single.busyMs),
      fixed(profiled.single.busyMs / profiled.single.recipients, 2),
    ],
  ],
)}

Where the time went, 1000-recipient send:

${profiled.bulk.table}

Where the time went, 1-recipient sends:

${profiled.single.table}`
    : "No profile was taken."
}

${loggedErrorsLine(loggedErrors)}
`,
);
process.exit(0);
