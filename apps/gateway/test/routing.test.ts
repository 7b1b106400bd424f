import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const BASE = "http://gateway.test/api/v1/lisoloo/sms-api";

describe("health and routing", () => {
  it("answers GET /health with the environment and version", async () => {
    const res = await exports.default.fetch(`${BASE}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      status: "ok",
      environment: "sandbox",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{16}$/);
  });

  it.each([
    ["GET", `${BASE}/nope`, 404, "1403"],
    ["GET", "http://gateway.test/", 404, "1403"],
    ["POST", `${BASE}/health`, 405, "1404"],
    ["DELETE", `${BASE}/health`, 405, "1404"],
  ])("%s %s → %i %s in the error envelope", async (method, url, status, code) => {
    const res = await exports.default.fetch(url, { method });
    expect(res.status).toBe(status);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      success: false,
      status_code: status,
      error_code: code,
      details: null,
      retryable: false,
      retry_after: null,
    });
    expect(body.detail).toBe(body.message);
    expect(body.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("answers in French when asked", async () => {
    const res = await exports.default.fetch(`${BASE}/nope`, {
      headers: { "accept-language": "fr-CD,fr;q=0.9" },
    });
    expect(((await res.json()) as { message: string }).message).toBe("Route introuvable");
  });
});
