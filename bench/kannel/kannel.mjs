// Kannel (Debian `kannel` + `kannel-extras` for test/fakesmsc) as the accept bench's peer: bearerbox
// with a fake SMSC, smsbox with the HTTP sendsms interface, and fakesmsc swallowing what is sent.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../lib/gateway.mjs";

const BEARERBOX = "/usr/sbin/bearerbox";
const SMSBOX = "/usr/sbin/smsbox";
const FAKESMSC = "/usr/lib/kannel/test/fakesmsc";

function installed() {
  return [BEARERBOX, SMSBOX, FAKESMSC].every((file) => existsSync(file));
}

/**
 * Makes sure bearerbox, smsbox and fakesmsc are there, installing the Debian packages when running as
 * root (set LISOLOO_BENCH_NO_INSTALL=1 to forbid that). Returns null when ready, else why not.
 */
export function ensureKannel() {
  if (installed()) return null;
  if (process.env.LISOLOO_BENCH_NO_INSTALL === "1")
    return "Kannel is not installed (LISOLOO_BENCH_NO_INSTALL=1)";
  if (process.getuid?.() !== 0) return "Kannel is not installed and installing it needs root (apt-get)";
  const apt = (args) =>
    execFileSync("apt-get", args, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  try {
    console.error("Installing kannel and kannel-extras with apt-get …");
    apt(["update"]);
    apt(["install", "-y", "--no-install-recommends", "kannel", "kannel-extras"]);
  } catch (error) {
    return `apt-get install kannel kannel-extras failed: ${String(error)}`;
  }
  return installed() ? null : "apt-get ran but bearerbox, smsbox or fakesmsc is still missing";
}

/** Kannel's version line, for the report. */
export function kannelVersion() {
  try {
    const out = execFileSync(BEARERBOX, ["--version"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    return /version `([^']+)'/.exec(out)?.[1] ?? "unknown";
  } catch (error) {
    // bearerbox prints its version and exits non-zero.
    const out = `${error.stdout ?? ""}${error.stderr ?? ""}`;
    return /version `([^']+)'/.exec(out)?.[1] ?? "unknown";
  }
}

/**
 * @typedef {object} Kannel
 * @property {(to: string, text: string) => string} sendsmsUrl
 * @property {() => Promise<void>} stop
 */

/**
 * Starts bearerbox, smsbox and fakesmsc on free 127.0.0.1 ports with `kannel.conf`, and waits until a
 * sendsms request is accepted.
 *
 * @param {{ store: boolean }} options store: write every accepted message to a file store first
 * @returns {Promise<Kannel>}
 */
export async function startKannel(options) {
  const dir = mkdtempSync(path.join(tmpdir(), "lisoloo-bench-kannel-"));
  const ports = {
    ADMIN_PORT: await freePort(),
    SMSBOX_PORT: await freePort(),
    SENDSMS_PORT: await freePort(),
    FAKESMSC_PORT: await freePort(),
  };
  let conf = readFileSync(new URL("./kannel.conf", import.meta.url), "utf8")
    .replaceAll("@STATE_DIR@", dir)
    .replace("@STORE@", options.store ? `store-type = file\nstore-location = "${dir}/kannel.store"` : "");
  for (const [name, port] of Object.entries(ports)) conf = conf.replaceAll(`@${name}@`, String(port));
  const confFile = path.join(dir, "kannel.conf");
  writeFileSync(confFile, conf);
  const out = openSync(path.join(dir, "console.log"), "a");

  const children = [];
  const start = (file, args) => {
    const child = spawn(file, args, { stdio: ["ignore", out, out] });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
    for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++)
      await sleep(100);
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };

  // -v 4: errors only on the console, as in the config's log files.
  start(BEARERBOX, ["-v", "4", confFile]);
  await sleep(500);
  start(SMSBOX, ["-v", "4", confFile]);
  // -m 0: it generates no inbound messages, only receives what bearerbox sends it.
  start(FAKESMSC, ["-v", "4", "-H", "127.0.0.1", "-r", String(ports.FAKESMSC_PORT), "-m", "0", "1 2 text x"]);

  const sendsmsUrl = (to, text) =>
    `http://127.0.0.1:${ports.SENDSMS_PORT}/cgi-bin/sendsms?username=bench&password=bench&from=LISOLOO&to=${encodeURIComponent(to)}&text=${encodeURIComponent(text)}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(sendsmsUrl("+243998857000", "ready?"));
      const status = await fetch(`http://127.0.0.1:${ports.ADMIN_PORT}/status.txt?password=bench`);
      const text = await status.text();
      if (res.status === 202 && /FAKE:\d+ \(online/.test(text)) break;
    } catch {}
    if (Date.now() > deadline) {
      const log = readFileSync(path.join(dir, "console.log"), "utf8").slice(-2000);
      await stop();
      throw new Error(`Kannel did not accept a sendsms request within 20 s\n${log}`);
    }
    await sleep(200);
  }
  return { sendsmsUrl, stop };
}
