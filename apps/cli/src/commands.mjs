// Every command: its words, arguments and options, the admin API request it makes, and how its
// answer reads in a terminal. Requests and renderings are pure functions; cli.mjs does the I/O.
import { carrierCommands } from "./carrier-commands.mjs";
import { cell, fields, signed, table } from "./format.mjs";
import { resealCommand } from "./reseal-command.mjs";
import { smokeCommand } from "./smoke/command.mjs";
import {
  countries,
  defined,
  integer,
  number,
  orNull,
  rateLimits,
  UsageError,
  walletType,
} from "./values.mjs";
import {
  lastAnswer,
  renderHealth,
  renderKey,
  renderMerchant,
  renderNewKey,
  renderWallets,
} from "./views.mjs";

/**
 * @typedef {{ type: "string" | "boolean"; multiple?: boolean; value?: string; required?: boolean; description: string }} OptionSpec
 * @typedef {Record<string, string | boolean | string[] | undefined>} OptionValues
 * @typedef {{ method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; path: string; body?: Record<string, unknown> }} AdminRequest
 * @typedef {{ readStdin: () => Promise<string> }} RequestContext
 * @typedef {{
 *   group: string;
 *   name: string;
 *   summary: string;
 *   args: string[];
 *   options?: Record<string, OptionSpec>;
 *   help?: { about?: string; environment?: string; json?: string };
 * }} CommandWords
 * @typedef {CommandWords & {
 *   request: (args: Record<string, string>, options: OptionValues, context: RequestContext) => AdminRequest | Promise<AdminRequest>;
 *   render: (data: any, args: Record<string, string>, options: OptionValues) => string;
 *   failed?: (data: any) => boolean;
 * }} AdminCommand one admin API request, its answer rendered
 * @typedef {CommandWords & {
 *   execute: (options: OptionValues, io: import("./cli.mjs").CliIo) => Promise<number>;
 * }} ProgramCommand a program of its own (the smoke test), given the I/O and returning the exit status
 * @typedef {AdminCommand | ProgramCommand} Command
 */

/** @param {string} id */
const seg = (id) => encodeURIComponent(id);

const merchantOptions = /** @type {Record<string, OptionSpec>} */ ({
  "time-zone": { type: "string", value: "zone", description: "IANA time zone (default Africa/Kinshasa)" },
  currency: { type: "string", value: "code", description: "ISO 4217 currency (default USD)" },
  "unit-price": { type: "string", value: "amount", description: "Price of one message (default 0.01)" },
  "default-sender": { type: "string", value: "sender", description: "Sender shown when a send names none" },
  "allowed-countries": {
    type: "string",
    value: "CD,CG",
    description: "Destinations allowed (ISO 3166 codes)",
  },
  "rate-limit": {
    type: "string",
    multiple: true,
    value: "bucket=N",
    description: "Per-minute limit override, repeatable: send, status, balance, preview",
  },
});

/** @param {OptionValues} o */
function merchantFields(o) {
  return {
    time_zone: o["time-zone"],
    currency: o.currency,
    unit_price:
      o["unit-price"] === "none"
        ? null
        : number("--unit-price", /** @type {string | undefined} */ (o["unit-price"])),
    default_sender_id: orNull(/** @type {string | undefined} */ (o["default-sender"])),
    allowed_countries: countries(/** @type {string | undefined} */ (o["allowed-countries"])),
    rate_limits: rateLimits(/** @type {string[] | undefined} */ (o["rate-limit"])),
  };
}

/** @param {string} action @param {string} summary @returns {Command} */
function keyStatusCommand(action, summary) {
  return {
    group: "keys",
    name: action,
    summary,
    args: ["key_id"],
    request: (a) => ({ method: "POST", path: `/keys/${seg(a.key_id ?? "")}/${action}` }),
    render: renderKey,
  };
}

