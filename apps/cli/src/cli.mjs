// Parses a command line, calls the admin API, prints the answer. Everything outside (environment,
// network, terminal, stdin) comes in through `io`, so the whole run is testable in-process.
import { parseArgs } from "node:util";
import { callAdmin, DEFAULT_ADMIN_URL } from "./admin-call.mjs";
import { commands, usageOf } from "./commands.mjs";
import { formatApiError } from "./format.mjs";
import { UsageError } from "./values.mjs";

export { DEFAULT_ADMIN_URL };

/**
 * @typedef {{
 *   env: Record<string, string | undefined>;
 *   fetch: typeof fetch;
 *   stdout: (text: string) => void;
 *   stderr: (text: string) => void;
 *   readStdin: () => Promise<string>;
 * }} CliIo
 * @typedef {import("./commands.mjs").Command} Command
 */

const groups = [...new Set(commands.map((c) => c.group))];

const environmentHelp = `Environment:
  LISOLOO_ADMIN_URL  The gateway's base URL (default ${DEFAULT_ADMIN_URL})
  ADMIN_TOKEN        The deployment's admin token (\`pnpm start\` prints the local one)`;

/** `group name`, or `group` alone for a command that is a whole group. @param {Command} c */
const wordsOf = (c) => (c.name ? `${c.group} ${c.name}` : c.group);

/** @param {Command[]} list */
function commandList(list) {
  const width = Math.max(...list.map((c) => wordsOf(c).length));
  return list.map((c) => `  ${wordsOf(c).padEnd(width)}  ${c.summary}`).join("\n");
}

/**
 * The help text for everything, one group, or one command.
 * @param {string} [group]
 * @param {Command} [command]
 * @returns {string}
 */
export function helpText(group, command) {
  if (command) {
    const options = Object.entries(command.options ?? {}).map(([flag, spec]) => {
      const name = spec.type === "string" ? `--${flag} <${spec.value ?? flag}>` : `--${flag}`;
      return [
        name,
        `${spec.description}${spec.required ? " (required)" : ""}${spec.multiple ? " (repeatable)" : ""}`,
      ];
    });
    const help = command.help ?? {};
    options.push(
      ["--json", help.json ?? "Print the API's JSON answer as is"],
      ["-h, --help", "Show this help"],
    );
    const width = Math.max(...options.map(([name]) => (name ?? "").length));
    return [
      `Usage: ${usageOf(command)}`,
      "",
      command.summary,
      "",
      "Options:",
      ...options.map(([name, text]) => `  ${(name ?? "").padEnd(width)}  ${text}`),
      "",
      ...(help.about ? [help.about, ""] : []),
      help.environment ?? environmentHelp,
    ].join("\n");
  }
  const list = group ? commands.filter((c) => c.group === group) : commands;
  return [
    `Usage: lisoloo ${group ?? "<group>"} <command> [arguments] [options]`,
    "",
    "Operator commands for the Lisoloo gateway's admin API (/admin/v1).",
    "",
    "Commands:",
    commandList(list),
    "",
    "Options: --json prints the API's JSON answer as is; --help on any command shows its options.",
    "",
    environmentHelp,
  ].join("\n");
}

/** @param {string[]} argv */
const wantsHelp = (argv) => argv.includes("--help") || argv.includes("-h");

/**
 * Resolves the command words, or says what to print instead.
 * @param {string[]} argv
 * @returns {{ command: Command; rest: string[] } | { help: string; code: number }}
 */
export function resolveCommand(argv) {
  const words = argv[0] === "help" ? argv.slice(1) : argv;
  const asked = argv[0] === "help" || wantsHelp(argv);
  const [group, name] = words;
  if (group === undefined || group.startsWith("-")) return { help: helpText(), code: asked ? 0 : 2 };
  if (!groups.includes(group)) return { help: `Unknown command "${group}".\n\n${helpText()}`, code: 2 };
  // A group that is one command (`lisoloo health`): what follows are its arguments and options.
  const whole = commands.find((c) => c.group === group && c.name === "");
  if (whole)
    return asked ? { help: helpText(group, whole), code: 0 } : { command: whole, rest: words.slice(1) };
  const command = commands.find((c) => c.group === group && c.name === name);
  if (name === undefined || name.startsWith("-")) return { help: helpText(group), code: asked ? 0 : 2 };
  if (!command) return { help: `Unknown command "${group} ${name}".\n\n${helpText(group)}`, code: 2 };
  if (asked) return { help: helpText(group, command), code: 0 };
  return { command, rest: words.slice(2) };
}

