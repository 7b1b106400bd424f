/**
 * A real Kannel 1.4.5 (Debian `kannel`) for the HTTP relay connector's tests, started by
 * test/global-setup.ts: bearerbox bound as an SMPP transceiver to an SMSC simulator of its own (so
 * the SMPP tests' SMSC-wide faults never reach it), smsbox serving `sendsms`. The link only takes
 * messages that name it (`allowed-smsc-id`): `smsc=` alone does not force a route in Kannel, so the
 * carrier's `smsc` setting is exercised for real. Each box runs in a process group of its own and
 * is stopped by its pid, leaving nothing behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const BEARERBOX = "/usr/sbin/bearerbox";
const SMSBOX = "/usr/sbin/smsbox";

/** The link's `smsc-id`, which a carrier names in its `smsc` setting. */
export const KANNEL_SMSC_ID = "sim";
/** The sendsms account (`sendsms-user`). */
export const KANNEL_USER = { username: "lisoloo", password: "relay-Pw4x9" };

export type Kannel = { sendsmsUrl: string; stop: () => Promise<void> };

/** Null when Kannel is installed, else what is missing and how to install it. */
export function kannelMissing(): string | null {
  const missing = [BEARERBOX, SMSBOX].filter((file) => !existsSync(file));
  if (missing.length === 0) return null;
  return `Kannel is not installed (${missing.join(", ")} missing): sudo apt-get install -y kannel kannel-extras`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function kannelConf(dir: string, ports: Record<string, number>, smsc: SmscAccount): string {
  return `group = core
admin-port = ${ports.admin}
admin-interface = 127.0.0.1
admin-password = relay-admin
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "127.0.0.1"
smsbox-port = ${ports.smsbox}
smsbox-interface = 127.0.0.1
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 1
dlr-storage = internal
# A submit the SMSC refused for now (0x58 throttled) is queued again inside bearerbox: retry it
# after a second rather than the default minute.
sms-resend-freq = 1

group = smsc
smsc = smpp
smsc-id = ${KANNEL_SMSC_ID}
allowed-smsc-id = ${KANNEL_SMSC_ID}
host = 127.0.0.1
port = ${smsc.port}
transceiver-mode = true
smsc-username = "${smsc.systemId}"
smsc-password = "${smsc.password}"
system-type = "kannel"
interface-version = 34
max-pending-submits = 10
enquire-link-interval = 30
reconnect-delay = 1
wait-ack = 60
log-file = "${dir}/smsc.log"
log-level = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${ports.smsbox}
sendsms-port = ${ports.sendsms}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = ${KANNEL_USER.username}
password = ${KANNEL_USER.password}
user-deny-ip = "*.*.*.*"
user-allow-ip = "127.0.0.1"
max-messages = 10
concatenation = true

group = sms-service
keyword = default
text = "No service specified"
catch-all = true
`;
}

type SmscAccount = { port: number; systemId: string; password: string };

/**
 * Writes a kannel.conf into a temporary directory, starts bearerbox, waits for its admin status,
 * starts smsbox, and waits until the SMPP link is online and sendsms answers.
 */
export async function startKannel(smsc: SmscAccount): Promise<Kannel> {
  const dir = mkdtempSync(path.join(tmpdir(), "lisoloo-kannel-"));
  const ports = { admin: await freePort(), smsbox: await freePort(), sendsms: await freePort() };
  const confFile = path.join(dir, "kannel.conf");
  writeFileSync(confFile, kannelConf(dir, ports, smsc));
  const out = openSync(path.join(dir, "console.log"), "a");
  const children: ChildProcess[] = [];
  const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
  const start = (file: string) => {
    // Own process group (detached), so a signal to -pid reaches everything the box started.
    const child = spawn(file, ["-v", "4", confFile], { stdio: ["ignore", out, out], detached: true });
    child.on("error", () => {});
    children.push(child);
  };
  const signal = (child: ChildProcess, name: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {}
  };
  const logTail = () =>
    ["console.log", "bearerbox.log", "smsbox.log", "smsc.log"]
      .map((name) => {
        const file = path.join(dir, name);
        if (!existsSync(file)) return "";
        return `--- ${name} ---\n${readFileSync(file, "utf8").split("\n").slice(-20).join("\n")}`;
      })
      .join("\n");
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // smsbox first, then bearerbox (which unbinds from the SMSC).
    for (const child of [...children].reverse()) signal(child, "SIGTERM");
    for (let i = 0; i < 50 && children.some(running); i++) await sleep(100);
    for (const child of children) if (running(child)) signal(child, "SIGKILL");
    for (let i = 0; i < 20 && children.some(running); i++) await sleep(100);
    closeSync(out);
    if (!process.env.KEEP_KANNEL_LOGS) rmSync(dir, { recursive: true, force: true });
  };
  const status = async () =>
    (
      await fetch(`http://127.0.0.1:${ports.admin}/status.txt?password=relay-admin`, {
        signal: AbortSignal.timeout(5_000),
      })
    ).text();
  const waitUntil = async (what: string, seconds: number, check: () => Promise<boolean>) => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      try {
        if (await check()) return;
      } catch {}
      if (children.some((child) => !running(child)) || Date.now() > deadline) {
        const error = new Error(`Kannel: no ${what} within ${seconds} s\n${logTail()}`);
        await stop();
        throw error;
      }
      await sleep(100);
    }
  };
  start(BEARERBOX);
  await waitUntil("bearerbox admin status", 30, async () => /Status: running/.test(await status()));
  start(SMSBOX);
  await waitUntil("online SMPP link and sendsms", 60, async () => {
    const text = await status();
    if (!/\(online/.test(text) || !/^\s*smsbox:/m.test(text)) return false;
    // Without credentials sendsms refuses at once: it answers, so smsbox is listening.
    const res = await fetch(`http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms`, {
      signal: AbortSignal.timeout(2_000),
    });
    await res.arrayBuffer();
    return true;
  });
  if (process.env.KEEP_KANNEL_LOGS) process.stderr.write(`Kannel logs in ${dir}\n`);
  return { sendsmsUrl: `http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms`, stop };
}
