// `lisoloo smoke` against the stand-in: how its settings are read, what it refuses, its exit status,
// what it never does (send in production, leave the throwaway key active, print a secret). The whole
// run against the real gateway is examples/test/smoke.test.ts.
import { describe, expect, it } from "vitest";
import { type Answer, envelope, ok, type Recorded, standInPerFile } from "./admin-server";

const API = "/api/v1/lisoloo/sms-api";
const YOUR_KEY = "sk_test_YourOwnSandboxKeyYourOwnKey01234";
const THROWAWAY_KEY = "sk_test_ThrowawayKeyThrowawayKey00009876";
const WRONG_KEY = `sk_test_${"0".repeat(32)}`;

const standIn = standInPerFile();
const { lisoloo } = standIn;

const health = (environment: string, status = "ok"): Answer => ({
  status: 200,
  body: { status, environment, version: "0.3.1" },
});
const openApi: Answer = {
  status: 200,
  body: {
    openapi: "3.1.1",
    info: { title: "Lisoloo SMS API", version: "0.3.1" },
    paths: { "/send": {}, "/status/{message_id}": {}, "/balance": {}, "/health": {} },
  },
};
const refusedKey: Answer = {
  status: 401,
  body: { ...envelope(401, "1001", "Missing or invalid app-key"), request_id: "req_0123456789abcdef" },
};
const badNumber: Answer = {
  status: 400,
  body: envelope(400, "1104", "Invalid phone number", [
    { field: "to[0]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" },
  ]),
};
const balance = (amount: number): Answer =>
  ok({
    balance: amount,
    sms_wallet_balance: amount,
    postpaid_wallet_balance: 0,
    currency: "USD",
    unit_price: 0.01,
    available_sms: Math.floor(amount * 100),
  });

/** The routes anyone may call: `/health` naming `environment`, and the OpenAPI document. */
function scriptGateway(environment: string) {
  standIn.server.answer(`GET ${API}/health`, health(environment));
  standIn.server.answer("GET /openapi.json", openApi);
}

