// The smoke test's requests: to the merchant API as an integration makes them (app-key header), and
// to the admin API as the other commands do. Every answer is returned as seen, for the checks to judge.
import { formatApiError } from "../format.mjs";

export const API_PREFIX = "/api/v1/lisoloo/sms-api";
// A deployed gateway answers in well under a second; a request still open after this is a failure to
// report, not a reason to hang a release.
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * @typedef {{ status: number; requestId: string | null; body: unknown; text: string }} Answer
 * @typedef {{ method?: string; key?: string; body?: unknown; headers?: Record<string, string> }} CallOptions
 */

/** @param {string} text */
function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return undefined;
  }
}

/**
 * A caller for one gateway.
 * @param {typeof fetch} fetchImpl
 * @param {string} baseUrl
 */
export function gatewayHttp(fetchImpl, baseUrl) {
  /**
   * @param {string} path
   * @param {CallOptions} [options]
   * @returns {Promise<Answer>}
   */
  async function call(path, options = {}) {
    const url = `${baseUrl}${path}`;
    /** @type {Record<string, string>} */
    const headers = { accept: "application/json", ...options.headers };
    if (options.key !== undefined) headers["app-key"] = options.key;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
      response = await fetchImpl(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = /** @type {{ cause?: { message?: string } }} */ (error).cause?.message;
      throw new Error(`cannot reach ${url}: ${cause ?? /** @type {Error} */ (error).message}`);
    }
    const text = await response.text();
    return {
      status: response.status,
      requestId: response.headers.get("x-request-id"),
      body: parseJson(text),
      text,
    };
  }

  return {
    /** A merchant API route, e.g. `/balance`. @param {string} path @param {CallOptions} [options] */
    api: (path, options) => call(`${API_PREFIX}${path}`, options),
    /** A path from the origin, e.g. `/openapi.json`. */
    root: call,
    /**
     * An admin API route; resolves to its `data`, throws with the error envelope's lines otherwise.
     * @param {string} token
     * @param {"GET" | "POST" | "PUT"} method
     * @param {string} path
     * @param {unknown} [body]
     * @returns {Promise<any>}
     */
    async admin(token, method, path, body) {
      const answer = await call(`/admin/v1${path}`, {
        method,
        body,
        headers: { authorization: `Bearer ${token}` },
      });
      if (answer.status >= 200 && answer.status < 300)
        return /** @type {{ data?: unknown }} */ (answer.body)?.data;
      // The envelope's lines (code, details, request id) on the check's one line.
      const lines = formatApiError(answer.status, answer.body ?? answer.text).split("\n");
      throw new AdminError(
        `${method} /admin/v1${path}: ${lines.map((l) => l.trim()).join("; ")}`,
        answer.body,
      );
    },
  };
}

/** @typedef {ReturnType<typeof gatewayHttp>} GatewayHttp */

/** A refusal from the admin API, with its envelope for callers that branch on the code. */
export class AdminError extends Error {
  /** @param {string} message @param {unknown} envelope */
  constructor(message, envelope) {
    super(message);
    this.envelope = /** @type {{ error_code?: string; details?: { message: string }[] | null } | null} */ (
      envelope
    );
  }
}

/** A short, single-line rendering of a body for a failed check's line. @param {Answer} answer */
export function shown(answer) {
  const text = answer.text.replace(/\s+/g, " ").trim();
  return text.length > 160 ? `${text.slice(0, 160)}…` : text || "(empty body)";
}

/**
 * The first thing a schema found wrong, as `path: message`.
 * @param {{ issues: readonly { path: readonly PropertyKey[]; message: string }[] }} error
 */
export function firstIssue(error) {
  const issue = error.issues[0];
  if (!issue) return "does not match";
  return `${issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}`;
}
