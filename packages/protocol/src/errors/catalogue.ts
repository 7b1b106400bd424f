/**
 * The error catalogue of the Lisoloo API (CONTRACT §3). Codes, names and HTTP statuses are part of
 * the public wire contract: never renumber, only add.
 *
 * @example
 * import { errorCatalogue } from "@lisoloo/protocol/errors";
 *
 * for (const { code, name, http, retryable } of errorCatalogue) {
 *   console.log(code, name, http ?? "(not HTTP)", retryable ? "retryable" : "final");
 * }
 * // 1001 INVALID_APP_KEY 401 final
 * // 1002 APP_KEY_EXPIRED 403 final
 * // …
 * // 1301 RATE_LIMIT_EXCEEDED 429 retryable
 * // …
 * // 1505 SMS_EXPIRED (not HTTP) final
 *
 * // A code read from the wire is a plain string, maybe newer than this package: find it
 * const wireCode: string = "1202";
 * const entry = errorCatalogue.find((e) => e.code === wireCode);
 * console.log(entry?.name); // INSUFFICIENT_BALANCE
 */
export const errorCatalogue = [
  {
    code: "1001",
    name: "INVALID_APP_KEY",
    http: 401,
    retryable: false,
    message: "Missing or invalid app-key",
  },
  { code: "1002", name: "APP_KEY_EXPIRED", http: 403, retryable: false, message: "App-key has expired" },
  { code: "1004", name: "APP_SUSPENDED", http: 403, retryable: false, message: "Application is suspended" },
  { code: "1101", name: "INVALID_RECIPIENTS", http: 400, retryable: false, message: "Invalid recipients" },
  { code: "1102", name: "INVALID_SENDER_ID", http: 400, retryable: false, message: "Invalid sender ID" },
  { code: "1103", name: "INVALID_SCHEDULE", http: 400, retryable: false, message: "Invalid schedule" },
  {
    code: "1104",
    name: "INVALID_PHONE_NUMBER",
    http: 400,
    retryable: false,
    message: "Invalid phone number",
  },
  {
    code: "1105",
    name: "INVALID_CALLBACK_URL",
    http: 400,
    retryable: false,
    message: "Invalid callback URL",
  },
  {
    code: "1106",
    name: "INVALID_JSON",
    http: 400,
    retryable: false,
    message: "Request body must be a JSON object",
  },
  {
    code: "1108",
    name: "IDEMPOTENCY_KEY_REUSED",
    http: 422,
    retryable: false,
    message: "Idempotency-Key was already used with a different request body",
  },
  {
    code: "1109",
    name: "MISSING_REQUIRED_FIELD",
    http: 400,
    retryable: false,
    message: "Missing required field",
  },
  {
    code: "1110",
    name: "INVALID_FIELD_FORMAT",
    http: 400,
    retryable: false,
    message: "Invalid field format",
  },
  { code: "1201", name: "MESSAGE_NOT_FOUND", http: 404, retryable: false, message: "Message not found" },
  {
    code: "1202",
    name: "INSUFFICIENT_BALANCE",
    http: 402,
    retryable: false,
    message: "Insufficient balance",
  },
  {
    code: "1203",
    name: "RECIPIENT_LIMIT_EXCEEDED",
    http: 400,
    retryable: false,
    message: "Too many recipients (maximum 1000)",
  },
  {
    code: "1204",
    name: "INVALID_STATE",
    http: 409,
    retryable: false,
    message: "Operation not allowed in the current state",
  },
  {
    code: "1205",
    name: "NO_WALLET",
    http: 400,
    retryable: false,
    message: "No wallet found for this merchant",
  },
  { code: "1301", name: "RATE_LIMIT_EXCEEDED", http: 429, retryable: true, message: "Rate limit exceeded" },
  {
    code: "1302",
    name: "SUSPICIOUS_ACTIVITY",
    http: 403,
    retryable: false,
    message: "Suspicious activity: app-key suspended for 15 minutes",
  },
  {
    code: "1303",
    name: "IDEMPOTENCY_IN_PROGRESS",
    http: 409,
    retryable: true,
    message: "A request with this Idempotency-Key is still in progress",
  },
  {
    code: "1304",
    name: "PAYLOAD_TOO_LARGE",
    http: 413,
    retryable: false,
    message: "Request body is too large (maximum 256 KiB)",
  },
  {
    code: "1305",
    name: "DESTINATION_NOT_ALLOWED",
    http: 403,
    retryable: false,
    message: "Destination country is not allowed",
  },
  {
    code: "1401",
    name: "INTERNAL_SERVER_ERROR",
    http: 500,
    retryable: true,
    message: "Internal server error",
  },
  {
    code: "1402",
    name: "SERVICE_UNAVAILABLE",
    http: 503,
    retryable: true,
    message: "Service temporarily unavailable",
  },
  { code: "1403", name: "ROUTE_NOT_FOUND", http: 404, retryable: false, message: "Route not found" },
  { code: "1404", name: "METHOD_NOT_ALLOWED", http: 405, retryable: false, message: "Method not allowed" },
  {
    code: "1501",
    name: "CARRIER_UNAVAILABLE",
    http: null,
    retryable: false,
    message: "No carrier could take the message",
  },
  {
    code: "1502",
    name: "SMS_REJECTED_BY_CARRIER",
    http: null,
    retryable: false,
    message: "Rejected by the carrier",
  },
  {
    code: "1503",
    name: "SMS_TIMEOUT",
    http: null,
    retryable: false,
    message: "No final receipt within the validity period",
  },
  { code: "1504", name: "SMS_UNDELIVERABLE", http: null, retryable: false, message: "Undeliverable" },
  { code: "1505", name: "SMS_EXPIRED", http: null, retryable: false, message: "Expired at the carrier" },
] as const;

export type ErrorEntry = (typeof errorCatalogue)[number];
export type ErrorCode = ErrorEntry["code"];
export type ErrorName = ErrorEntry["name"];
/** Codes answered over HTTP (the 15xx codes only appear in events and recipient detail). */
export type HttpErrorCode = Extract<ErrorEntry, { http: number }>["code"];

const byCode = new Map<string, ErrorEntry>(errorCatalogue.map((e) => [e.code, e]));

/**
 * Looks up a catalogue entry by a code known at compile time. A code read from the wire is a plain
 * string that may be newer than this package: find it in {@link errorCatalogue} instead.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { errorByCode, httpStatusOf } from "@lisoloo/protocol/errors";
 *
 * const entry = errorByCode("1301");
 * assert.equal(entry.name, "RATE_LIMIT_EXCEEDED");
 * assert.equal(entry.http, 429);
 * assert.equal(entry.retryable, true);
 * assert.equal(httpStatusOf("1202"), 402); // takes only codes answered over HTTP (not 15xx)
 */
export function errorByCode<C extends ErrorCode>(code: C): Extract<ErrorEntry, { code: C }> {
  return byCode.get(code) as Extract<ErrorEntry, { code: C }>;
}

/**
 * The HTTP status a code is answered with.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { errorByCode, httpStatusOf } from "@lisoloo/protocol/errors";
 *
 * const entry = errorByCode("1301");
 * assert.equal(entry.name, "RATE_LIMIT_EXCEEDED");
 * assert.equal(entry.http, 429);
 * assert.equal(entry.retryable, true);
 * assert.equal(httpStatusOf("1202"), 402); // takes only codes answered over HTTP (not 15xx)
 */
export function httpStatusOf(code: HttpErrorCode): number {
  return errorByCode(code).http as number;
}
