/**
 * The gateway's one logger: a JSON line per record, with one field schema everywhere, so an
 * operator can filter Workers Logs by `event`, `request_id`, `merchant_id` or `message_id` whatever
 * wrote the line. Values under a secret-looking name are replaced before they are written: a key,
 * a password or a token never reaches the logs, even when a caller passes one by mistake.
 *
 * @example
 * log.error("queue.malformed", { queue_message_id: message.id, error });
 * log.info("cron", { scheduled_time: isoSeconds(now), released: 3 });
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The fields every record may carry; anything else goes along as is (after redaction). */
export type LogFields = {
  request_id?: string;
  merchant_id?: string;
  key_id?: string;
  message_id?: string;
  delivery_id?: number;
  carrier?: string;
  /** An error: written as its message (and cause chain), its stack as `stack`. */
  error?: unknown;
  [field: string]: unknown;
};

const SECRET_NAME = /pass(word)?|secret|token|a(pp|pi)[-_]?key|authorization|credential|cookie/i;
const REDACTED = "[redacted]";

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" ← ");
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

/** One record as the line written: level, event, then the fields, secrets redacted. */
export function logRecord(level: LogLevel, event: string, fields: LogFields = {}): Record<string, unknown> {
  const { error, ...rest } = fields;
  const record: Record<string, unknown> = { level, event, ...(redact(rest) as Record<string, unknown>) };
  if (error !== undefined) {
    record.error = errorText(error);
    if (error instanceof Error && error.stack) record.stack = error.stack;
  }
  return record;
}

function write(level: LogLevel, event: string, fields?: LogFields): void {
  const line = JSON.stringify(logRecord(level, event, fields));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields?: LogFields) => write("debug", event, fields),
  info: (event: string, fields?: LogFields) => write("info", event, fields),
  warn: (event: string, fields?: LogFields) => write("warn", event, fields),
  error: (event: string, fields?: LogFields) => write("error", event, fields),
};
