import { errorByCode, type HttpErrorCode } from "@lisoloo/protocol";
import type { JsonSchema } from "./components";

/** Codes every app-key route can answer, whatever it does: the key, the rate limit, the service. */
export const authenticatedErrorCodes = [
  "1001",
  "1002",
  "1004",
  "1301",
  "1302",
  "1401",
  "1402",
] as const satisfies readonly HttpErrorCode[];

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** What the gateway says beyond the catalogue for the codes whose answer a newcomer most often meets. */
const exampleSpecifics: Partial<Record<HttpErrorCode, { message?: string; details: unknown[] }>> = {
  "1001": {
    details: [{ field: "app-key", message: "The app-key header is missing", code: "INVALID_APP_KEY" }],
  },
  "1104": {
    details: [{ field: "to[0]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" }],
  },
  "1106": {
    message: "Content-Type must be application/json",
    details: [
      { field: "Content-Type", message: 'Must be application/json, got "text/plain"', code: "INVALID_JSON" },
    ],
  },
  "1202": {
    details: [
      { field: "total_cost", message: "Needed 2.00 USD, available 0.50 USD", code: "INSUFFICIENT_BALANCE" },
    ],
  },
};

/** An envelope as the API would answer `code`, for the documentation's examples. */
export function errorExample(code: HttpErrorCode) {
  const entry = errorByCode(code);
  const retryAfter = code === "1301" ? 42 : code === "1303" ? 1 : null;
  const specific = exampleSpecifics[code];
  const message = specific?.message ?? entry.message;
  return {
    success: false,
    status_code: entry.http,
    error_code: entry.code,
    message,
    detail: message,
    details: specific?.details ?? null,
    timestamp: "2026-05-27T10:15:00Z",
    request_id: "req_8f3a4c2e9b1d7a6f",
    retryable: entry.retryable,
    retry_after: retryAfter,
  };
}

/** Numeric order, then catalogue order inside one status. */
function byStatus(codes: readonly HttpErrorCode[]): Map<number, HttpErrorCode[]> {
  const groups = new Map<number, HttpErrorCode[]>();
  for (const code of [...new Set(codes)].sort()) {
    const status = errorByCode(code).http;
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

/**
 * The error responses of one operation, one per HTTP status. Each lists its catalogue codes in the
 * description and carries one example envelope per code, so a reader (and the `/docs` page) sees
 * exactly which `error_code` values can come back with that status.
 *
 * @example errorResponses(["1201", "1204"])["409"].description // "… `1204` INVALID_STATE …"
 */
export function errorResponses(codes: readonly HttpErrorCode[]): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, group] of byStatus(codes)) {
    const lines = group.map((code) => {
      const entry = errorByCode(code);
      return `- \`${code}\` ${entry.name}: ${entry.message}${entry.retryable ? " (retryable)" : ""}`;
    });
    const headers: JsonSchema = { "X-Request-Id": headerRef("XRequestId") };
    if (group.includes("1301") || group.includes("1303")) headers["Retry-After"] = headerRef("RetryAfter");
    if (group.includes("1301")) {
      headers["RateLimit-Limit"] = headerRef("RateLimitLimit");
      headers["RateLimit-Remaining"] = headerRef("RateLimitRemaining");
      headers["RateLimit-Reset"] = headerRef("RateLimitReset");
    }
    responses[String(status)] = {
      description: `Error envelope; \`error_code\` is one of:\n\n${lines.join("\n")}`,
      headers,
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/ErrorEnvelope" },
          examples: Object.fromEntries(
            group.map((code) => [
              code,
              { summary: `${code} ${errorByCode(code).name}`, value: errorExample(code) },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}
