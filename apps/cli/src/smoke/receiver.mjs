// The smoke test's webhook receiver: a small HTTP server on 127.0.0.1 that checks each request the
// way the docs tell a merchant to (the Basic login, then the Standard Webhooks signature with
// `verifyWebhook`) and keeps what arrived, so the webhook check can wait for its send's events.
import { timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { verifyWebhook, WebhookVerificationError } from "@lisoloo/client/webhooks";

/**
 * @typedef {import("@lisoloo/protocol/schemas").WebhookEvent} WebhookEvent
 * @typedef {{ secret: string; login: { username: string; password: string } }} Expected
 * @typedef {{ event: WebhookEvent } | { refused: string }} Arrival
 */

const MAX_BODY_BYTES = 1 << 20;

/** @param {string | undefined} header @param {Expected["login"]} login */
function loginMatches(header, login) {
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${login.username}:${login.password}`).toString("base64")}`,
  );
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** @param {import("node:http").IncomingMessage} req @returns {Promise<Buffer | null>} */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Starts the receiver on 127.0.0.1:`port` (0: any free port). Requests are refused (401) until
 * `expect` says which secret and login to check against.
 * @param {number} port
 */
export async function startReceiver(port) {
  /** @type {Expected | null} */
  let expected = null;
  /** @type {Arrival[]} */
  const arrivals = [];
  const seenIds = new Set();
  /** @type {Set<() => void>} */
  const listeners = new Set();

  /** @param {Arrival} arrival */
  const record = (arrival) => {
    // At-least-once delivery: a retried event keeps its id and counts once.
    if ("event" in arrival) {
      if (seenIds.has(arrival.event.event_id)) return;
      seenIds.add(arrival.event.event_id);
    }
    arrivals.push(arrival);
    for (const listener of listeners) listener();
  };

  const server = createServer(async (req, res) => {
    const answer = (/** @type {number} */ status, /** @type {string} */ text = "") => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(text);
    };
    if (req.method !== "POST") return answer(405, "POST only");
    const body = await readBody(req);
    if (body === null) return answer(413, "too large");
    if (expected === null) return answer(401, "not expecting webhooks yet");
    if (!loginMatches(req.headers.authorization, expected.login)) {
      record({ refused: "a request without the Basic login that was set" });
      return answer(401, "wrong Basic login");
    }
    try {
      const event = await verifyWebhook(body, req.headers, expected.secret);
      record({ event });
      answer(204);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) {
        record({
          refused: `a request the receiver could not verify: ${/** @type {Error} */ (error).message}`,
        });
        return answer(500);
      }
      // Authentic but not one of the contract's five event types: acknowledged, and still reported.
      if (error.reason === "unknown_event_type") {
        record({ refused: "a signed event of a type the contract does not list" });
        return answer(204);
      }
      record({ refused: `a request whose signature did not verify (${error.reason})` });
      answer(error.reason === "invalid_payload" ? 400 : 401, error.reason);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;

  return {
    port: boundPort,
    /** @param {Expected} what */
    expect(what) {
      expected = what;
    },
    arrivals: () => [...arrivals],
    /**
     * Resolves true once `done(arrivals)` holds, false when `timeoutMs` passed or `signal` aborted.
     * @param {(arrivals: Arrival[]) => boolean} done
     * @param {number} timeoutMs
     * @param {AbortSignal} signal
     * @returns {Promise<boolean>}
     */
    waitFor(done, timeoutMs, signal) {
      return new Promise((resolve) => {
        const finish = (/** @type {boolean} */ value) => {
          listeners.delete(listener);
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        };
        const listener = () => {
          if (done(arrivals)) finish(true);
        };
        const onAbort = () => finish(false);
        if (signal.aborted) return resolve(false);
        const timer = setTimeout(() => finish(done(arrivals)), timeoutMs);
        listeners.add(listener);
        signal.addEventListener("abort", onAbort);
        listener();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/** @typedef {Awaited<ReturnType<typeof startReceiver>>} Receiver */
