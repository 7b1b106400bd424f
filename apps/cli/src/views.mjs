// How the admin API's answers read in a terminal.
import { renderCarrierHealth } from "./carrier-views.mjs";
import { cell, fields, table } from "./format.mjs";

/** @param {any} m */
export function renderMerchant(m) {
  const limits = m.rate_limits && Object.keys(m.rate_limits).length > 0 ? m.rate_limits : "contract defaults";
  // The D1 database holding the merchant's data (`DB_0`, …): where an operator looks for its rows.
  /** @type {[string, unknown][]} */
  const shard = m.shard === undefined ? [] : [["shard", m.shard]];
  return fields(`Merchant ${m.merchant_id}`, [
    ["name", m.name],
    ...shard,
    ["time zone", m.time_zone],
    ["currency", m.currency],
    ["unit price", m.unit_price ?? "0.01 (default)"],
    ["default sender", m.default_sender_id ?? "LISOLOO (default)"],
    ["allowed countries", m.allowed_countries ?? "all"],
    ["rate limits", limits],
    ["created", m.created_at],
  ]);
}

/** @param {any} k */
export function renderKey(k) {
  const w = k.webhook ?? {};
  const auth = w.webhook_basic_auth_username
    ? `${w.webhook_basic_auth_username} / ${w.webhook_basic_auth_password_set ? "password set" : "no password"}`
    : null;
  return fields(`Key ${k.key_id} (${k.environment}, merchant ${k.merchant_id})`, [
    ["key", k.key],
    ["status", k.status],
    ["suspended", suspensionText(k.suspension)],
    ["revokes at", k.revoke_at],
    ["last used", k.last_used_at],
    ["webhook url", w.webhook_url],
    ["basic auth", auth],
    ["signing secret", w.webhook_signing_secret],
    ["webhook disabled", w.disabled_at],
    ["created", k.created_at],
  ]);
}

/** Why a key is suspended, and until when. @param {any} s */
function suspensionText(s) {
  if (!s) return null;
  if (s.reason === "operator") return "by an operator, until activated";
  if (s.reason === "rate_limit_abuse") return `for rate-limit abuse (1302) until ${s.suspended_until}`;
  return `${s.reason} until ${s.suspended_until ?? "activated"}`;
}

/** @param {any} k */
export function renderNewKey(k) {
  return `New API key, shown this once — store it now:\n  ${k.api_key}\n\n${renderKey(k)}`;
}

/** @param {string} merchantId @param {any[]} wallets */
export function renderWallets(merchantId, wallets) {
  // The sum the merchant's GET /balance answers as `balance` (a missing wallet counts 0), added in
  // micro-units so 0.1 + 0.2 prints 0.3.
  const micros = wallets.reduce((sum, w) => sum + Math.round((w.balance ?? 0) * 1e6), 0);
  /** @type {[string, unknown][]} */
  const rows = wallets.map((w) => [w.type, w.balance ?? "no wallet"]);
  rows.push(["balance (both)", micros / 1e6]);
  return fields(`Wallets of ${merchantId}`, rows);
}

/** @param {any} e */
export function lastAnswer(e) {
  const last = e.attempts?.[e.attempts.length - 1];
  if (!last) return null;
  return `${last.response_status ?? last.error ?? "no answer"} (${last.verdict})`;
}

/**
 * A duration in seconds as an operator reads it: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
 * @param {number | null | undefined} seconds
 * @example age(3900) // "1 h 5 min"
 */
export function age(seconds) {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The operator health view: the verdict and its reasons first, then each part as a table.
 * @param {any} h
 */
export function renderHealth(h) {
  /** A count that reached the view's cap reads "10000+". @param {number} n */
  const count = (n) => (n >= h.count_cap ? `${n}+` : String(n));
  const p = h.pipeline;
  const backlog = (/** @type {string} */ name, /** @type {any} */ b) => [
    name,
    count(b.count),
    count(b.older_than_1m),
    count(b.older_than_5m),
    count(b.older_than_1h),
    age(b.oldest_age_seconds),
  ];
  const overdue = (/** @type {string} */ name, /** @type {any} */ o) => [
    name,
    count(o.count),
    age(o.oldest_age_seconds),
  ];
  const d = h.dead_letters;
  const w = h.webhooks;
  const c = h.carriers;
  return [
    `Gateway health: ${String(h.status).toUpperCase()} (checked ${h.checked_at})`,
    ...(h.problems.length > 0
      ? h.problems.map((/** @type {string} */ text) => `  ! ${text}`)
      : ["  no problems"]),
    "",
    "Send pipeline",
    table(
      ["deliveries", "count", "> 1 min", "> 5 min", "> 1 h", "oldest"],
      [backlog("pending", p.pending), backlog("processing", p.processing)],
    ),
    "",
    table(
      ["overdue", "count", "oldest"],
      [
        overdue("dispatches due, not released", p.dispatches_due),
        overdue("claimed, no carrier id (> 2 min)", p.processing_without_carrier_id),
        overdue("open past validity (> 2 min)", p.past_expiry),
      ],
    ),
    "",
    fields("Dead letters", [
      [
        "last hour",
        `${count(d.last_hour.messages)} messages, ${count(d.last_hour.deliveries_failed)} deliveries failed 1501`,
      ],
      [
        "last day",
        `${count(d.last_day.messages)} messages, ${count(d.last_day.deliveries_failed)} deliveries failed 1501`,
      ],
    ]),
    ...(d.latest.length > 0
      ? [
          table(
            ["queue message", "kind", "message id", "dispatch", "recipients", "age"],
            d.latest.map((/** @type {any} */ l) => [
              l.queue_message_id,
              l.kind,
              l.message_id,
              l.dispatch_seq,
              l.recipients ? `${l.recipients[0]}–${l.recipients[1]}` : null,
              age(l.age_seconds),
            ]),
          ),
        ]
      : []),
    "",
    `Webhooks: ${count(w.pending.count)} pending (oldest ${cell(age(w.pending.oldest_age_seconds))}), ${count(w.pending.stalled)} stalled`,
    table(
      ["destination", "shard", "pending", "oldest", "queued", "in flight", "due", "next attempt"],
      w.top_destinations.map((/** @type {any} */ t) => [
        t.destination ?? "(not routed yet)",
        t.shard,
        count(t.pending),
        age(t.oldest_pending_age_seconds),
        t.dispatcher?.queued,
        t.dispatcher?.in_flight,
        t.dispatcher?.due,
        t.dispatcher?.next_attempt_at,
      ]),
    ),
    "",
    `Dead webhook events, last 24 h: ${count(w.dead_last_24h.count)}`,
    table(
      ["destination", "dead"],
      w.dead_last_24h.top_destinations.map((/** @type {any} */ t) => [t.destination, t.dead]),
    ),
    "",
    "Key webhooks disabled by a 410",
    table(
      ["key id", "merchant", "webhook url", "disabled at"],
      w.disabled_key_webhooks.map((/** @type {any} */ k) => [
        k.key_id,
        k.merchant_id,
        k.webhook_url,
        k.disabled_at,
      ]),
    ),
    "",
    "Keys suspended for rate-limit abuse (1302)",
    table(
      ["key id", "merchant", "until"],
      h.keys.suspended.map((/** @type {any} */ k) => [k.key_id, k.merchant_id, k.suspended_until]),
    ),
    "",
    renderCarrierHealth(c),
  ].join("\n");
}
