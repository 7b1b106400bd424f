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

/**
 * Reads at most `limit` bytes and cancels the rest, so a huge answer costs nothing. The usual short
 * answer of declared length is read whole; any other takes one read: a byte reader asked for one byte
 * more than the limit returns either that much (there is more: the rest is cancelled) or everything
 * up to the end. A chunk-by-chunk reader takes two reads or more, about a sixth of the isolate's time
 * per request when a quick receiver takes thousands of events a second.
 */
async function readPrefix(response: Response, limit: number): Promise<string> {
  if (response.body === null) return "";
  const { headers } = response;
  const length = headers.get("content-length");
  // Nothing to read: no stream to open (an empty 200 is the commonest quick answer).
  if (length === "0") return "";
  // A short answer of declared length, as sent (a compressed one may unpack to any size): read whole,
  // without opening a reader on it.
  if (length !== null && Number(length) <= limit && headers.get("content-encoding") === null)
    return response.text();
  // Every body fetch() returns is a byte stream; were one not, `getReader` would throw and the
  // attempt would keep no excerpt, as when a body fails to arrive.
  const reader = response.body.getReader({ mode: "byob" });
  const { value } = await reader.readAtLeast(limit + 1, new Uint8Array(limit + 1));
  if (value === undefined) return "";
  if (value.byteLength <= limit) return decoder.decode(value);
  await reader.cancel().catch(() => undefined);
  // A cut through a multi-byte character becomes U+FFFD rather than an error.
  return decoder.decode(value.subarray(0, limit));
}
