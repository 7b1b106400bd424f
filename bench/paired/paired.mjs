// Two builds of the gateway side by side: both up at once, loaded in turn in short slices of one-recipient
// requests from 64 clients, so that the machine's pace, which moves a lot between runs minutes apart
// (bench/FINDINGS.md), moves both alike. Prints each slice's requests/s, the B/A ratio per slice (the
// median is the figure to read) and every answer that was not the expected one, by status and body.
//
//   npx pnpm@12.4.2 --filter @lisoloo/bench bench:paired
//
// B is the working tree. A is `PAIRED_BASE` (a commit; the working tree must then be clean, since the
// commit is checked out for as long as its bundle takes), or, without it, the working tree with its
// uncommitted changes stashed. Each gateway serves a snapshot of its bundle, so the tree is back as it
// was before the first slice. B runs under other worker and queue names: two `wrangler dev` sessions
// with the same names share wrangler's dev registry.
//
// Settings (environment): PAIRED_BASE, PAIRED_ROUNDS (8; each round one slice of each, in alternating
// order), PAIRED_SECONDS (5 per slice), PAIRED_ROUTE (`send`, `preview`, `health` or `webhooks`),
// PAIRED_B_DISPATCH_BATCH (B's send-queue `max_batch_size`), PAIRED_B_LANES (B's
// `WEBHOOK_DISPATCHER_LANES`; both sides 1 otherwise), PAIRED_B_CONSUMERS=off (B without queue
// consumers: its accepts alone). After a slice of sends, its gateway's pipeline finishes before the
// next slice starts.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { waitForTerminal } from "../lib/drain.mjs";
import { createBenchKey, recipients, startGateway, writeShardConfig } from "../lib/gateway.mjs";
import { closedLoop, keepAliveAgent, postSend } from "../lib/load.mjs";
import { startReceiver } from "../lib/receiver.mjs";
import { intEnv } from "../lib/run.mjs";

const repo = path.resolve(import.meta.dirname, "../..");
const BASE = process.env.PAIRED_BASE;
const ROUNDS = intEnv("PAIRED_ROUNDS", 8);
const SECONDS = intEnv("PAIRED_SECONDS", 5);
const ROUTE = process.env.PAIRED_ROUTE ?? "send";
if (!["send", "preview", "health", "webhooks"].includes(ROUTE))
  throw new Error(`PAIRED_ROUTE: send, preview, health or webhooks`);
/** A 1000-recipient send's events: `sms.queued`, then three per recipient. */
const WEBHOOK_EVENTS = 1 + 3 * 1000;

const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();

/** B's config: the gateway's, under other names, with the settings asked for. */
function configOfB() {
  const config = writeShardConfig(2);
  const text = readFileSync(config.file, "utf8")
    .replaceAll("lisoloo-gateway-", "lisoloo-paired-b-gateway-")
    .replaceAll("lisoloo-send-", "lisoloo-paired-b-send-")
    .replaceAll("lisoloo-receipts-", "lisoloo-paired-b-receipts-");
  const json = JSON.parse(text);
  const queues = json.env.sandbox.queues;
  const batch = process.env.PAIRED_B_DISPATCH_BATCH;
  if (batch !== undefined) queues.consumers[0].max_batch_size = Number(batch);
  if (process.env.PAIRED_B_CONSUMERS === "off") queues.consumers = [];
  writeFileSync(config.file, JSON.stringify(json));
  return config;
}

