import type { Context, MiddlewareHandler, Next } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { canonicalJson } from "../http/canonical-json";
import { readBodyBytes } from "../http/read-body";
import { decodeUtf8 } from "../http/utf8";
import type { KeyGuard } from "../key-guard/key-guard";
import { callGuard, keyGuardFor } from "../key-guard/stub";
import type { BeginResult, IdempotentRequest } from "../key-guard/types";
import { log } from "../observability/logger";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";

/** 1–255 printable ASCII characters (CONTRACT §4). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;
/** Headers that describe the stored body; everything else (request id, rate limits) is per request. */
const STORED_HEADERS = ["content-type", "content-language", "location"];

/**
 * Whether an Idempotency-Key header value is acceptable.
 *
 * @example isValidIdempotencyKey("order-42") // true
 * @example isValidIdempotencyKey("")         // false
 */
export function isValidIdempotencyKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** The 400 1110 for a malformed Idempotency-Key, naming the header in `details`. */
export function invalidIdempotencyKey(headers: Record<string, string> = {}): ApiError {
  return new ApiError("1110", {
    details: [
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message: "Must be 1 to 255 printable ASCII characters",
        code: "INVALID_FIELD_FORMAT",
      },
    ],
    headers,
  });
}

/** The body as the fingerprint sees it: its canonical JSON when it is UTF-8 JSON, else its bytes. */
function fingerprintedBody(body: Uint8Array): Uint8Array {
  const text = decodeUtf8(body);
  let canonical: string | null = null;
  try {
    if (text !== null) canonical = canonicalJson(JSON.parse(text));
  } catch {
    // Not JSON: the bytes are all there is to compare.
  }
  if (canonical === null) return concat(new TextEncoder().encode("bytes\n"), body);
  return new TextEncoder().encode(`json\n${canonical}`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/**
 * SHA-256 (hex) of method, path with query, and the body: a key reused on another endpoint or with
 * another body is a mismatch (1108), never a replay of something else. A JSON body counts by what it
 * says, not how it is spelt: keys in another order, other whitespace or escapes give the same
 * fingerprint (arrays keep their order). A body that is not JSON counts byte for byte.
 *
 * @example await fingerprintRequest("POST", "/api/v1/lisoloo/sms-api/send", body) // "3f1c…"
 */
export async function fingerprintRequest(
  method: string,
  target: string,
  body: Uint8Array | ArrayBuffer,
): Promise<string> {
  const head = new TextEncoder().encode(`${method.toUpperCase()} ${target}\n`);
  const bytes = concat(head, fingerprintedBody(body instanceof Uint8Array ? body : new Uint8Array(body)));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The request's Idempotency-Key with its fingerprint; null when the header is absent; 400 1110 when
 * it is malformed. Reads the body within the body limit and leaves it readable for the route.
 */
export async function readIdempotentRequest(
  c: Context<AppEnv>,
  headers: Record<string, string> = {},
): Promise<IdempotentRequest | null> {
  const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (key === undefined) return null;
  if (!isValidIdempotencyKey(key)) throw invalidIdempotencyKey(headers);
  const url = new URL(c.req.url);
  const fingerprint = await fingerprintRequest(
    c.req.method,
    url.pathname + url.search,
    await readBodyBytes(c),
  );
  return { key, fingerprint };
}

/**
 * Whether a response is stored for replay. The first answer is the one a retry must see, so 2xx and
 * 4xx are kept; 5xx and retryable errors (1303, 1402, …) are not, so the client's retry runs afresh.
 */
export function isReplayable(status: number, body: string): boolean {
  if (status >= 500) return false;
  if (status < 400) return true;
  try {
    const parsed: unknown = JSON.parse(body);
    return !(
      typeof parsed === "object" &&
      parsed !== null &&
      (parsed as { retryable?: unknown }).retryable === true
    );
  } catch {
    return true;
  }
}

async function release(guard: DurableObjectStub<KeyGuard>, key: string, lockId: string): Promise<void> {
  try {
    await guard.abandonIdempotent(key, lockId);
  } catch (err) {
    // The lock goes stale after a minute and is taken over then.
    log.error("idempotency.release_failed", { error: err });
  }
}

/**
 * Acts on the guard's verdict for an idempotent request: replays, refuses (1303, 1108), or runs the
 * rest of the chain under the lock and stores or releases the outcome. `headers` go on the refusals.
 */
export async function runIdempotent(
  c: Context<AppEnv>,
  next: Next,
  guard: DurableObjectStub<KeyGuard>,
  request: IdempotentRequest,
  verdict: BeginResult,
  headers: Record<string, string> = {},
): Promise<void> {
  switch (verdict.state) {
    case "replay":
      c.res = new Response(verdict.body, {
        status: verdict.status,
        headers: { ...verdict.headers, [IDEMPOTENT_REPLAYED_HEADER]: "true" },
      });
      return;
    case "in_progress":
      throw new ApiError("1303", { retryAfter: 1, headers });
    case "mismatch":
      throw new ApiError("1108", { headers });
    case "new":
      break;
  }

  try {
    await next();
  } catch (err) {
    await release(guard, request.key, verdict.lockId);
    throw err;
  }
  const body = await c.res.clone().text();
  if (!isReplayable(c.res.status, body)) {
    await release(guard, request.key, verdict.lockId);
    return;
  }
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = c.res.headers.get(name);
    if (value !== null) stored[name] = value;
  }
  try {
    await guard.completeIdempotent(request.key, verdict.lockId, {
      status: c.res.status,
      body,
      headers: stored,
    });
  } catch (err) {
    // The work is done and its answer is on its way; a retry after the lock goes stale runs again,
    // which is why writes also record the key in their own rows.
    log.error("idempotency.store_failed", { request_id: c.get("requestId"), error: err });
  }
}

/**
 * Makes a route idempotent under the `Idempotency-Key` header (CONTRACT §4), per API key: the first
 * response (2xx or 4xx) is stored for 24 h and replayed with `Idempotent-Replayed: true`; the same key
 * with another body → 422 1108; while the first request runs → 409 1303. Without the header the route
 * runs as usual. Needs `auth` set. Routes that write (send) also keep the key on their own row, so a
 * lost lock cannot turn into a duplicate.
 *
 * Behind `rateLimit(bucket)`, prefer `rateLimit(bucket, { idempotency: true })`: same behaviour, one
 * round trip to the key's guard instead of two.
 *
 * @example app.post("/send", rateLimit("send"), idempotency(), sendHandler);
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async function idempotencyMiddleware(c, next) {
    const request = await readIdempotentRequest(c);
    if (request === null) return next();
    const guard = keyGuardFor(c.env, c.get("auth").keyId);
    const verdict = await callGuard<BeginResult>(
      guard.beginIdempotent(request.key, request.fingerprint, Date.now()),
    );
    await runIdempotent(c, next, guard, request, verdict);
  };
}
