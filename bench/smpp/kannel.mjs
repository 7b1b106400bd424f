// Kannel (Debian `kannel` 1.4.5) as the SMPP bench's peer: bearerbox bound to the SMSC simulator as an
// SMPP transceiver, smsbox serving sendsms, delivery reports through each message's dlr-url. Each box
// runs in a process group of its own, so stopping it leaves nothing behind.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../lib/gateway.mjs";

const BEARERBOX = "/usr/sbin/bearerbox";
const SMSBOX = "/usr/sbin/smsbox";

/** Process groups of the boxes still running: killed outright if the bench exits without stopping them. */
const liveGroups = new Set();
process.on("exit", () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
});

/** How to get Kannel on a Debian machine; the bench never installs anything itself. */
export const KANNEL_INSTALL = "sudo apt-get update && sudo apt-get install -y kannel kannel-extras";

/** Null when bearerbox and smsbox are installed, else what is missing and how to install it. */
export function kannelProblem() {
  const missing = [BEARERBOX, SMSBOX].filter((file) => !existsSync(file));
  if (missing.length === 0) return null;
  return `Kannel is not installed (${missing.join(", ")} missing): install it with \`${KANNEL_INSTALL}\``;
}

/** Kannel's version, for the report ("1.4.5"). */
export function kannelVersion() {
  let out;
  try {
    out = execFileSync(BEARERBOX, ["--version"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
  } catch (error) {
    // bearerbox prints its version and exits non-zero.
    out = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  }
  return /version `([^']+)'/.exec(out)?.[1] ?? "unknown";
}

/**
 * @typedef {object} KannelSmpp
 * @property {(to: string, text: string, dlrUrl: string) => string} sendsmsUrl a sendsms GET URL asking
 *   for every delivery report (`dlr-mask=31`) at `dlrUrl` (Kannel's escapes, e.g. `%d`, are kept)
 * @property {string} sendsmsBase the sendsms endpoint, `http://127.0.0.1:<port>/cgi-bin/sendsms`
 * @property {() => Promise<string>} status bearerbox's `status.txt`
 * @property {() => string} logTail the last lines of every log, for an error message
 * @property {() => Promise<void>} stop
 */

/**
 * Starts bearerbox (bound to the SMSC at 127.0.0.1:`smsc.port` as a transceiver with `window`
 * outstanding submits at most), then smsbox, and waits until the link is online and sendsms answers.
 * `conf` is the config template (bench/smpp/kannel-smpp.conf by default), `values` more @…@
 * placeholders to fill in it.
 *
 * @param {{ smsc: { port: number, systemId: string, password: string }, window: number, store: boolean,
 *   conf?: URL, values?: Record<string, string | number> }} options
 * @returns {Promise<KannelSmpp>}
 */
export async function startKannelSmpp(options) {
  const dir = mkdtempSync(path.join(tmpdir(), "lisoloo-bench-kannel-smpp-"));
  const ports = {
    ADMIN_PORT: await freePort(),
    SMSBOX_PORT: await freePort(),
    SENDSMS_PORT: await freePort(),
  };
  const values = {
    ...ports,
    SMPP_PORT: options.smsc.port,
    SYSTEM_ID: options.smsc.systemId,
    PASSWORD: options.smsc.password,
    WINDOW: options.window,
    STATE_DIR: dir,
    STORE: options.store ? `store-type = file\nstore-location = "${dir}/kannel.store"` : "",
    ...options.values,
  };
  let conf = readFileSync(options.conf ?? new URL("./kannel-smpp.conf", import.meta.url), "utf8");
  for (const [name, value] of Object.entries(values)) conf = conf.replaceAll(`@${name}@`, String(value));
  const confFile = path.join(dir, "kannel.conf");
  writeFileSync(confFile, conf);
  const consoleLog = path.join(dir, "console.log");
  const out = openSync(consoleLog, "a");

  /** @type {import("node:child_process").ChildProcess[]} */
  const children = [];
  const running = (child) => child.exitCode === null && child.signalCode === null;
  const start = (file) => {
    // -v 4: errors only on the console, as in the config's log files. Own process group (detached).
    const child = spawn(file, ["-v", "4", confFile], { stdio: ["ignore", out, out], detached: true });
    child.on("error", () => {});
    if (child.pid !== undefined) {
      const pid = child.pid;
      liveGroups.add(pid);
      child.once("exit", () => liveGroups.delete(pid));
    }
    children.push(child);
    return child;
  };
  const signalGroup = (child, signal) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {}
  };
  const logTail = () =>
    ["console.log", "bearerbox.log", "smsbox.log", "smsc-sim.log"]
      .map((name) => {
        const file = path.join(dir, name);
        if (!existsSync(file)) return "";
        return `--- ${name} ---\n${readFileSync(file, "utf8").split("\n").slice(-15).join("\n")}`;
      })
      .join("\n");
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // smsbox first, then bearerbox (which unbinds from the SMSC).
    for (const child of [...children].reverse()) signalGroup(child, "SIGTERM");
    for (let i = 0; i < 50 && children.some(running); i++) await sleep(100);
    for (const child of children) if (running(child)) signalGroup(child, "SIGKILL");
    for (let i = 0; i < 20 && children.some(running); i++) await sleep(100);
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  };
  const adminUrl = `http://127.0.0.1:${ports.ADMIN_PORT}/status.txt?password=bench`;
  const status = async () => (await fetch(adminUrl, { signal: AbortSignal.timeout(5_000) })).text();

  const waitUntil = async (what, seconds, check) => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      try {
        if (await check()) return;
      } catch {}
      if (children.some((child) => !running(child))) {
        const error = new Error(`Kannel exited while waiting for ${what}\n${logTail()}`);
        await stop();
        throw error;
      }
      if (Date.now() > deadline) {
        const error = new Error(`Kannel: no ${what} within ${seconds} s\n${logTail()}`);
        await stop();
        throw error;
      }
      await sleep(100);
    }
  };

  start(BEARERBOX);
  await waitUntil("bearerbox admin status", 20, async () => /Status: running/.test(await status()));
  start(SMSBOX);
  await waitUntil("online SMPP link and sendsms", 30, async () => {
    const text = await status();
    // "    sim[sim]    SMPP:127.0.0.1:…:lisoloo: (online 3s, …" and smsbox among the box connections.
    if (!/^\s*sim(\[sim\])?\s+SMPP:[^\n]*\(online/m.test(text) || !/^\s*smsbox:/m.test(text)) return false;
    // Without credentials sendsms refuses at once: it answers, so smsbox is connected and listening.
    const res = await fetch(`http://127.0.0.1:${ports.SENDSMS_PORT}/cgi-bin/sendsms`, {
      signal: AbortSignal.timeout(2_000),
    });
    await res.arrayBuffer();
    return true;
  });

  const sendsmsUrl = (to, text, dlrUrl) =>
    `http://127.0.0.1:${ports.SENDSMS_PORT}/cgi-bin/sendsms?username=bench&password=bench&from=LISOLOO` +
    `&to=${encodeURIComponent(to)}&text=${encodeURIComponent(text)}` +
    `&dlr-mask=31&dlr-url=${encodeURIComponent(dlrUrl)}`;
  const sendsmsBase = `http://127.0.0.1:${ports.SENDSMS_PORT}/cgi-bin/sendsms`;
  return { sendsmsUrl, sendsmsBase, status, logTail, stop };
}
