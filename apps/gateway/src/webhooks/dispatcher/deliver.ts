import { type AttemptOutcome, attemptOutcome, webhookTimeoutMs } from "../policy/classify-response";
import { webhookHeaders } from "../policy/sign";
import type { AttemptDeadlines } from "./attempt-deadlines";

/** How much of a receiver's answer is kept for the operator. */
export const responseBodyLimitBytes = 1024;

export type DeliveryRequest = {
  url: string;
  eventId: string;
  /** The exact JSON text to send; it is what gets signed. */
  body: string;
  /** Unix seconds of this attempt (`webhook-timestamp`). */
  timestampSeconds: number;
  /** The key's signing secret, and its predecessor while a rotation's overlap lasts. */
  secrets: readonly string[];
  basicAuth?: { username: string; password: string } | null;
  /** Defaults to the contract's 10 s. */
  timeoutMs?: number;
  /** Times this attempt out along with the caller's others; without it, the attempt has a timer of its own. */
  deadlines?: AttemptDeadlines;
};

export type DeliveryResult = {
  outcome: AttemptOutcome;
  /** Milliseconds until the response headers arrived (or the attempt failed). */
  durationMs: number;
  /** The first KiB of the response body; null when there was no response or it could not be read. */
  responseBody: string | null;
  /** What went wrong when no response arrived. */
  error: string | null;
};

/**
 * One HTTP attempt: `POST` with the signed headers, redirects not followed, abandoned after the timeout.
 * Never throws: every failure is an outcome the retry policy judges.
 *
 * @example
 * const result = await deliverWebhook({ url: "https://shop.example/hooks", eventId, body,
 *   timestampSeconds: Math.floor(Date.now() / 1000), secrets: ["whsec_…"] });
 * classifyResponse(result.outcome) // { kind: "delivered" } on any 2xx
 */
export async function deliverWebhook(request: DeliveryRequest): Promise<DeliveryResult> {
  const headers = await webhookHeaders({
    eventId: request.eventId,
    timestamp: request.timestampSeconds,
    body: request.body,
    secrets: request.secrets,
    basicAuth: request.basicAuth ?? null,
  });
  const deadline = watchDeadline(request);
  const { signal } = deadline;
  const started = Date.now();
  try {
    let response: Response;
    try {
      // `manual`: a 3xx comes back as itself; following it would send the event to an unvetted URL.
      response = await fetch(request.url, {
        method: "POST",
        headers,
        body: request.body,
        redirect: "manual",
        signal,
      });
    } catch (error) {
      const durationMs = Date.now() - started;
      if (signal.aborted)
        return { outcome: { kind: "timeout" }, durationMs, responseBody: null, error: "Timed out" };
      return { outcome: { kind: "network_error" }, durationMs, responseBody: null, error: describe(error) };
    }
    const durationMs = Date.now() - started;
    // The verdict rests on the status that arrived in time; a body that stalls only loses its excerpt.
    const responseBody = await readPrefix(response, responseBodyLimitBytes).catch(() => null);
    return { outcome: attemptOutcome(response), durationMs, responseBody, error: null };
  } finally {
    deadline.done();
  }
}

/**
 * The attempt's abort signal, fired at its timeout, and what ends the watch. On its own, a timer
 * cleared once the attempt is over, rather than `AbortSignal.timeout`: that one keeps its timer
 * pending for the full 10 s after a quick answer, which holds the Durable Object busy (an eviction
 * or a hibernation waits for it).
 */
function watchDeadline(request: DeliveryRequest): { signal: AbortSignal; done: () => void } {
  const timeoutMs = request.timeoutMs ?? webhookTimeoutMs;
  if (request.deadlines !== undefined) return request.deadlines.watch(timeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}

const decoder = new TextDecoder();

/** Reads at most `limit` bytes and cancels the rest, so a huge answer costs nothing. */
async function readPrefix(response: Response, limit: number): Promise<string> {
  // Nothing to read: no stream to open (an empty 200 is the commonest quick answer).
  if (response.body === null || response.headers.get("content-length") === "0") return "";
  // The usual short, uncompressed answer is read whole: cheaper than a chunk-by-chunk reader, which
  // matters when a quick receiver takes thousands of events a second.
  const length = response.headers.get("content-length");
  if (length !== null && Number(length) <= limit && !response.headers.has("content-encoding")) {
    return response.text();
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < limit) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  if (!done) await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset === bytes.length) break;
  }
  // A cut through a multi-byte character becomes U+FFFD rather than an error.
  return decoder.decode(bytes);
}