/** The throwaway merchant and key, as the admin API answers their creation. */
function scriptThrowaway() {
  standIn.server.answer("POST /admin/v1/merchants", ok({ merchant_id: "mch_smoke", shard: "DB_0" }, 201));
  standIn.server.answer(
    "POST /admin/v1/merchants/mch_smoke/keys",
    ok({ key_id: "key_smoke", api_key: THROWAWAY_KEY, webhook: { webhook_signing_secret: "whsec_x" } }, 201),
  );
  standIn.server.answer(
    "PUT /admin/v1/keys/key_smoke/webhook",
    ok({ key_id: "key_smoke", webhook: { webhook_signing_secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0" } }),
  );
  standIn.server.answer(
    "POST /admin/v1/keys/key_smoke/revoke",
    ok({ key_id: "key_smoke", status: "REVOKED" }),
  );
}

const revoked = () => standIn.server.requests.some((r) => r.path === "/admin/v1/keys/key_smoke/revoke");
const adminRequests = () => standIn.server.requests.filter((r) => r.path.startsWith("/admin/"));
const sends = () => standIn.server.requests.filter((r) => r.method === "POST" && r.path === `${API}/send`);
const lineOf = (stdout: string, name: string) => stdout.split("\n").find((l) => l.slice(2).startsWith(name));

describe("lisoloo smoke: settings", () => {
  const mistakes: [string, string[], Record<string, string | undefined>, string][] = [
    ["no base URL", ["smoke"], {}, "Give the gateway's origin: --base-url <origin> or LISOLOO_BASE_URL"],
    [
      "neither an admin token nor a key",
      ["smoke", "--base-url", "http://127.0.0.1:9"],
      { ADMIN_TOKEN: undefined },
      "Give --admin-token (or ADMIN_TOKEN)",
    ],
    [
      "a base URL with the API's path",
      ["smoke", "--base-url", "https://sms.example.org/api/v1/lisoloo/sms-api"],
      {},
      "--base-url is the gateway's origin (https://sms.example.org)",
    ],
    ["a base URL that is not one", ["smoke", "--base-url", "sms.example.org"], {}, "must be an absolute URL"],
    [
      "a key that is not one",
      ["smoke", "--base-url", "http://127.0.0.1:9", "--api-key", "sk_test_short"],
      {},
      "--api-key must be an API key",
    ],
    [
      "--webhook-url without --webhook-port",
      ["smoke", "--base-url", "https://sms.example.org", "--webhook-url", "https://hooks.example.net/x"],
      {},
      "--webhook-url needs --webhook-port",
    ],
    [
      "a port out of range",
      ["smoke", "--base-url", "http://127.0.0.1:9", "--webhook-port", "70000"],
      {},
      "--webhook-port must be between 0 and 65535",
    ],
    [
      "a zero timeout",
      ["smoke", "--base-url", "http://127.0.0.1:9", "--timeout", "0"],
      {},
      "more than 0 seconds",
    ],
    ["an argument", ["smoke", "now"], {}, "Expected no arguments, got now"],
    ["an unknown option", ["smoke", "--base", "x"], {}, "Unknown option '--base'"],
  ];

  it.each(mistakes)("%s is a usage error (exit 2) and sends nothing", async (_name, argv, env, message) => {
    const result = await lisoloo(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: lisoloo smoke [options]");
    expect(result.stdout).toBe("");
    expect(standIn.server.requests).toHaveLength(0);
  });

  it("a refused key is not echoed", async () => {
    const result = await lisoloo([
      "smoke",
      "--base-url",
      "http://127.0.0.1:9",
      "--api-key",
      "sk_test_secretish",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("secretish");
  });

  it("reads LISOLOO_BASE_URL, LISOLOO_API_KEY and ADMIN_TOKEN when the flags are absent", async () => {
    scriptGateway("sandbox");
    standIn.server.answer(`POST ${API}/send`, (r) => (r.appKey === YOUR_KEY ? badNumber : refusedKey));
    standIn.server.answer("POST /admin/v1/merchants", {
      status: 401,
      body: envelope(401, "1001", "Missing or invalid admin token"),
    });
    const result = await lisoloo(["smoke", "--timeout", "1"], {
      env: {
        LISOLOO_BASE_URL: `${standIn.server.url}/`,
        LISOLOO_API_KEY: YOUR_KEY,
        ADMIN_TOKEN: "token-from-env",
      },
    });
    expect(result.stderr).toBe("");
    expect(standIn.server.requests[0]?.path).toBe(`${API}/health`);
    expect(adminRequests()[0]?.authorization).toBe("Bearer token-from-env");
    expect(sends().map((r) => r.appKey)).toContain(YOUR_KEY);
    expect(lineOf(result.stdout, "setup")).toContain("Error 1001 (HTTP 401): Missing or invalid admin token");
    expect(result.code).toBe(1);
  });

  it("flags win over the environment", async () => {
    scriptGateway("production");
    standIn.server.answer(`POST ${API}/send`, (r) => (r.appKey === YOUR_KEY ? badNumber : refusedKey));
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url, "--api-key", YOUR_KEY], {
      env: { LISOLOO_BASE_URL: "http://127.0.0.1:9", LISOLOO_API_KEY: THROWAWAY_KEY },
    });
    expect(result.code).toBe(0);
    expect(sends().map((r) => r.appKey)).toEqual([`sk_live_${"0".repeat(32)}`, YOUR_KEY]);
  });
});

describe("lisoloo smoke: what it does and its exit status", () => {
  it("a wrong /health body fails the check, exits 1, and nothing is sent with a real key", async () => {
    scriptGateway("sandbox");
    standIn.server.answer(`GET ${API}/health`, health("sandbox", "degraded"));
    standIn.server.answer(`POST ${API}/send`, refusedKey);
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url]);
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, "health")).toMatch(
      /^✗ health +GET \/health answered 200 .*"degraded".*\(status: /,
    );
    expect(lineOf(result.stdout, "field error")).toContain("skipped: no key: the environment is unknown");
    expect(lineOf(result.stdout, "send")).toContain("– send         skipped: the environment is unknown");
    expect(lineOf(result.stdout, "webhook")).toContain("skipped: the environment is unknown");
    expect(adminRequests()).toHaveLength(0);
    expect(sends().map((r) => r.appKey)).toEqual([WRONG_KEY]);
    expect(result.stdout).toContain("2 passed, 1 failed, 4 skipped");
  });

  it("production: no merchant is made and nothing is sent; the key-free checks and field error pass", async () => {
    scriptGateway("production");
    standIn.server.answer(`POST ${API}/send`, (r) => (r.appKey === YOUR_KEY ? badNumber : refusedKey));
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url, "--api-key", YOUR_KEY]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.slice(2, -1).map((l) => l.slice(0, 14))).toEqual([
      "✓ health      ",
      "✓ openapi     ",
      "✓ auth error  ",
      "✓ field error ",
      "– send        ",
      "– balance     ",
      "– webhook     ",
    ]);
    expect(lineOf(result.stdout, "send")).toContain("production: a send would reach a real carrier");
    expect(lineOf(result.stdout, "field error")).toContain(
      '400 1104 "Invalid phone number", details name to[0] [your key]',
    );
    expect(adminRequests()).toHaveLength(0);
    expect(sends().map((r) => (r.body as { to: string[] }).to)).toEqual([["+243998857000"], ["12ab"]]);
    expect(lines.at(-1)).toBe("4 passed, 0 failed, 3 skipped");
  });

  it("a send that fails still revokes the throwaway key, which is then refused", async () => {
    scriptGateway("sandbox");
    scriptThrowaway();
    standIn.server.answer(`POST ${API}/send`, (r) =>
      r.appKey === THROWAWAY_KEY
        ? { status: 500, body: { ...envelope(500, "1401", "Internal server error"), retryable: true } }
        : refusedKey,
    );
    standIn.server.answer(`GET ${API}/balance`, (r: Recorded) =>
      r.appKey === THROWAWAY_KEY && !revoked() ? balance(1) : refusedKey,
    );
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url, "--timeout", "1"]);
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, "setup")).toMatch(
      /^✓ setup +throwaway merchant mch_smoke \(1\.00 prepaid\), key key_smoke sk_test_…9876, webhook http:\/\/127\.0\.0\.1:\d+\/ with a Basic login$/,
    );
    expect(lineOf(result.stdout, "send")).toContain("✗ send         POST /send answered 500");
    expect(lineOf(result.stdout, "balance")).toContain("skipped: the send did not end as expected");
    expect(lineOf(result.stdout, "webhook")).toContain("skipped: the send was not accepted");
    expect(lineOf(result.stdout, "cleanup")).toBe(
      "✓ cleanup      throwaway key key_smoke revoked; it now answers 401 1001",
    );
    const webhook = standIn.server.requests.find((r) => r.path === "/admin/v1/keys/key_smoke/webhook");
    expect(webhook?.body).toEqual({
      webhook_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      webhook_basic_auth_username: "lisoloo_smoke",
      webhook_basic_auth_password: expect.stringMatching(/^[\w-]{24}$/),
    });
    expect(adminRequests().at(-1)?.path).toBe("/admin/v1/keys/key_smoke/revoke");
    // Neither the throwaway key, its signing secret nor the Basic password is printed.
    const password = (webhook?.body as { webhook_basic_auth_password?: string } | undefined)
      ?.webhook_basic_auth_password;
    expect(password).toBeTypeOf("string");
    for (const secret of [THROWAWAY_KEY, "whsec_c2VjcmV0c2VjcmV0c2VjcmV0", String(password)])
      expect(result.stdout).not.toContain(secret);
  });

  it("a setup that fails after the key exists still revokes it", async () => {
    scriptGateway("sandbox");
    scriptThrowaway();
    standIn.server.answer("PUT /admin/v1/keys/key_smoke/webhook", {
      status: 503,
      body: envelope(503, "1402", "Service unavailable"),
    });
    standIn.server.answer(`POST ${API}/send`, refusedKey);
    standIn.server.answer(`GET ${API}/balance`, refusedKey);
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url]);
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, "setup")).toContain(
      "✗ setup        PUT /admin/v1/keys/key_smoke/webhook: Error 1402",
    );
    expect(revoked()).toBe(true);
    expect(lineOf(result.stdout, "cleanup")).toContain("✓ cleanup");
  });

  it("--json prints one object with every check", async () => {
    scriptGateway("production");
    standIn.server.answer(`POST ${API}/send`, refusedKey);
    const result = await lisoloo(["smoke", "--base-url", standIn.server.url, "--admin-token", "t", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ base_url: standIn.server.url, passed: 3, failed: 0, skipped: 4 });
    expect(report.checks.map((c: { name: string; outcome: string }) => `${c.name} ${c.outcome}`)).toEqual([
      "health passed",
      "openapi passed",
      "auth error passed",
      "field error skipped",
      "send skipped",
      "balance skipped",
      "webhook skipped",
    ]);
  });
});

describe("lisoloo smoke --help", () => {
  it("says what it checks, with which key, what it creates and revokes, and the exit status", async () => {
    const result = await lisoloo(["smoke", "--help"], { env: { ADMIN_TOKEN: undefined } });
    expect(result.code).toBe(0);
    for (const text of [
      "Usage: lisoloo smoke [options]",
      "--base-url <origin>",
      "--admin-token <token>",
      "--api-key <sk_test_…>",
      "--webhook-url <https-url>",
      "--webhook-port <N>",
      "--timeout <seconds>",
      "--json",
      "+999000000001 (undelivered 1504)",
      "field error, send and balance use --api-key when given",
      "The webhook check\nalways uses the throwaway key",
      "it revokes that key",
      "--base-url and\n--admin-token alone are enough",
      "the webhook check is skipped, saying why",
      "Exit status: 0 when no check failed",
      "LISOLOO_BASE_URL",
      "LISOLOO_API_KEY",
    ])
      expect(result.stdout).toContain(text);
    expect(standIn.server.requests).toHaveLength(0);
  });

  it("is listed with the other commands", async () => {
    const result = await lisoloo(["--help"]);
    expect(result.stdout).toMatch(/\n {2}smoke +Check that a deployment works/);
  });
});
