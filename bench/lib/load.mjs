// A closed-loop HTTP load generator on node:http keep-alive sockets: N clients, each sending its next
// request as soon as the previous answer is read in full. The same code drives every target (our
// gateway, its /health route, Kannel's sendsms), so their numbers differ only by the server.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";

/**
 * @typedef {object} Call
 * @property {"GET" | "POST"} method
 * @property {string} url absolute http:// URL on 127.0.0.1
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 */

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {string} body
 * @property {number} ms from writing the request to reading the last byte of the answer
 */

/** A keep-alive agent holding at most `sockets` connections (one per client). */
export function keepAliveAgent(sockets) {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** What a request that got no complete answer within its time limit rejects with. */
export class RequestTimeout extends Error {
  name = "RequestTimeout";
}

/**
 * One request on `agent`, abandoned (and its socket closed) after `timeoutMs`.
 *
 * @param {http.Agent} agent
 * @param {Call} call
 * @returns {Promise<Answer>}
 */
export function send(agent, call, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers = { ...call.headers };
    if (call.body !== undefined) headers["content-length"] = String(Buffer.byteLength(call.body));
    const timer = setTimeout(() => {
      req.destroy(new RequestTimeout(`no answer within ${Math.round(timeoutMs)} ms`));
    }, timeoutMs);
    const req = http.request(call.url, { method: call.method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const ms = performance.now() - started;
        const raw = Buffer.concat(chunks);
        const body = res.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, body: body.toString("utf8"), ms });
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(call.body);
  });
}

/**
 * @typedef {object} LoadResult
 * @property {number[]} latencies ms of every answer that `accept` took
 * @property {number} ok answers `accept` took
 * @property {number} units sum of what `accept` returned for them (e.g. accepted recipients)
 * @property {Record<string, number>} refused other answers, by status ("0" = network error, "timeout" = no
 *   answer before the hard deadline)
 * @property {string | null} sampleRefusal the body of the first refused answer
 * @property {number} seconds wall time from the first request to the last answer
 * @property {string | null} lastBody body of the last accepted answer
 */

/**
 * Runs `clients` concurrent loops until `seconds` have passed or `maxRequests` were sent, whichever
 * comes first. `accept(answer)` returns the units an answer is worth (e.g. its recipients), or null
 * when the answer is a refusal. Requests still unanswered `graceSeconds` after the end are abandoned
 * and counted as timeouts, so a phase never outlives `seconds + graceSeconds`.
 *
 * @param {{ clients: number, seconds: number, maxRequests: number, call: (i: number) => Call,
 *   accept: (answer: Answer) => number | null, agent?: http.Agent, graceSeconds?: number }} options
 * @returns {Promise<LoadResult>}
 */
export async function closedLoop(options) {
  const agent = options.agent ?? keepAliveAgent(options.clients);
  const latencies = [];
  const refused = {};
  let ok = 0;
  let units = 0;
  let issued = 0;
  let sampleRefusal = null;
  let lastBody = null;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const hardDeadline = deadline + (options.graceSeconds ?? 60) * 1000;
  let finished = started;

  async function client() {
    while (performance.now() < deadline && issued < options.maxRequests) {
      const i = issued++;
      let answer;
      try {
        answer = await send(agent, options.call(i), Math.max(1, hardDeadline - performance.now()));
      } catch (error) {
        const kind = error instanceof RequestTimeout ? "timeout" : "0";
        refused[kind] = (refused[kind] ?? 0) + 1;
        sampleRefusal ??= String(error);
        continue;
      }
      finished = performance.now();
      const worth = options.accept(answer);
      if (worth === null) {
        refused[answer.status] = (refused[answer.status] ?? 0) + 1;
        sampleRefusal ??= answer.body.slice(0, 300);
        continue;
      }
      ok += 1;
      units += worth;
      latencies.push(answer.ms);
      lastBody = answer.body;
    }
  }

  await Promise.all(Array.from({ length: options.clients }, client));
  if (options.agent === undefined) agent.destroy();
  return { latencies, ok, units, refused, sampleRefusal, seconds: (finished - started) / 1000, lastBody };
}

/**
 * POST /send with `to` and `message` on `agent`; throws unless it is accepted. Returns the message id
 * and performance.now() when the 201 had been read in full.
 *
 * @param {http.Agent} agent
 * @param {{ api: string }} gateway
 * @returns {Promise<{ id: string, acceptedAt: number }>}
 */
export async function postSend(agent, gateway, apiKey, to, message) {
  const answer = await send(agent, {
    method: "POST",
    url: `${gateway.api}/send`,
    headers: { "app-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ to, message }),
  });
  if (answer.status !== 201) throw new Error(`POST /send → ${answer.status} ${answer.body}`);
  return { id: JSON.parse(answer.body).data.message_id, acceptedAt: performance.now() };
}
