import { describe, expect, it } from "vitest";
import { type AttemptOutcome, attemptOutcome, classifyResponse, parseRetryAfter } from "./classify-response";

const now = Date.UTC(2026, 4, 27, 10, 15, 0);
const response = (status: number, retryAfter?: string): AttemptOutcome => ({
  kind: "response",
  status,
  retryAfter,
});

describe("classifyResponse", () => {
  it.each([
    ["200 OK", { kind: "delivered" }, response(200)],
    ["201 Created", { kind: "delivered" }, response(201)],
    ["202 Accepted", { kind: "delivered" }, response(202)],
    ["204 No Content", { kind: "delivered" }, response(204)],
    ["299", { kind: "delivered" }, response(299)],
    ["a network error", { kind: "retry" }, { kind: "network_error" }],
    ["a timeout", { kind: "retry" }, { kind: "timeout" }],
    ["301 Moved Permanently", { kind: "retry" }, response(301)],
    ["302 Found", { kind: "retry" }, response(302)],
    ["307 Temporary Redirect", { kind: "retry" }, response(307)],
    ["308 Permanent Redirect", { kind: "retry" }, response(308)],
    ["500 Internal Server Error", { kind: "retry" }, response(500)],
    ["502 Bad Gateway", { kind: "retry" }, response(502)],
    ["504 Gateway Timeout", { kind: "retry" }, response(504)],
    ["503 without Retry-After", { kind: "retry" }, response(503)],
    ["503 with Retry-After: 90", { kind: "retry", retryAfterSeconds: 90 }, response(503, "90")],
    ["429 without Retry-After", { kind: "retry" }, response(429)],
    ["429 with Retry-After: 120", { kind: "retry", retryAfterSeconds: 120 }, response(429, "120")],
    [
      "429 with an HTTP-date Retry-After",
      { kind: "retry", retryAfterSeconds: 300 },
      response(429, "Wed, 27 May 2026 10:20:00 GMT"),
    ],
    ["429 with a garbled Retry-After", { kind: "retry" }, response(429, "soon")],
    ["500 with Retry-After (ignored)", { kind: "retry" }, response(500, "600")],
    ["400 Bad Request", { kind: "give_up" }, response(400)],
    ["401 Unauthorized", { kind: "give_up" }, response(401)],
    ["403 Forbidden", { kind: "give_up" }, response(403)],
    ["404 Not Found", { kind: "give_up" }, response(404)],
    ["408 Request Timeout", { kind: "give_up" }, response(408)],
    ["413 Content Too Large", { kind: "give_up" }, response(413)],
    ["422 Unprocessable Content", { kind: "give_up" }, response(422)],
    ["410 Gone", { kind: "disable" }, response(410)],
    ["100 as a final status", { kind: "retry" }, response(100)],
    ["600", { kind: "retry" }, response(600)],
  ] as const)("%s → %o", (_label, verdict, outcome) => {
    expect(classifyResponse(outcome, now)).toEqual(verdict);
  });

  it("reads the status and Retry-After of a real Response", () => {
    const res = new Response(null, { status: 429, headers: { "Retry-After": "42" } });
    expect(classifyResponse(attemptOutcome(res), now)).toEqual({ kind: "retry", retryAfterSeconds: 42 });
    expect(classifyResponse(attemptOutcome(new Response("ok")), now)).toEqual({ kind: "delivered" });
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["120", 120],
    [" 30 ", 30],
    ["Wed, 27 May 2026 10:15:30 GMT", 30],
    ["Wednesday, 27-May-26 10:16:00 GMT", 60],
    ["Wed May 27 10:17:00 2026", 120],
    ["Wed, 27 May 2026 10:15:00 GMT", 0],
    ["Tue, 26 May 2026 10:15:00 GMT", 0],
    ["-5", undefined],
    ["1.5", undefined],
    ["", undefined],
    ["later", undefined],
    [null, undefined],
  ] as const)("reads %o as %o seconds", (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});
