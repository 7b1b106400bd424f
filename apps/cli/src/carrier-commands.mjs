// The carriers and routes commands: carriers are configured through the admin API (CONTRACT §12),
// their passwords only ever read from standard input, never from the command line.
import { renderCarrier, renderCarriers, renderRoutes } from "./carrier-views.mjs";
import { defined, integer, number, UsageError } from "./values.mjs";

/**
 * @typedef {import("./commands.mjs").Command} Command
 * @typedef {import("./commands.mjs").OptionSpec} OptionSpec
 * @typedef {import("./commands.mjs").OptionValues} OptionValues
 * @typedef {import("./commands.mjs").RequestContext} RequestContext
 * @typedef {"smpp" | "http_relay"} CarrierKind
 */

/** @param {string} id */
const seg = (id) => encodeURIComponent(id);

/** @type {CarrierKind[]} */
const kinds = ["smpp", "http_relay"];

/** Each kind's options: the flag, and how its value goes into the settings object. */
const smppOptions = /** @type {Record<string, OptionSpec>} */ ({
  host: {
    type: "string",
    value: "host",
    description: "smpp: the SMSC's host name or IP address (no scheme, no port)",
  },
  port: { type: "string", value: "N", description: "smpp: the SMSC's port (2775 is SMPP's usual one)" },
  tls: { type: "boolean", description: "smpp: bind over TLS" },
  "no-tls": { type: "boolean", description: "smpp: bind over plain TCP (the default)" },
  "system-id": { type: "string", value: "id", description: "smpp: bind system_id, at most 15 characters" },
  "system-type": {
    type: "string",
    value: "type",
    description: "smpp: bind system_type, at most 12 (default empty)",
  },
  binds: { type: "string", value: "N", description: "smpp: binds to hold open, 1–10 (default 1)" },
  window: {
    type: "string",
    value: "N",
    description: "smpp: submit_sm outstanding per bind, 1–100 (default 10)",
  },
  throughput: {
    type: "string",
    value: "N|none",
    description: "smpp: messages per second per bind (default none: no cap)",
  },
  "receipt-id-format": {
    type: "string",
    value: "format",
    description: "smpp: same, submit_hex_receipt_decimal or submit_decimal_receipt_hex (default same)",
  },
});

const relayOptions = /** @type {Record<string, OptionSpec>} */ ({
  "sendsms-url": {
    type: "string",
    value: "url",
    description: "http_relay: the relay's sendsms URL (http or https)",
  },
  username: { type: "string", value: "user", description: "http_relay: the relay's sendsms user name" },
  smsc: {
    type: "string",
    value: "id|none",
    description: "http_relay: the relay's SMSC to use (default none)",
  },
  "timeout-ms": {
    type: "string",
    value: "N",
    description: "http_relay: request timeout, 1000–60000 (default 10000)",
  },
  concurrency: {
    type: "string",
    value: "N",
    description: "http_relay: requests at once, 1–100 (default 10)",
  },
  "receipt-basic-auth": {
    type: "boolean",
    description: "http_relay: the dlr-url carries username and password, receipts must send them back",
  },
  "no-receipt-basic-auth": {
    type: "boolean",
    description: "http_relay: receipts need only the dlr-url's signature (the default)",
  },
});

const passwordOption = /** @type {Record<string, OptionSpec>} */ ({
  "password-stdin": {
    type: "boolean",
    description: "Read the bind or relay password from standard input (first line)",
  },
});

/** @param {OptionValues} o @param {string} flag */
const text = (o, flag) => /** @type {string | undefined} */ (o[flag]);

/** @param {OptionValues} o @param {Record<string, OptionSpec>} options */
const given = (o, options) => Object.keys(options).filter((flag) => o[flag] !== undefined);

