// lisoloo-smsc: the simulator as a program, for `pnpm start:live`, the benchmarks, or a person
// watching traffic go through. Parsing and starting live here; bin/smsc.mjs wires the process.
import { parseArgs } from "node:util";
import { logTraffic } from "./log.mjs";
import { startSmsc } from "./smsc.mjs";

export const HELP = `Usage: lisoloo-smsc [options]

A scriptable SMPP 3.4 SMSC: accepts binds, answers submit_sm, sends delivery receipts.

Options:
  --host <address>            Listen address (default 127.0.0.1)
  --port <n>                  SMPP port (default 2775; 0 picks a free one)
  --control-port <n>          Control API port (default 0, a free one)
  --system-id <id>            The account clients bind with (default lisoloo)
  --password <secret>         Its password (default secret)
  --id-format <format>        decimal | hex message ids (default decimal)
  --receipt-delay-ms <n>      Delay before each receipt (default 100)
  --resend-unacknowledged     Send receipts the client did not acknowledge again on its next bind
  --script <json>             A script to apply at start, as for POST /__script (repeatable)
  --json                      Print events as JSON lines instead of text
  --quiet                     Print only the addresses
  -h, --help                  Show this help

Control API (on the control port):
  POST /__script  GET /__script  GET /__submits  GET /__receipts  GET /__binds  GET /__stats
  POST /__reset  POST /__drop

Ctrl-C stops it.`;

export class UsageError extends Error {}

/**
 * @param {string} flag
 * @param {string | undefined} value
 * @returns {number | undefined}
 */
function integer(flag, value) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UsageError(`--${flag}: expected a whole number, got ${value}`);
  return n;
}

/**
 * Reads the command line into start options.
 * @param {string[]} argv
 * @returns {{ help: true } | { help: false, options: import("./types.js").SmscOptions, json: boolean, quiet: boolean }}
 */
export function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "control-port": { type: "string" },
        "system-id": { type: "string" },
        password: { type: "string" },
        "id-format": { type: "string" },
        "receipt-delay-ms": { type: "string" },
        "resend-unacknowledged": { type: "boolean" },
        script: { type: "string", multiple: true },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message.split("\n")[0] ?? "invalid arguments");
  }
  if (values.help) return { help: true };
  const idFormat = values["id-format"];
  if (idFormat !== undefined && idFormat !== "decimal" && idFormat !== "hex")
    throw new UsageError(`--id-format: expected decimal or hex, got ${idFormat}`);
  const script = (values.script ?? []).map((text) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new UsageError(`--script: not JSON: ${text}`);
    }
  });
  return {
    help: false,
    json: values.json === true,
    quiet: values.quiet === true,
    options: {
      host: values.host,
      port: integer("port", values.port) ?? 2775,
      controlPort: integer("control-port", values["control-port"]) ?? 0,
      systemId: values["system-id"],
      password: values.password,
      idFormat,
      receiptDelayMs: integer("receipt-delay-ms", values["receipt-delay-ms"]),
      resendUnacknowledged: values["resend-unacknowledged"],
      script,
    },
  };
}

/**
 * Starts the SMSC the command line asks for and prints its addresses, then a line per event.
 * @param {string[]} argv
 * @param {{ stdout: (text: string) => void, stderr: (text: string) => void }} io
 * @returns {Promise<{ code: number, smsc: import("./types.js").Smsc | null }>}
 */
export async function run(argv, io) {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${HELP}\n`);
    return { code: 2, smsc: null };
  }
  if (parsed.help) {
    io.stdout(`${HELP}\n`);
    return { code: 0, smsc: null };
  }
  let smsc;
  try {
    smsc = await startSmsc(parsed.options);
  } catch (error) {
    io.stderr(`lisoloo-smsc: ${/** @type {Error} */ (error).message}\n`);
    return { code: 1, smsc: null };
  }
  const systemId = parsed.options.systemId ?? "lisoloo";
  if (parsed.json) {
    const { host, port, url, controlUrl } = smsc;
    io.stdout(`${JSON.stringify({ event: "listening", host, port, url, controlUrl, systemId })}\n`);
  } else {
    io.stdout(
      `lisoloo-smsc listening\n  SMPP     ${smsc.url}  (system_id ${systemId})\n  control  ${smsc.controlUrl}\n` +
        "Ctrl-C stops it.\n",
    );
  }
  if (!parsed.quiet) logTraffic(smsc, (line) => io.stdout(`${line}\n`), { json: parsed.json });
  return { code: 0, smsc };
}
