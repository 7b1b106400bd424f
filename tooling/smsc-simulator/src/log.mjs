// One line per thing that happened, for a person watching `lisoloo-smsc` (or, with --json, for a
// program reading its output).
import smpp from "smpp";

/**
 * @typedef {import("./types.js").BindRecord} BindRecord
 * @typedef {import("./types.js").SubmitRecord} SubmitRecord
 * @typedef {import("./types.js").ReceiptRecord} ReceiptRecord
 * @typedef {import("./types.js").Smsc} Smsc
 */

/** command_status → its ESME_ name, from the smpp package's table. */
const statusNames = new Map(
  Object.entries(smpp)
    .filter(([name, value]) => name.startsWith("ESME_") && typeof value === "number")
    .map(([name, value]) => [/** @type {number} */ (value), name]),
);

/** `0x58 ESME_RTHROTTLED` @param {number} status */
export function describeStatus(status) {
  const hex = `0x${status.toString(16).toUpperCase().padStart(2, "0")}`;
  const name = statusNames.get(status);
  return name ? `${hex} ${name}` : hex;
}

/** @param {string | null} text */
function excerpt(text) {
  if (text === null) return "(binary)";
  const chars = [...text];
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 39).join("")}…` : text);
}

/** @param {BindRecord} b */
export function bindLine(b) {
  const result =
    b.status === 0 ? (b.silent ? "ok, then silent" : "ok") : `refused ${describeStatus(b.status)}`;
  return `bind #${b.id} ${b.mode} ${b.systemId} from port ${b.remotePort}: ${result}`;
}

/** @param {BindRecord} b */
export function bindEndLine(b) {
  return `bind #${b.id} ended (${b.end}): ${b.submits} submits, most outstanding at once ${b.maxOutstanding}`;
}

/** @param {SubmitRecord} s */
export function submitLine(s) {
  const part = s.udh ? ` part ${s.udh.seq}/${s.udh.total} ref ${s.udh.ref}` : "";
  let answer;
  if (s.status === null || s.outcome === "unanswered") answer = "no answer";
  else if (s.status === 0) answer = `ok ${s.messageId}`;
  else answer = describeStatus(s.status);
  if (s.outcome === "pending") answer += " (answer delayed)";
  const bind = s.bindId === null ? "unbound" : `bind #${s.bindId}`;
  return `submit #${s.id} ${bind} ${s.source_addr} → ${s.destination_addr} dc ${s.data_coding}${part} ${excerpt(s.text)}: ${answer}`;
}

/** @param {ReceiptRecord} r */
export function receiptLine(r) {
  const copy = r.copy > 1 ? ` (copy ${r.copy})` : "";
  const what = `receipt ${r.receiptId} ${r.stat}${copy} for ${r.source_addr}`;
  const last = r.attempts.at(-1);
  switch (r.status) {
    case "pending":
      return `${what} on bind #${last?.bindId}${r.attempts.length > 1 ? `, attempt ${r.attempts.length}` : ""}`;
    case "queued":
      return `${what}: queued for the next bind`;
    case "rejected":
      return `${what}: rejected ${describeStatus(last?.respStatus ?? 0)}`;
    default:
      return `${what}: ${r.status}`;
  }
}

/**
 * Writes a line per bind, submit and receipt (acknowledged receipts need none: their send line said it).
 * @param {Smsc} smsc
 * @param {(line: string) => void} write
 * @param {{ json?: boolean }} [options]
 */
export function logTraffic(smsc, write, options = {}) {
  /**
   * @template {object} R
   * @param {string} event
   * @param {(record: R) => string} format
   * @returns {(record: R) => void}
   */
  const line = (event, format) => (record) =>
    write(options.json ? JSON.stringify({ event, ...record }) : format(record));
  smsc.on("bind", line("bind", bindLine));
  smsc.on("bind-end", line("bind-end", bindEndLine));
  smsc.on("submit", line("submit", submitLine));
  smsc.on("receipt", line("receipt", receiptLine));
  const ack = line("receipt-ack", receiptLine);
  smsc.on("receipt-ack", (record) => {
    if (options.json || record.status !== "acknowledged") ack(record);
  });
}