/** The SMPP settings the options give. @param {OptionValues} o */
function smppSettings(o) {
  if (o.tls && o["no-tls"]) throw new UsageError("Give --tls or --no-tls, not both");
  const throughput = text(o, "throughput");
  return defined({
    host: text(o, "host"),
    port: integer("--port", text(o, "port")),
    tls: o.tls ? true : o["no-tls"] ? false : undefined,
    system_id: text(o, "system-id"),
    system_type: text(o, "system-type"),
    binds: integer("--binds", text(o, "binds")),
    window: integer("--window", text(o, "window")),
    throughput: throughput === "none" ? null : number("--throughput", throughput),
    receipt_id_format: text(o, "receipt-id-format"),
  });
}

/** The HTTP relay settings the options give. @param {OptionValues} o */
function relaySettings(o) {
  if (o["receipt-basic-auth"] && o["no-receipt-basic-auth"])
    throw new UsageError("Give --receipt-basic-auth or --no-receipt-basic-auth, not both");
  const smsc = text(o, "smsc");
  return defined({
    sendsms_url: text(o, "sendsms-url"),
    username: text(o, "username"),
    smsc: smsc === "none" ? null : smsc,
    timeout_ms: integer("--timeout-ms", text(o, "timeout-ms")),
    concurrency: integer("--concurrency", text(o, "concurrency")),
    receipt_basic_auth: o["receipt-basic-auth"] ? true : o["no-receipt-basic-auth"] ? false : undefined,
  });
}

/**
 * The kind the options are for: `--kind` when given, else the one whose options appear; options of
 * both kinds, or of the other kind, are a mistake.
 * @param {OptionValues} o
 * @returns {CarrierKind | undefined}
 */
function kindOf(o) {
  const stated = text(o, "kind");
  if (stated !== undefined && !kinds.includes(/** @type {CarrierKind} */ (stated)))
    throw new UsageError(`--kind must be smpp or http_relay, got "${stated}"`);
  const smpp = given(o, smppOptions);
  const relay = given(o, relayOptions);
  if (smpp.length > 0 && relay.length > 0)
    throw new UsageError(
      `--${smpp[0]} is an smpp option and --${relay[0]} an http_relay one: a carrier has one kind`,
    );
  const implied = smpp.length > 0 ? "smpp" : relay.length > 0 ? "http_relay" : undefined;
  if (stated !== undefined && implied !== undefined && stated !== implied)
    throw new UsageError(`--${smpp[0] ?? relay[0]} is an ${implied} option, not for --kind ${stated}`);
  return /** @type {CarrierKind | undefined} */ (stated ?? implied);
}

/**
 * The password, from the first line of standard input: never from the command line, where shell
 * history and the process list would keep it.
 * @param {RequestContext} context
 */
async function passwordFromStdin(context) {
  const password = (await context.readStdin()).split(/\r?\n/)[0] ?? "";
  if (password === "") throw new UsageError("--password-stdin: standard input held no password");
  return password;
}

/**
 * @param {string} name @param {boolean} enabled
 * @returns {Command}
 */
function enableCommand(name, enabled) {
  return {
    group: "carriers",
    name,
    summary: enabled
      ? "Enable a carrier: sends routed to it are submitted again"
      : "Disable a carrier: sends routed to it fail 1501 (refunded) until it is enabled",
    args: ["slug"],
    request: (a) => ({ method: "PATCH", path: `/carriers/${seg(a.slug ?? "")}`, body: { enabled } }),
    render: renderCarrier,
  };
}

/** `+24381,+24382=vodacom-cd` pairs into `{ "+24381": "vodacom-cd", "+24382": "vodacom-cd" }`. @param {string[] | undefined} pairs */
export function routePairs(pairs) {
  /** @type {Record<string, string>} */
  const routes = {};
  for (const pair of pairs ?? []) {
    const at = pair.lastIndexOf("=");
    const slug = pair.slice(at + 1).trim();
    const prefixes = pair
      .slice(0, Math.max(at, 0))
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    if (at < 0 || slug === "" || prefixes.length === 0)
      throw new UsageError(`--route takes +prefix=carrier (or +24381,+24382=carrier), got "${pair}"`);
    for (const prefix of prefixes) {
      if (routes[prefix] !== undefined && routes[prefix] !== slug)
        throw new UsageError(`${prefix} is routed twice: to ${routes[prefix]} and to ${slug}`);
      routes[prefix] = slug;
    }
  }
  return routes;
}

