// Plain-text rendering for a terminal: aligned label/value lists and tables, no colours, so the
// output reads the same in a pipe, a log file or a CI job.

const EMPTY = "—";

/**
 * A value as one cell: `—` for null/undefined/empty, lists joined by commas, objects as `k=v` pairs.
 * @param {unknown} value
 * @returns {string}
 * @example cell(null) // "—"
 * @example cell({ send: 100 }) // "send=100"
 */
export function cell(value) {
  if (value === null || value === undefined || value === "") return EMPTY;
  if (Array.isArray(value)) return value.length === 0 ? EMPTY : value.map(cell).join(", ");
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? EMPTY : entries.map(([k, v]) => `${k}=${cell(v)}`).join(" ");
  }
  return String(value);
}

/**
 * A heading followed by indented, aligned `label  value` lines.
 * @param {string} heading
 * @param {[string, unknown][]} pairs
 * @returns {string}
 * @example fields("Merchant mch_1", [["name", "Acme"], ["unit price", 0.02]])
 * // "Merchant mch_1\n  name        Acme\n  unit price  0.02"
 */
export function fields(heading, pairs) {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return [heading, ...pairs.map(([label, value]) => `  ${label.padEnd(width)}  ${cell(value)}`)].join("\n");
}

/**
 * Rows under upper-case headers, columns padded to their widest cell; `(none)` when empty.
 * @param {string[]} headers
 * @param {unknown[][]} rows
 * @returns {string}
 * @example table(["id", "status"], [["key_1", "ACTIVE"]]) // "ID     STATUS\nkey_1  ACTIVE"
 */
export function table(headers, rows) {
  if (rows.length === 0) return "(none)";
  const text = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, i) => Math.max(...text.map((row) => (row[i] ?? "").length)));
  return text
    .map((row) =>
      row
        .map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * A signed amount, so credits and debits read apart in a ledger.
 * @param {number} amount
 * @returns {string}
 * @example signed(5) // "+5"
 */
export function signed(amount) {
  return amount > 0 ? `+${amount}` : String(amount);
}

/**
 * The lines an operator needs from an error envelope: code, HTTP status, message, every field finding
 * and the request id to quote. Anything that is not an envelope is shown as the start of the body.
 * @param {number} status
 * @param {unknown} body
 * @returns {string}
 * @example formatApiError(404, { error_code: "1403", message: "Merchant not found", details: null, request_id: "req_1" })
 * // "Error 1403 (HTTP 404): Merchant not found\n  request id: req_1"
 */
export function formatApiError(status, body) {
  if (body && typeof body === "object" && "error_code" in body) {
    const envelope = /** @type {Record<string, any>} */ (body);
    const lines = [`Error ${envelope.error_code} (HTTP ${status}): ${envelope.message}`];
    for (const detail of envelope.details ?? []) {
      lines.push(`  - ${detail.field}: ${detail.message}${detail.code ? ` [${detail.code}]` : ""}`);
    }
    if (envelope.retry_after != null) lines.push(`  retry after: ${envelope.retry_after} s`);
    if (envelope.request_id) lines.push(`  request id: ${envelope.request_id}`);
    return lines.join("\n");
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return `Error: HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ""}`;
}
