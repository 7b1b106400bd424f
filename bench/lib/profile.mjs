// Where the Worker's time goes: a V8 CPU profile of the gateway's isolate, taken through the DevTools
// inspector `wrangler dev` exposes, with bundle frames mapped back to their source files.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";

/**
 * @typedef {object} ProfileGroup
 * @property {string} name
 * @property {number} ms self time sampled in this group
 * @property {number} share of all sampled time, 0–1
 */

/**
 * Connects to the Worker's inspector and starts sampling (every 250 µs).
 *
 * @param {{ inspectorPort: number, stateDir: string }} gateway
 * @returns {Promise<{ stop: () => Promise<{ totalMs: number, groups: ProfileGroup[], functions: ProfileGroup[] }> }>}
 */
export async function startProfile(gateway) {
  // The inspector refuses upgrades without an Origin header.
  const ws = new WebSocket(`ws://127.0.0.1:${gateway.inspectorPort}/ws`, {
    headers: { origin: "http://127.0.0.1" },
  });
  const waiting = new Map();
  let next = 0;
  ws.addEventListener("message", (message) => {
    const reply = JSON.parse(String(message.data));
    const done = waiting.get(reply.id);
    if (!done) return;
    waiting.delete(reply.id);
    if (reply.error) done.reject(new Error(JSON.stringify(reply.error)));
    else done.resolve(reply.result);
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("Cannot reach the Worker inspector")), {
      once: true,
    });
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 250 });
  await call("Profiler.start");
  return {
    async stop() {
      const { profile } = /** @type {{ profile: any }} */ (await call("Profiler.stop"));
      ws.close();
      return summarizeProfile(profile, loadSourceMap(gateway));
    },
  };
}

function loadSourceMap(gateway) {
  try {
    return new SourceMap(
      JSON.parse(readFileSync(path.join(gateway.stateDir, "dist", "index.js.map"), "utf8")),
    );
  } catch {
    return null;
  }
}

/** The package (or gateway/protocol source file) a bundled source path belongs to. */
function ownerOf(source) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(source);
  if (pkg) return pkg[1] ?? source;
  const gateway = /apps\/gateway\/(src\/.+)$/.exec(source);
  if (gateway) return `gateway ${gateway[1]}`;
  const protocol = /packages\/protocol\/(?:src|dist)\/(.+)$/.exec(source);
  if (protocol) return `@lisoloo/protocol ${protocol[1]}`;
  return `other (${source})`;
}

function frameGroup(frame, map) {
  const fn = frame.functionName || "(anonymous)";
  if (fn === "(idle)") return { group: "idle (awaiting D1, Durable Objects, queue)", label: fn };
  if (fn === "(program)" || fn === "(garbage collector)") return { group: "runtime and GC", label: fn };
  if (frame.url.startsWith("cloudflare-internal:d1-api"))
    return { group: "D1 client binding (cloudflare-internal:d1-api)", label: `${fn} (d1-api)` };
  if (frame.url.startsWith("cloudflare-internal:"))
    return { group: frame.url.split(":")[1] ?? frame.url, label: `${fn} (${frame.url})` };
  if (frame.url === "") return { group: "runtime built-ins (fetch, URL, Headers, crypto…)", label: fn };
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  const source = entry && "originalSource" in entry ? entry.originalSource : frame.url;
  const owner = ownerOf(source);
  return { group: owner, label: `${fn} (${owner})` };
}

function summarizeProfile(profile, map) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map();
  profile.samples.forEach((id, i) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const node = nodes.get(id);
    if (!node) continue;
    const { group, label } = frameGroup(node.callFrame, map);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    functions.set(label, (functions.get(label) ?? 0) + micros);
    total += micros;
  }
  const rank = (m) =>
    [...m]
      .map(([name, micros]) => ({ name, ms: micros / 1000, share: total === 0 ? 0 : micros / total }))
      .sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, groups: rank(groups), functions: rank(functions) };
}

/**
 * A markdown table of the largest groups of a profile summary, then the rest in one row.
 *
 * @param {{ totalMs: number, groups: ProfileGroup[] }} summary
 */
export function profileTable(summary, top = 8) {
  const shown = summary.groups.slice(0, top);
  const rest = summary.groups.slice(top).reduce((sum, g) => sum + g.ms, 0);
  const rows = shown.map(
    (g) => `| ${g.name} | ${Math.round(g.ms).toLocaleString("en-US")} | ${(g.share * 100).toFixed(1)} % |`,
  );
  if (rest > 0)
    rows.push(
      `| everything else | ${Math.round(rest).toLocaleString("en-US")} | ${((rest / summary.totalMs) * 100).toFixed(1)} % |`,
    );
  return ["| Where the Worker isolate's time went | ms | share |", "|---|---:|---:|", ...rows].join("\n");
}

/** "name 24.5 %, name 19.5 %, …" for the largest single functions, idle excluded. */
export function topFunctions(summary, top = 6) {
  return summary.functions
    .filter((f) => f.name !== "(idle)")
    .slice(0, top)
    .map((f) => `\`${f.name}\` ${(f.share * 100).toFixed(1)} %`)
    .join(", ");
}
