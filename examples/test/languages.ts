// The four languages of the docs' tabs: how to run each one's examples and what it needs installed.
import { spawnSync } from "node:child_process";

export type Task = "send-sms" | "schedule-sms" | "recurring-sms" | "check-status" | "check-balance";

export type Language = {
  name: "curl" | "python" | "javascript" | "php";
  /** What must be installed to run this language's examples but is not, or null. */
  missing: string | null;
  /** Command and arguments that run one example, relative to examples/. */
  example: (task: Task, args?: string[]) => [string, string[]];
  /** Command and arguments that start the webhook receiver on `port`. */
  receiver: (port: number) => [string, string[]];
};

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

function firstMissing(commands: string[]): string | null {
  const absent = commands.filter((c) => !succeeds("bash", ["-c", `command -v ${c}`]));
  return absent.length === 0 ? null : `${absent.join(", ")} not found on the PATH`;
}

const curlMissing = succeeds("bash", ["--version"])
  ? firstMissing(["curl", "socat", "openssl", "base64", "od"])
  : "bash not found";

// Debian's python3 comes with python3-requests; a python3 earlier on the PATH (pyenv, a virtualenv)
// may not have it, so take the first interpreter that can import it.
const python = ["/usr/bin/python3", "python3"].find((p) => succeeds(p, ["-c", "import requests"]));

const phpReady = succeeds("php", ["-r", 'exit(extension_loaded("curl") ? 0 : 1);']);

export const languages: Language[] = [
  {
    name: "curl",
    missing: curlMissing,
    example: (task, args = []) => ["bash", [`curl/${task}.sh`, ...args]],
    receiver: () => ["bash", ["curl/webhook-receiver.sh"]],
  },
  {
    name: "python",
    missing: python ? null : "no python3 that can `import requests` (Debian: python3-requests)",
    example: (task, args = []) => [python ?? "python3", [`python/${task}.py`, ...args]],
    receiver: () => [python ?? "python3", ["python/webhook-receiver.py"]],
  },
  {
    name: "javascript",
    // The Node running these tests (≥ 20: global fetch) runs the examples too.
    missing: null,
    example: (task, args = []) => [process.execPath, [`javascript/${task}.mjs`, ...args]],
    receiver: () => [process.execPath, ["javascript/webhook-receiver.mjs"]],
  },
  {
    name: "php",
    missing: phpReady ? null : "php with the curl extension not found (Debian: php-cli, php-curl)",
    example: (task, args = []) => ["php", [`php/${task}.php`, ...args]],
    receiver: (port) => ["php", ["-S", `127.0.0.1:${port}`, "php/webhook-receiver.php"]],
  },
];

/** The language of this name; test files pick theirs with it. */
export function language(name: Language["name"]): Language {
  const found = languages.find((l) => l.name === name);
  if (!found) throw new Error(`unknown language ${name}`);
  return found;
}
