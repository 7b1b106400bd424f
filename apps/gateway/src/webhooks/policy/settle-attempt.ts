import type { AttemptOutcome, AttemptVerdict } from "./classify-response";
import { nextAttemptDelay } from "./retry-schedule";

/** What becomes of an event after one attempt. */
export type Settlement =
  | { kind: "delivered" }
  | { kind: "retry"; at: number }
  | { kind: "dead"; reason: string; disableKeyWebhook: boolean };

/**
 * Turns an attempt's verdict into the event's next state (CONTRACT §8): delivered, another attempt at
 * a scheduled instant, or `dead` with a reason the operator can read.
 *
 * @example
 * settleAttempt({ kind: "retry" }, { kind: "response", status: 500 }, 1, 1_000_000, () => 0.5)
 * // { kind: "retry", at: 1_030_000 }
 * settleAttempt({ kind: "give_up" }, { kind: "response", status: 400 }, 1, 0)
 * // { kind: "dead", reason: "Receiver answered 400; a client error is not retried", disableKeyWebhook: false }
 */
export function settleAttempt(
  verdict: AttemptVerdict,
  outcome: AttemptOutcome,
  attempt: number,
  nowMs: number,
  random: () => number = Math.random,
): Settlement {
  switch (verdict.kind) {
    case "delivered":
      return { kind: "delivered" };
    case "disable":
      return {
        kind: "dead",
        reason: "Receiver answered 410 Gone; the endpoint is disabled",
        disableKeyWebhook: true,
      };
    case "give_up":
      return {
        kind: "dead",
        reason: `Receiver answered ${statusOf(outcome)}; a client error is not retried`,
        disableKeyWebhook: false,
      };
    case "retry": {
      const options =
        verdict.retryAfterSeconds === undefined
          ? { random }
          : { random, retryAfterSeconds: verdict.retryAfterSeconds };
      const delay = nextAttemptDelay(attempt, options);
      if (delay === null) {
        return {
          kind: "dead",
          reason: `No 2xx answer after ${attempt} attempts (last: ${describeOutcome(outcome)})`,
          disableKeyWebhook: false,
        };
      }
      return { kind: "retry", at: nowMs + delay };
    }
  }
}

function statusOf(outcome: AttemptOutcome): string {
  return outcome.kind === "response" ? String(outcome.status) : outcome.kind;
}

function describeOutcome(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case "response":
      return `HTTP ${outcome.status}`;
    case "timeout":
      return "timeout";
    case "network_error":
      return "network error";
  }
}
