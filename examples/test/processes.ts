// Running the examples as a person would from a shell in examples/: a command, some environment
// variables, then what it printed and how it exited.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const examplesDir = path.resolve(import.meta.dirname, "..");

// Variables the examples read: whatever the person running the tests has exported must not leak in.
const exampleVariables = [
  "BASE_URL",
  "API_KEY",
  "LISOLOO_API_KEY",
  "MESSAGE_ID",
  "CALLBACK_URL",
  "PORT",
  "WEBHOOK_USERNAME",
  "WEBHOOK_PASSWORD",
  "WEBHOOK_SECRET",
  "WEBHOOK_EVENTS_DIR",
];

function environment(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of exampleVariables) delete env[name];
  return { ...env, ...vars };
}

export type Ran = { code: number; stdout: string; stderr: string };

/** Runs one example to its end; never rejects on a non-zero exit, the caller asserts on `code`. */
export function run([command, args]: [string, string[]], vars: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: examplesDir, env: environment(vars), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The JSON an example printed, with its exit status and stderr in the message when it is not JSON. */
export function printedJson(ran: Ran): { status_code: number; data: Record<string, unknown> } {
  try {
    return JSON.parse(ran.stdout);
  } catch {
    throw new Error(`exit ${ran.code}, stdout is not JSON:\n${ran.stdout}\nstderr:\n${ran.stderr}`);
  }
}

export type Background = {
  /** Everything printed so far, stdout and stderr interleaved. */
  output: () => string;
  exited: () => boolean;
  stop: () => Promise<void>;
};

/** Starts a long-running example (a webhook receiver) in its own process group. */
export function start([command, args]: [string, string[]], vars: Record<string, string>): Background {
  let output = "";
  let exited = false;
  const child: ChildProcess = spawn(command, args, {
    cwd: examplesDir,
    env: environment(vars),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  child.once("exit", () => {
    exited = true;
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      // The group: socat's per-connection handlers and the like go too.
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {}
  };
  return {
    output: () => output,
    exited: () => exited,
    stop: async () => {
      signal("SIGTERM");
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) signal("SIGKILL");
    },
  };
}

/** Polls `check` until it returns a value other than undefined; `describe` says what was awaited. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  describe: () => string | Promise<string>,
  withinMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting: ${await describe()}`);
    await sleep(100);
  }
}