/**
 * Moves negative numbers (an adjustment of -5) behind `--`, so they read as arguments, not options.
 * @param {string[]} rest
 * @param {Record<string, { type: "string" | "boolean" }>} options
 */
function negativesAsArguments(rest, options) {
  if (rest.includes("--")) return rest;
  const others = [];
  const negatives = [];
  for (const [i, token] of rest.entries()) {
    const previous = i > 0 ? rest[i - 1] : undefined;
    const isOptionValue =
      previous?.startsWith("--") === true &&
      !previous.includes("=") &&
      options[previous.slice(2)]?.type === "string";
    if (/^-\d+(?:\.\d+)?$/.test(token) && !isOptionValue) negatives.push(token);
    else others.push(token);
  }
  return negatives.length > 0 ? [...others, "--", ...negatives] : rest;
}

/**
 * Parses a command's arguments and options against its declaration.
 * @param {Command} command
 * @param {string[]} rest
 */
export function parseCommandLine(command, rest) {
  /** @type {Record<string, { type: "string" | "boolean"; multiple?: boolean }>} */
  const options = { json: { type: "boolean" } };
  for (const [flag, spec] of Object.entries(command.options ?? {})) {
    options[flag] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: negativesAsArguments(rest, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message.split("\n")[0] ?? "Invalid arguments");
  }
  if (parsed.positionals.length !== command.args.length) {
    const expected = command.args.length === 0 ? "no arguments" : command.args.map((a) => `<${a}>`).join(" ");
    throw new UsageError(
      `Expected ${expected}, got ${parsed.positionals.length === 0 ? "none" : parsed.positionals.join(" ")}`,
    );
  }
  for (const [flag, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && parsed.values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  }
  const args = Object.fromEntries(command.args.map((name, i) => [name, parsed.positionals[i] ?? ""]));
  return { args, values: /** @type {import("./commands.mjs").OptionValues} */ (parsed.values) };
}

/**
 * Runs one command line and returns the exit status: 0 done, 1 the API refused or could not be
 * reached (or a ping was not delivered, or a smoke check failed), 2 the command was mistyped or the
 * configuration is missing.
 * @param {string[]} argv
 * @param {CliIo} io
 * @returns {Promise<number>}
 */
export async function run(argv, io) {
  const resolved = resolveCommand(argv);
  if ("help" in resolved) {
    (resolved.code === 0 ? io.stdout : io.stderr)(`${resolved.help}\n`);
    return resolved.code;
  }
  const { command, rest } = resolved;
  let request;
  let parsed;
  try {
    parsed = parseCommandLine(command, rest);
    // A program of its own reads its settings (a UsageError) before it does anything.
    if ("execute" in command) return await command.execute(parsed.values, io);
    request = await command.request(parsed.args, parsed.values, { readStdin: io.readStdin });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\nUsage: ${usageOf(command)}  (--help for options)\n`);
    return 2;
  }
  const called = await callAdmin(request, io);
  if ("failure" in called) {
    io.stderr(`${called.failure.message}\n`);
    return called.failure.exit;
  }
  const { answer } = called;
  const body = answer.body;
  const json = parsed.values.json === true;
  if (!answer.ok) {
    if (json) io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    else io.stderr(`${formatApiError(answer.status, body)}\n`);
    return 1;
  }
  if (json) {
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    io.stdout(`${command.render(body?.data, parsed.args, parsed.values)}\n`);
  }
  return command.failed?.(body?.data) ? 1 : 0;
}
