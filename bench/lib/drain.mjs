// Waiting for the send pipeline to finish what earlier requests queued, so one phase's backlog does
// not slow the next phase down.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * GET /status/{id} once; gives up after `timeoutMs`.
 *
 * @returns {Promise<{ status: string, delivered: number, failed: number, pending: number }>}
 */
export async function readStatus(api, apiKey, messageId, timeoutMs = 15_000) {
  const res = await fetch(`${api}/status/${messageId}`, {
    headers: { "app-key": apiKey },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`GET /status/${messageId} → ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/**
 * Polls the given sends every `everyMs` until none has a pending delivery, or `seconds` pass.
 * Returns the seconds it took, or null on time-out (a status read the gateway is too busy to answer
 * counts as "not yet").
 */
export async function waitForTerminal(api, apiKey, messageIds, seconds, everyMs = 250) {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const left = new Set(messageIds);
  while (left.size > 0) {
    for (const id of [...left]) {
      const budget = deadline - performance.now();
      if (budget <= 0) return null;
      try {
        const status = await readStatus(api, apiKey, id, Math.ceil(Math.min(budget, 15_000)));
        if (status.pending === 0) left.delete(id);
      } catch (error) {
        const name = /** @type {{ name?: string }} */ (error)?.name;
        if (name !== "TimeoutError" && name !== "AbortError") throw error;
      }
    }
    if (left.size === 0) break;
    await sleep(everyMs);
  }
  return (performance.now() - started) / 1000;
}