/** A's gateway, bundled from `PAIRED_BASE` or from the tree without its uncommitted changes. */
async function startA() {
  if (BASE !== undefined) {
    if (git("status", "--porcelain") !== "") throw new Error("PAIRED_BASE needs a clean working tree");
    const branch = git("rev-parse", "--abbrev-ref", "HEAD");
    const back = branch === "HEAD" ? git("rev-parse", "HEAD") : branch;
    git("checkout", "-q", "--detach", BASE);
    try {
      return await startGateway();
    } finally {
      git("checkout", "-q", back);
    }
  }
  if (git("status", "--porcelain") === "") throw new Error("nothing to compare: set PAIRED_BASE");
  git("stash", "push", "-q", "--include-untracked");
  try {
    return await startGateway();
  } finally {
    git("stash", "pop", "-q");
  }
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * One 1000-recipient send through `side`'s gateway; resolves to its events per second, from the
 * accept to the last of its events at the receiver.
 */
async function webhookSlice(side, receiver, offset) {
  const from = receiver.arrivals.length;
  const started = performance.now();
  const { id } = await postSend(side.agent, side.gateway, side.apiKey, recipients(1000, offset), "Your code");
  // Counted as they come (this send's events arrive after `from`): the receiver is on the same machine
  // and filtering every arrival so far on every look would slow the slices as the run goes on.
  let seen = from;
  let count = 0;
  let last = started;
  const done = () => {
    for (; seen < receiver.arrivals.length; seen++) {
      const arrival = receiver.arrivals[seen];
      if (arrival?.event.message_id !== id) continue;
      count += 1;
      last = arrival.perfMs;
    }
    return count >= WEBHOOK_EVENTS;
  };
  if (!(await receiver.waitFor(done, 120)))
    side.refused["events missing after 120 s"] = (side.refused["events missing after 120 s"] ?? 0) + 1;
  return count / ((last - started) / 1000);
}

const configB = configOfB();
const gateways = {};
const receiver = ROUTE === "webhooks" ? await startReceiver() : null;
const sides = {};
try {
  gateways.B = await startGateway({ config: configB.file, webhookLanes: intEnv("PAIRED_B_LANES", 1) });
  gateways.A = await startA();
  for (const [name, gateway] of Object.entries(gateways)) {
    const { apiKey } = await createBenchKey(gateway, receiver ? { webhookUrl: receiver.url } : {});
    const headers = { "app-key": apiKey, "content-type": "application/json" };
    const body = JSON.stringify({ to: recipients(1), message: "Your Lisoloo code is 482913. Valid 5 min" });
    const side = { gateway, apiKey, latest: [], refused: {}, rates: [], agent: keepAliveAgent(2) };
    side.call =
      ROUTE === "health"
        ? () => ({ method: "GET", url: `${gateway.api}/health` })
        : () => ({ method: "POST", url: `${gateway.api}/${ROUTE}`, headers, body });
    side.accept = (answer) => {
      const expected = ROUTE === "send" ? 201 : 200;
      if (answer.status === expected) {
        if (ROUTE === "send") side.latest = [JSON.parse(answer.body).data.message_id];
        return 1;
      }
      const key = `${answer.status} ${String(answer.body).slice(0, 160)}`;
      side.refused[key] = (side.refused[key] ?? 0) + 1;
      return null;
    };
    sides[name] = side;
    if (receiver) {
      for (let i = 0; i < 2; i++) await webhookSlice(side, receiver, 100_000 + i * 1000);
      continue;
    }
    await closedLoop({ clients: 8, seconds: 3, maxRequests: 300, call: side.call, accept: side.accept });
  }
  const drains = (name) => ROUTE === "send" && !(name === "B" && process.env.PAIRED_B_CONSUMERS === "off");
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? ["A", "B"] : ["B", "A"]) {
      const side = sides[name];
      if (receiver) {
        side.rates.push(await webhookSlice(side, receiver, round * 1000));
        continue;
      }
      const result = await closedLoop({
        clients: 64,
        seconds: SECONDS,
        maxRequests: 1_000_000,
        call: side.call,
        accept: side.accept,
      });
      side.rates.push(result.ok / result.seconds);
      if (drains(name)) await waitForTerminal(side.gateway.api, side.apiKey, side.latest, 60);
    }
    console.error(`round ${round + 1} of ${ROUNDS}`);
  }
  const ratios = sides.B.rates.map((b, i) => b / sides.A.rates[i]);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const unit = receiver ? "events/s" : "requests/s";
  console.log(
    `A (${BASE ?? "stashed tree"}) ${unit} per slice: ${sides.A.rates.map((r) => r.toFixed(0)).join(" ")}`,
  );
  console.log(`B (working tree) ${unit} per slice: ${sides.B.rates.map((r) => r.toFixed(0)).join(" ")}`);
  console.log(`B ÷ A per round: ${ratios.map((r) => r.toFixed(3)).join(" ")}`);
  console.log(
    `median ${median(ratios).toFixed(3)}, sums ${(sum(sides.B.rates) / sum(sides.A.rates)).toFixed(3)}`,
  );
  for (const name of ["A", "B"]) {
    const refused = Object.entries(sides[name].refused);
    console.log(`${name}: ${refused.length === 0 ? "every answer as expected" : "unexpected answers:"}`);
    for (const [key, count] of refused) console.log(`  ${count} × ${key}`);
  }
} finally {
  await gateways.A?.stop();
  await gateways.B?.stop();
  for (const side of Object.values(sides)) side.agent.destroy();
  await receiver?.close();
  configB.remove();
}
