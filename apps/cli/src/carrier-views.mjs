// How carriers and the routing table read in a terminal.
import { fields, table } from "./format.mjs";

/** @param {boolean} value */
const yesNo = (value) => (value ? "yes" : "no");

/** @param {any} c */
function connectorText(c) {
  if (!c.has_connector) return "none yet: sends routed here fail 1501 (refunded)";
  return c.enabled ? "yes" : "yes, but the carrier is disabled: its sends fail 1501";
}

/** @param {number | null} throughput */
const throughputText = (throughput) => (throughput === null ? "no cap" : `${throughput} messages/s per bind`);

/** The binds of an SMPP carrier, one row each. @param {any[]} binds */
export function renderBinds(binds) {
  return table(
    ["bind", "state", "window in use", "submits/min", "receipts/min", "error"],
    binds.map((b, i) => [
      i + 1,
      b.state,
      b.window_in_use,
      b.submits_last_minute,
      b.receipts_last_minute,
      b.error,
    ]),
  );
}

/**
 * One carrier: its kind's settings (the password only as set or not), and for an SMPP carrier shown
 * alone, its binds.
 * @param {any} c
 */
export function renderCarrier(c) {
  /** @type {[string, unknown][]} */
  const head = [
    ["enabled", yesNo(c.enabled)],
    ["connector", connectorText(c)],
  ];
  /** @type {[string, unknown][]} */
  let settings = [];
  if (c.kind === "smpp") {
    const s = c.smpp ?? {};
    settings = [
      ["host", s.host],
      ["port", s.port],
      ["tls", yesNo(s.tls)],
      ["system id", s.system_id],
      ["password", s.password_set ? "set" : "not set"],
      ["system type", s.system_type],
      ["binds", s.binds],
      ["window", s.window],
      ["throughput", throughputText(s.throughput)],
      ["receipt ids", s.receipt_id_format],
    ];
  } else if (c.kind === "http_relay") {
    const s = c.http_relay ?? {};
    settings = [
      ["sendsms url", s.sendsms_url],
      ["username", s.username],
      ["password", s.password_set ? "set" : "not set"],
      ["smsc", s.smsc ?? "(the relay chooses)"],
      ["timeout", `${s.timeout_ms} ms`],
      ["concurrency", s.concurrency],
      ["dlr auth", s.receipt_basic_auth ? "signature and Basic" : "signature"],
    ];
  }
  const text = fields(`Carrier ${c.slug} (${c.kind})`, [
    ...head,
    ...settings,
    ["created", c.created_at],
    ["updated", c.updated_at],
  ]);
  return Array.isArray(c.binds) ? `${text}\n\nBinds\n${renderBinds(c.binds)}` : text;
}

/** Where a carrier sends to, in one cell. @param {any} c */
function endpointOf(c) {
  if (c.kind === "smpp") return `${c.smpp?.host}:${c.smpp?.port}${c.smpp?.tls ? " (TLS)" : ""}`;
  if (c.kind === "http_relay") return c.http_relay?.sendsms_url;
  return null;
}

/** @param {any[]} list */
export function renderCarriers(list) {
  return `Carriers (${list.length})\n${table(
    ["slug", "kind", "enabled", "connector", "endpoint"],
    list.map((c) => [c.slug, c.kind, yesNo(c.enabled), c.has_connector ? "yes" : "NONE", endpointOf(c)]),
  )}`;
}

/** @param {any} r */
export function renderRoutes(r) {
  const routes = Object.entries(r.routes ?? {});
  const fallback =
    r.default_route === null
      ? "Default route: none (numbers no prefix covers fail 1501, refunded)"
      : `Default route: ${r.default_route}`;
  return [
    `Routes (${routes.length}; the longest prefix wins)`,
    table(["prefix", "carrier"], routes),
    fallback,
  ].join("\n");
}

/** The carriers part of `lisoloo health`. @param {any} c */
export function renderCarrierHealth(c) {
  const heading =
    c.routing_source === "sandbox"
      ? "Carriers (sandbox: every number goes to the stub)"
      : `Carriers (routes from PUT /admin/v1/routes, default route ${c.default_route ?? "none"})`;
  return `${heading}\n${table(
    ["slug", "kind", "enabled", "connector", "prefixes", "default", "binds"],
    c.carriers.map((/** @type {any} */ r) => [
      r.slug,
      r.kind,
      yesNo(r.enabled),
      r.has_connector ? "yes" : "NONE",
      r.prefixes,
      yesNo(r.default_route),
      bindsText(r.binds),
    ]),
  )}`;
}

/** @param {any[] | null} binds */
function bindsText(binds) {
  if (!binds) return null;
  if (binds.length === 0) return "none";
  return `${binds.filter((b) => b.state === "bound").length}/${binds.length} bound`;
}