/** @type {Command[]} */
export const commands = [
  {
    group: "health",
    name: "",
    summary: "What needs attention: pipeline backlog, dead letters, webhooks, suspended keys, carriers",
    args: [],
    request: () => ({ method: "GET", path: "/health" }),
    render: renderHealth,
    // Exit 1 when degraded, so a script or a monitor can act on it.
    failed: (h) => h?.status !== "ok",
  },
  {
    group: "merchants",
    name: "create",
    summary: "Create a merchant and open its two wallets",
    args: [],
    options: {
      name: { type: "string", value: "name", required: true, description: "Merchant name" },
      ...merchantOptions,
      prepaid: { type: "string", value: "amount", description: "Opening balance of LISOLOO_SMS" },
      postpaid: { type: "string", value: "amount", description: "Opening balance of LISOLOO_POST_PAID" },
    },
    request: (_a, o) => {
      const wallets = defined({
        LISOLOO_SMS: number("--prepaid", /** @type {string | undefined} */ (o.prepaid)),
        LISOLOO_POST_PAID: number("--postpaid", /** @type {string | undefined} */ (o.postpaid)),
      });
      return {
        method: "POST",
        path: "/merchants",
        body: defined({
          name: o.name,
          ...merchantFields(o),
          wallets: Object.keys(wallets).length > 0 ? wallets : undefined,
        }),
      };
    },
    render: (m) => `${renderMerchant(m)}\n\nNext: lisoloo keys issue ${m.merchant_id}`,
  },
  {
    group: "merchants",
    name: "show",
    summary: "Show a merchant",
    args: ["merchant_id"],
    request: (a) => ({ method: "GET", path: `/merchants/${seg(a.merchant_id ?? "")}` }),
    render: renderMerchant,
  },
  {
    group: "merchants",
    name: "update",
    summary: "Change a merchant's settings (`none` clears unit price, sender or countries)",
    args: ["merchant_id"],
    options: { name: { type: "string", value: "name", description: "Merchant name" }, ...merchantOptions },
    request: (a, o) => {
      const body = defined({ name: o.name, ...merchantFields(o) });
      if (Object.keys(body).length === 0) throw new UsageError("Nothing to change: give at least one option");
      return { method: "PATCH", path: `/merchants/${seg(a.merchant_id ?? "")}`, body };
    },
    render: renderMerchant,
  },
  {
    group: "keys",
    name: "list",
    summary: "List a merchant's API keys",
    args: ["merchant_id"],
    request: (a) => ({ method: "GET", path: `/merchants/${seg(a.merchant_id ?? "")}/keys` }),
    render: (keys) =>
      table(
        ["key id", "key", "status", "last used", "webhook"],
        keys.map((/** @type {any} */ k) => [
          k.key_id,
          k.key,
          k.status,
          k.last_used_at,
          k.webhook?.webhook_url,
        ]),
      ),
  },
  {
    group: "keys",
    name: "show",
    summary: "Show one API key and its webhook settings",
    args: ["key_id"],
    request: (a) => ({ method: "GET", path: `/keys/${seg(a.key_id ?? "")}` }),
    render: renderKey,
  },
  {
    group: "keys",
    name: "issue",
    summary: "Issue a new API key for a merchant (the key is shown once)",
    args: ["merchant_id"],
    request: (a) => ({ method: "POST", path: `/merchants/${seg(a.merchant_id ?? "")}/keys` }),
    render: renderNewKey,
  },
  {
    group: "keys",
    name: "regenerate",
    summary: "Replace a key by a new one; the old one stops at once or after a grace period",
    args: ["key_id"],
    options: {
      "grace-seconds": {
        type: "string",
        value: "N",
        description: "Seconds the old key keeps working (default 0)",
      },
    },
    request: (a, o) => ({
      method: "POST",
      path: `/keys/${seg(a.key_id ?? "")}/regenerate`,
      body: defined({
        grace_seconds: integer("--grace-seconds", /** @type {string | undefined} */ (o["grace-seconds"])),
      }),
    }),
    render: (k, _a, o) => {
      const grace = Number(o["grace-seconds"] ?? 0);
      const old = grace > 0 ? `keeps working for ${grace} s` : "no longer works";
      return `${renderNewKey(k)}\n\nThe old key ${k.replaces} ${old}.`;
    },
  },
  keyStatusCommand("suspend", "Suspend a key (403 1004 until activated)"),
  keyStatusCommand(
    "activate",
    "Make a key ACTIVE again (also ends a 1302 suspension early; not a revoked one)",
  ),
  keyStatusCommand("expire", "Expire a key (403 1002)"),
  keyStatusCommand("revoke", "Revoke a key for good (401 1001)"),
  {
    group: "keys",
    name: "webhook",
    summary: "Set a key's webhook URL and Basic credentials (`--url none` removes the URL)",
    args: ["key_id"],
    options: {
      url: { type: "string", value: "https-url", description: "Where events are sent" },
      username: { type: "string", value: "user", description: "Basic auth username" },
      password: { type: "string", value: "secret", description: "Basic auth password (stored encrypted)" },
      "password-stdin": { type: "boolean", description: "Read the password from standard input instead" },
      "clear-auth": { type: "boolean", description: "Remove the Basic credentials" },
    },
    request: async (a, o, context) => {
      const path = `/keys/${seg(a.key_id ?? "")}/webhook`;
      const setsSomething = o.url !== undefined || o.username !== undefined || o.password !== undefined;
      if (o["clear-auth"]) {
        if (setsSomething || o["password-stdin"])
          throw new UsageError("--clear-auth cannot be combined with other options");
        return { method: "DELETE", path };
      }
      if (o.password !== undefined && o["password-stdin"])
        throw new UsageError("Give --password or --password-stdin, not both");
      const password = o["password-stdin"] ? (await context.readStdin()).split(/\r?\n/)[0] : o.password;
      const body = defined({
        webhook_url: orNull(/** @type {string | undefined} */ (o.url)),
        webhook_basic_auth_username: orNull(/** @type {string | undefined} */ (o.username)),
        webhook_basic_auth_password: password,
      });
      if (Object.keys(body).length === 0)
        throw new UsageError("Nothing to change: give --url, --username/--password or --clear-auth");
      return { method: "PUT", path, body };
    },
    render: renderKey,
  },
  {
    group: "webhooks",
    name: "list",
    summary: "List a send's webhook events with their delivery attempts",
    args: ["message_id"],
    request: (a) => ({ method: "GET", path: `/messages/${seg(a.message_id ?? "")}/webhooks` }),
    render: (d) =>
      `Webhook events of ${d.message_id} (${d.events.length})\n${table(
        ["event id", "type", "seq", "status", "attempts", "last answer", "next attempt"],
        d.events.map((/** @type {any} */ e) => [
          e.event_id,
          e.event_type,
          e.sequence,
          e.status,
          e.attempt_count,
          lastAnswer(e),
          e.next_attempt_at,
        ]),
      )}`,
  },
  {
    group: "webhooks",
    name: "replay",
    summary: "Deliver a dead or delivered event again, with a fresh retry budget",
    args: ["event_id"],
    request: (a) => ({ method: "POST", path: `/webhooks/${seg(a.event_id ?? "")}/replay` }),
    render: (e) => `Event ${e.event_id} (${e.event_type}) queued again: status ${e.status}.`,
  },
  {
    group: "webhooks",
    name: "ping",
    summary: "Send one signed test event to a key's webhook and show the answer",
    args: ["key_id"],
    request: (a) => ({ method: "POST", path: `/keys/${seg(a.key_id ?? "")}/webhook/ping` }),
    render: (p) => {
      const answer = p.response_status === null ? (p.error ?? "no answer") : `HTTP ${p.response_status}`;
      const head = `Ping ${p.delivered ? "delivered" : "NOT delivered"} to ${p.destination}: ${answer} in ${p.duration_ms} ms`;
      return p.response_body ? `${head}\n  answer: ${cell(p.response_body).slice(0, 300)}` : head;
    },
    failed: (p) => !p.delivered,
  },
  {
    group: "webhooks",
    name: "rotate-secret",
    summary: "Replace a key's whsec_ signing secret; the old one keeps signing for an overlap",
    args: ["key_id"],
    request: (a) => ({ method: "POST", path: `/keys/${seg(a.key_id ?? "")}/webhook/rotate-secret` }),
    render: (k) =>
      fields(`New signing secret of ${k.key_id}`, [
        ["secret", k.webhook?.webhook_signing_secret],
        ["old secret signs until", k.webhook?.previous_secret_valid_until],
      ]),
  },
  {
    group: "wallets",
    name: "show",
    summary: "Show a merchant's balances and wallet ledger",
    args: ["merchant_id"],
    request: (a) => ({ method: "GET", path: `/merchants/${seg(a.merchant_id ?? "")}/wallets` }),
    render: (d, a) =>
      `${renderWallets(a.merchant_id ?? "", d.wallets)}\n\nLedger (${d.ledger.length})\n${table(
        ["when", "wallet", "amount", "reason", "message", "reference", "note"],
        d.ledger.map((/** @type {any} */ r) => [
          r.created_at,
          r.wallet,
          signed(r.amount),
          r.reason,
          r.message_id,
          r.reference,
          r.note,
        ]),
      )}`,
  },
  ...["topup", "adjust"].map(
    (movement) =>
      /** @type {Command} */ ({
        group: "wallets",
        name: movement,
        summary:
          movement === "topup"
            ? "Credit a wallet (a ledger row with reason topup)"
            : "Correct a wallet by a signed amount, with a note (reason adjustment)",
        args: ["merchant_id", "wallet", "amount"],
        options: {
          reference: { type: "string", value: "ref", description: "Your reference; unique per merchant" },
          note: {
            type: "string",
            value: "text",
            required: movement === "adjust",
            description: movement === "adjust" ? "Why the balance is corrected" : "Free text",
          },
        },
        request: (a, o) => ({
          method: "POST",
          path: `/merchants/${seg(a.merchant_id ?? "")}/wallets/${walletType(a.wallet ?? "")}/${movement === "topup" ? "topups" : "adjustments"}`,
          body: defined({ amount: number("amount", a.amount), reference: o.reference, note: o.note }),
        }),
        render: (d, a) => {
          const verb = movement === "topup" ? "Topped up" : "Adjusted";
          return `${verb} ${walletType(a.wallet ?? "")} by ${signed(Number(a.amount))}.\n${renderWallets(a.merchant_id ?? "", d.wallets)}`;
        },
      }),
  ),
  ...carrierCommands,
  resealCommand,
  smokeCommand,
];

/** The command's arguments, as `<name>` words. @param {Command} command */
export function usageOf(command) {
  const required = Object.entries(command.options ?? {})
    .filter(([, spec]) => spec.required)
    .map(([flag, spec]) => `--${flag} <${spec.value ?? flag}>`);
  return [
    "lisoloo",
    command.group,
    ...(command.name ? [command.name] : []),
    ...command.args.map((a) => `<${a}>`),
    ...required,
    "[options]",
  ].join(" ");
}
