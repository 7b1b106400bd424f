import { describe, expect, it } from "vitest";
import { type AttemptOutcome, classifyResponse } from "./classify-response";
import { settleAttempt } from "./settle-attempt";

const now = 1_780_000_000_000;
const middle = () => 0.5;

function settle(outcome: AttemptOutcome, attempt: number) {
  return settleAttempt(classifyResponse(outcome, now), outcome, attempt, now, middle);
}

describe("settleAttempt", () => {
  it.each([
    [{ kind: "response", status: 500 }, 1, now + 30_000],
    [{ kind: "response", status: 301 }, 2, now + 120_000],
    [{ kind: "timeout" }, 3, now + 600_000],
    [{ kind: "network_error" }, 4, now + 3_600_000],
    [{ kind: "response", status: 429, retryAfter: "900" }, 1, now + 900_000],
  ] as const)("retries %o after attempt %i at the scheduled instant", (outcome, attempt, at) => {
    expect(settle(outcome, attempt)).toEqual({ kind: "retry", at });
  });

  it.each([
    [{ kind: "response", status: 500 }, "No 2xx answer after 5 attempts (last: HTTP 500)"],
    [{ kind: "timeout" }, "No 2xx answer after 5 attempts (last: timeout)"],
    [{ kind: "network_error" }, "No 2xx answer after 5 attempts (last: network error)"],
  ] as const)("gives up after the fifth failed attempt (%o)", (outcome, reason) => {
    expect(settle(outcome, 5)).toEqual({ kind: "dead", reason, disableKeyWebhook: false });
  });

  it.each([200, 201, 204, 299])("a %i delivers", (status) => {
    expect(settle({ kind: "response", status }, 3)).toEqual({ kind: "delivered" });
  });

  it("a 4xx is final and says which status it was", () => {
    expect(settle({ kind: "response", status: 403 }, 1)).toEqual({
      kind: "dead",
      reason: "Receiver answered 403; a client error is not retried",
      disableKeyWebhook: false,
    });
  });

  it("a 410 is final and disables the endpoint", () => {
    expect(settle({ kind: "response", status: 410 }, 2)).toMatchObject({
      kind: "dead",
      disableKeyWebhook: true,
    });
  });
});
