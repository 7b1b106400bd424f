import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/**
 * What `wrangler <subcommand> --help` says about a command: its words, its positionals and every
 * flag it takes (its own and the global ones), read from the workspace's wrangler itself, so a guide
 * is checked against the version the release runs, with no account and no network.
 */
export type WranglerCommand = {
  /** `["d1", "create"]`; empty for wrangler itself. */
  words: string[];
  /** How many positionals it takes: at least `min`, at most `max` (Infinity for a variadic one). */
  min: number;
  max: number;
  /** A group of subcommands (`wrangler d1`): it takes none of the words after it. */
  isGroup: boolean;
  /** Every flag and alias, `--env` and `-e` alike, and whether it takes a value. */
  flags: Map<string, { takesValue: boolean }>;
};

const gatewayDir = path.resolve(import.meta.dirname, "../..");
const wranglerDir = path.join(gatewayDir, "node_modules/wrangler");

/** The version of the workspace's wrangler (`apps/gateway/node_modules/wrangler`). */
export const wranglerVersion = (
  JSON.parse(readFileSync(path.join(wranglerDir, "package.json"), "utf8")) as { version: string }
).version;

/** One flag entry of the help: `  -e, --env   Environment to use …  [string]` and the lines it wraps onto. */
const FLAG_LINE = /^\s{2,}((?:-[A-Za-z0-9], )?--[\w-]+(?:, --?[\w-]+)*)(?:\s{2,}|$)/;

/** Reads a help text. Null when it is not a command's help (wrangler refused the words). */
export function parseHelp(text: string): WranglerCommand | null {
  const lines = text.replaceAll("\r", "").split("\n");
  const usage = lines.find((l) => l.trim() !== "")?.trim() ?? "";
  if (!/^wrangler(\s|$)/.test(usage)) return null;
  const parts = usage.split(/\s+/).slice(1);
  const words = parts.filter((p) => /^[a-z0-9][\w:-]*$/i.test(p));
  const required = parts.filter((p) => p.startsWith("<")).length;
  const optional = parts.filter((p) => p.startsWith("[")).length;
  const variadic = parts.some((p) => p.endsWith("..]") || p.endsWith("..>"));
  const flags = new Map<string, { takesValue: boolean }>();
  let current: { names: string[]; text: string } | null = null;
  const flush = () => {
    if (current === null) return;
    // Yargs prints the type last: [string], [number], [array], [choices: …] take a value; [boolean]
    // and an entry without a type (a bare switch such as `--scopes-list`) do not.
    const takesValue = /\[(string|number|array|count)\]|\[choices:/.test(current.text);
    for (const name of current.names) flags.set(name, { takesValue });
    current = null;
  };
  for (const line of lines) {
    const flag = FLAG_LINE.exec(line);
    if (flag) {
      flush();
      current = { names: (flag[1] as string).split(", "), text: line };
    } else if (current !== null && /^\s{4,}\S/.test(line)) {
      current.text += line;
    } else {
      flush();
    }
  }
  flush();
  return {
    words,
    min: required,
    max: variadic ? Number.POSITIVE_INFINITY : required + optional,
    isGroup: lines.some((l) => /^COMMANDS$/.test(l.trim())) && required + optional === 0,
    flags,
  };
}

/** `wrangler <words> --help`, run with this Node in apps/gateway, as the guide runs wrangler. */
export async function wranglerHelp(
  words: string[],
): Promise<{ help: WranglerCommand | null; output: string }> {
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  const run = promisify(execFile)(
    process.execPath,
    [path.join(wranglerDir, "bin/wrangler.js"), ...words, "--help"],
    {
      cwd: gatewayDir,
      env,
      maxBuffer: 8 * 1024 * 1024,
    },
  );
  const { stdout, stderr } = await run.catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? "",
    stderr: error.stderr ?? String(error),
  }));
  const output = `${stdout}${stderr}`;
  return { help: parseHelp(stdout), output };
}

/**
 * Checks one `wrangler …` command line against wrangler's own help: the subcommand exists, every flag
 * is one it takes (a value-taking flag consumes the next word), and the positionals left fit its
 * usage. Returns the problems (none: the command is real) and what it resolved to.
 */
export class WranglerChecker {
  /** Helps already read, by their command words: a leaf command's help serves every line that starts with its words. */
  private readonly known = new Map<string, WranglerCommand>();

  async check(args: string[]): Promise<{
    problems: string[];
    command: WranglerCommand | null;
    positionals: string[];
    options: Map<string, string | true>;
  }> {
    // The subcommand is among the words before the first flag (with the positionals that follow it).
    const firstFlag = args.findIndex((a) => a.startsWith("-"));
    const leading = firstFlag < 0 ? args : args.slice(0, firstFlag);
    const command = await this.commandOf(leading);
    if (command === null || command.help === null)
      return {
        problems: [
          `no such wrangler command: wrangler ${leading.join(" ")} (${command?.output.trim().split("\n")[0] ?? ""})`,
        ],
        command: null,
        positionals: [],
        options: new Map(),
      };
    const help = command.help;
    const problems: string[] = [];
    const positionals: string[] = [];
    const options = new Map<string, string | true>();
    const rest = args.slice(help.words.length);
    for (let i = 0; i < rest.length; i++) {
      const token = rest[i] as string;
      if (!token.startsWith("-") || token === "-") {
        positionals.push(token);
        continue;
      }
      const [name, inline] = token.includes("=")
        ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)]
        : [token, undefined];
      const negated = name.startsWith("--no-") ? help.flags.get(`--${name.slice(5)}`) : undefined;
      const flag = help.flags.get(name) ?? (negated && !negated.takesValue ? negated : undefined);
      if (flag === undefined) {
        problems.push(`wrangler ${help.words.join(" ")} has no flag ${name}`);
        continue;
      }
      if (flag.takesValue && inline === undefined) {
        const value = rest[i + 1];
        if (value === undefined || value.startsWith("-"))
          problems.push(`wrangler ${help.words.join(" ")} ${name} needs a value`);
        else options.set(name, value);
        i++;
      } else {
        options.set(name, inline ?? true);
      }
    }
    if (help.isGroup && positionals.length > 0)
      problems.push(`wrangler ${help.words.join(" ")} has no subcommand ${positionals[0]}`);
    else if (positionals.length < help.min || positionals.length > help.max)
      problems.push(
        `wrangler ${help.words.join(" ")} takes ${help.min === help.max ? help.min : `${help.min} to ${help.max}`} positional(s), given ${positionals.length}: ${positionals.join(" ")}`,
      );
    return { problems, command: help, positionals, options };
  }

  private async commandOf(
    leading: string[],
  ): Promise<{ help: WranglerCommand | null; output: string } | null> {
    for (const help of this.known.values()) {
      if (!help.isGroup && help.words.every((w, i) => leading[i] === w)) return { help, output: "" };
    }
    const read = await wranglerHelp(leading);
    if (read.help !== null) this.known.set(read.help.words.join(" "), read.help);
    return read;
  }
}
