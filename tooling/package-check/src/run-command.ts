// Runs a command to its end in its own process group, so a timeout also stops whatever it started
// (a README block's server, npm's children), and keeps what it printed for the failure message.
import { type ChildProcess, spawn } from "node:child_process";

export type Ran = {
  /** The command line, for messages. */
  command: string;
  /** The exit code; null when a signal ended it (a timeout, say). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
};

export type RunOptions = {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
};

export type Started = {
  child: ChildProcess;
  /** What it printed so far. */
  stdout: () => string;
  stderr: () => string;
  /** How it ended (`exit 1`, `SIGTERM`), or null while it runs. */
  ended: () => string | null;
};

/** Starts `file args…` in a process group of its own and keeps what it prints. */
export function startProcess(file: string, args: string[], options: Omit<RunOptions, "timeoutMs">): Started {
  let stdout = "";
  let stderr = "";
  let ended: string | null = null;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.once("exit", (code, signal) => {
    ended = signal ?? `exit ${code}`;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, ended: () => ended };
}

/** Runs `file args…`; never rejects on a failure, the caller decides what `code` means. */
export function runCommand(file: string, args: string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve) => {
    const command = [file, ...args].join(" ");
    let timedOut = false;
    const started = startProcess(file, args, options);
    const { child } = started;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, "SIGKILL");
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({
        command,
        code: null,
        stdout: started.stdout(),
        stderr: `${started.stderr()}${error.message}`,
        timedOut,
      });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      // Anything the command left running in its group (a server a script forgot to close) goes too.
      killGroup(child.pid, "SIGKILL");
      resolve({ command, code, stdout: started.stdout(), stderr: started.stderr(), timedOut });
    });
  });
}

/** Signals a process group; a group that is already gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(-pid, signal);
  } catch {}
}

/** What a failed command said, for an error message: its line, exit and the end of its output. */
export function describeRun(ran: Ran, tailLines = 40): string {
  const tail = (text: string) => text.trimEnd().split("\n").slice(-tailLines).join("\n");
  const end = ran.timedOut ? "timed out" : `exit ${ran.code}`;
  return [
    `$ ${ran.command} (${end})`,
    ran.stdout.trim() ? `stdout:\n${tail(ran.stdout)}` : "stdout: (empty)",
    ran.stderr.trim() ? `stderr:\n${tail(ran.stderr)}` : "stderr: (empty)",
  ].join("\n");
}