/** @type {Command[]} */
export const carrierCommands = [
  {
    group: "carriers",
    name: "list",
    summary: "List the carriers, their kind, state and whether a connector serves them",
    args: [],
    request: () => ({ method: "GET", path: "/carriers" }),
    render: renderCarriers,
  },
  {
    group: "carriers",
    name: "show",
    summary: "Show a carrier's settings (never its password) and, for SMPP, its binds",
    args: ["slug"],
    request: (a) => ({ method: "GET", path: `/carriers/${seg(a.slug ?? "")}` }),
    render: renderCarrier,
  },
  {
    group: "carriers",
    name: "create",
    summary: "Add a carrier (smpp or http_relay); the password comes from standard input",
    args: ["slug"],
    options: {
      kind: { type: "string", value: "smpp|http_relay", required: true, description: "The connector kind" },
      disabled: { type: "boolean", description: "Create it disabled (no sends until enabled)" },
      ...smppOptions,
      ...relayOptions,
      ...passwordOption,
    },
    request: async (a, o, context) => {
      const kind = /** @type {CarrierKind} */ (kindOf(o));
      if (!o["password-stdin"])
        throw new UsageError("--password-stdin is required: the password is read from standard input");
      const settings = kind === "smpp" ? smppSettings(o) : relaySettings(o);
      return {
        method: "POST",
        path: "/carriers",
        body: defined({
          slug: a.slug,
          kind,
          enabled: o.disabled ? false : undefined,
          [kind]: { ...settings, password: await passwordFromStdin(context) },
        }),
      };
    },
    render: (c) =>
      `${renderCarrier(c)}\n\nNext: lisoloo routes set --route <+prefix>=${c.slug} --default <carrier>`,
  },
  {
    group: "carriers",
    name: "update",
    summary: "Change some of a carrier's settings; the others stay as they are",
    args: ["slug"],
    options: {
      kind: {
        type: "string",
        value: "smpp|http_relay",
        description: "The carrier's kind, needed only when --password-stdin is the only change",
      },
      ...smppOptions,
      ...relayOptions,
      ...passwordOption,
    },
    request: async (a, o, context) => {
      const kind = kindOf(o);
      if (kind === undefined) {
        if (o["password-stdin"])
          throw new UsageError("Say whose password it is: add --kind smpp or --kind http_relay");
        throw new UsageError("Nothing to change: give at least one setting (--help lists them)");
      }
      /** @type {Record<string, unknown>} */
      const settings = kind === "smpp" ? smppSettings(o) : relaySettings(o);
      if (o["password-stdin"]) settings.password = await passwordFromStdin(context);
      if (Object.keys(settings).length === 0)
        throw new UsageError("Nothing to change: give at least one setting (--help lists them)");
      return { method: "PATCH", path: `/carriers/${seg(a.slug ?? "")}`, body: { [kind]: settings } };
    },
    render: renderCarrier,
  },
  enableCommand("disable", false),
  enableCommand("enable", true),
  {
    group: "routes",
    name: "show",
    summary: "Show the routing table: number prefix → carrier, and the default route",
    args: [],
    request: () => ({ method: "GET", path: "/routes" }),
    render: renderRoutes,
  },
  {
    group: "routes",
    name: "set",
    summary: "Replace the whole routing table (it applies everywhere within 10 s)",
    args: [],
    options: {
      route: {
        type: "string",
        multiple: true,
        value: "+prefix=carrier",
        description: "A route; several prefixes share one as +24381,+24382=vodacom-cd",
      },
      default: {
        type: "string",
        value: "carrier|none",
        required: true,
        description: "Where numbers no prefix covers go (none: they fail 1501)",
      },
    },
    request: (_a, o) => {
      const fallback = text(o, "default");
      return {
        method: "PUT",
        path: "/routes",
        body: {
          routes: routePairs(/** @type {string[] | undefined} */ (o.route)),
          default_route: fallback === "none" ? null : fallback,
        },
      };
    },
    render: renderRoutes,
  },
];
