import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../src/cli.mjs";
import { type Answer, envelope, ok, startAdminServer } from "./admin-server";

const TOKEN = "test-admin-token";
let server: Awaited<ReturnType<typeof startAdminServer>>;

beforeAll(async () => {
  server = await startAdminServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/** Runs the CLI in-process against the stand-in admin API; `stdin` feeds --password-stdin. */
async function lisoloo(
  argv: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string } = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    env: { LISOLOO_ADMIN_URL: server.url, ADMIN_TOKEN: TOKEN, ...options.env },
    fetch: globalThis.fetch,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? "",
  });
  return { code, stdout, stderr };
}

const merchant = {
  merchant_id: "mch_cli_1",
  shard: "DB_1",
  name: "Acme Kinshasa",
  time_zone: "Africa/Kinshasa",
  currency: "USD",
  unit_price: 0.02,
  default_sender_id: null,
  allowed_countries: ["CD"],
  rate_limits: { send: 100 },
  created_at: "2026-05-27T10:15:00.000Z",
};
const key = {
  key_id: "key_cli_1",
  merchant_id: "mch_cli_1",
  environment: "sandbox",
  key: "sk_test_…Ab12",
  status: "ACTIVE",
  revoke_at: null,
  last_used_at: null,
  webhook: {
    webhook_url: "https://hooks.example.com/sms",
    webhook_basic_auth_username: "hooks",
    webhook_basic_auth_password_set: true,
    webhook_signing_secret: "whsec_c2VjcmV0",
    disabled_at: null,
  },
  created_at: "2026-05-27T10:15:00.000Z",
};
const wallets = [
  { type: "LISOLOO_SMS", balance: 150 },
  { type: "LISOLOO_POST_PAID", balance: 0 },
];

const quietHealth = {
  status: "ok",
  checked_at: "2026-05-27T03:00:00Z",
  problems: [],
  count_cap: 10000,
  pipeline: {
    pending: { count: 0, older_than_1m: 0, older_than_5m: 0, older_than_1h: 0, oldest_age_seconds: null },
    processing: { count: 0, older_than_1m: 0, older_than_5m: 0, older_than_1h: 0, oldest_age_seconds: null },
    dispatches_due: { count: 0, oldest_age_seconds: null },
    processing_without_carrier_id: { count: 0, oldest_age_seconds: null },
    past_expiry: { count: 0, oldest_age_seconds: null },
  },
  dead_letters: {
    last_hour: { messages: 0, deliveries_failed: 0 },
    last_day: { messages: 0, deliveries_failed: 0 },
    latest: [],
  },
  webhooks: {
    pending: { count: 0, oldest_age_seconds: null, stalled: 0 },
    top_destinations: [],
    dead_last_24h: { count: 0, top_destinations: [] },
    disabled_key_webhooks: [],
  },
  keys: { suspended: [] },
  carriers: {
    routing_source: "sandbox",
    default_route: "sandbox",
    carriers: [
      {
        slug: "sandbox",
        kind: "sandbox",
        enabled: true,
        has_connector: true,
        prefixes: [],
        default_route: true,
        binds: null,
      },
    ],
  },
};

const troubledHealth = {
  ...quietHealth,
  status: "degraded",
  problems: [
    "Deliveries pending more than 5 min after their release (oldest 3900 s): the send queue is not being consumed",
    "2 dead letters in the last hour (150 deliveries failed 1501 and refunded)",
  ],
  pipeline: {
    ...quietHealth.pipeline,
    pending: {
      count: 10000,
      older_than_1m: 10000,
      older_than_5m: 4200,
      older_than_1h: 12,
      oldest_age_seconds: 3900,
    },
    processing: { count: 3, older_than_1m: 1, older_than_5m: 0, older_than_1h: 0, oldest_age_seconds: 75 },
  },
  dead_letters: {
    last_hour: { messages: 2, deliveries_failed: 150 },
    last_day: { messages: 2, deliveries_failed: 150 },
    latest: [
      {
        queue_message_id: "msg-dead-1",
        kind: "dispatch",
        message_id: "507f1f77bcf86cd799439011",
        dispatch_seq: 0,
        recipients: [0, 100],
        age_seconds: 600,
      },
    ],
  },
  webhooks: {
    pending: { count: 40, oldest_age_seconds: 90, stalled: 0 },
    top_destinations: [
      {
        destination: "https://hooks.example.com/slow",
        shard: "DB_0",
        pending: 38,
        oldest_pending_age_seconds: 90,
        dispatcher: { queued: 38, in_flight: 1, due: 2, next_attempt_at: "2026-05-27T03:00:30Z" },
      },
    ],
    dead_last_24h: {
      count: 5,
      top_destinations: [{ destination: "https://hooks.example.com/gone", dead: 5 }],
    },
    disabled_key_webhooks: [
      {
        key_id: "key_cli_2",
        merchant_id: "mch_cli_2",
        webhook_url: "https://hooks.example.com/gone",
        disabled_at: "2026-05-27T02:00:00Z",
      },
    ],
  },
  keys: {
    suspended: [
      {
        key_id: "key_cli_3",
        merchant_id: "mch_cli_3",
        reason: "rate_limit_abuse",
        suspended_until: "2026-05-27T03:12:00Z",
      },
    ],
  },
  carriers: {
    routing_source: "d1",
    default_route: "orange-cd",
    carriers: [
      {
        slug: "orange-cd",
        kind: "http_relay",
        enabled: false,
        has_connector: false,
        prefixes: ["+24380"],
        default_route: true,
        binds: null,
      },
      {
        slug: "vodacom-cd",
        kind: "smpp",
        enabled: true,
        has_connector: true,
        prefixes: ["+24381", "+24382"],
        default_route: false,
        binds: [
          {
            state: "bound",
            error: null,
            window_in_use: 2,
            submits_last_minute: 40,
            receipts_last_minute: 38,
          },
          {
            state: "failed",
            error: "bind refused (0x0E)",
            window_in_use: 0,
            submits_last_minute: 0,
            receipts_last_minute: 0,
          },
        ],
      },
    ],
  },
};

type Case = {
  argv: string[];
  route: string;
  answer: Answer;
  body?: unknown;
  printed: string[];
};

const cases: [string, Case][] = [
  [
    "merchants create",
    {
      argv: [
        "merchants",
        "create",
        "--name",
        "Acme Kinshasa",
        "--unit-price",
        "0.02",
        "--prepaid",
        "150",
        "--allowed-countries",
        "cd",
        "--rate-limit",
        "send=100",
      ],
      route: "POST /admin/v1/merchants",
      answer: ok(merchant, 201),
      body: {
        name: "Acme Kinshasa",
        unit_price: 0.02,
        allowed_countries: ["CD"],
        rate_limits: { send: 100 },
        wallets: { LISOLOO_SMS: 150 },
      },
      printed: ["Merchant mch_cli_1", "Acme Kinshasa", "send=100", "Next: lisoloo keys issue mch_cli_1"],
    },
  ],
  [
    "merchants create with every option",
    {
      argv: [
        "merchants",
        "create",
        "--name",
        "B",
        "--time-zone",
        "Europe/Paris",
        "--currency",
        "EUR",
        "--default-sender",
        "SHOP",
        "--postpaid",
        "10",
      ],
      route: "POST /admin/v1/merchants",
      answer: ok({ ...merchant, default_sender_id: "SHOP" }, 201),
      body: {
        name: "B",
        time_zone: "Europe/Paris",
        currency: "EUR",
        default_sender_id: "SHOP",
        wallets: { LISOLOO_POST_PAID: 10 },
      },
      printed: ["SHOP"],
    },
  ],
  [
    "merchants show",
    {
      argv: ["merchants", "show", "mch_cli_1"],
      route: "GET /admin/v1/merchants/mch_cli_1",
      answer: ok({ ...merchant, unit_price: null, rate_limits: {} }),
      printed: ["0.01 (default)", "LISOLOO (default)", "contract defaults", "CD", "shard", "DB_1"],
    },
  ],
  [
    "merchants update, clearing the unit price",
    {
      argv: ["merchants", "update", "mch_cli_1", "--unit-price", "none", "--name", "Acme"],
      route: "PATCH /admin/v1/merchants/mch_cli_1",
      answer: ok(merchant),
      body: { name: "Acme", unit_price: null },
      printed: ["Merchant mch_cli_1"],
    },
  ],
  [
    "keys issue",
    {
      argv: ["keys", "issue", "mch_cli_1"],
      route: "POST /admin/v1/merchants/mch_cli_1/keys",
      answer: ok({ ...key, api_key: "sk_test_NewKeyNewKeyNewKeyNewKeyAb12" }, 201),
      printed: [
        "shown this once",
        "sk_test_NewKeyNewKeyNewKeyNewKeyAb12",
        "Key key_cli_1 (sandbox, merchant mch_cli_1)",
        "whsec_c2VjcmV0",
      ],
    },
  ],
  [
    "keys list",
    {
      argv: ["keys", "list", "mch_cli_1"],
      route: "GET /admin/v1/merchants/mch_cli_1/keys",
      answer: ok([key, { ...key, key_id: "key_cli_2", status: "SUSPENDED", webhook: { webhook_url: null } }]),
      printed: ["KEY ID", "key_cli_1", "key_cli_2", "SUSPENDED", "https://hooks.example.com/sms"],
    },
  ],
  [
    "health",
    {
      argv: ["health"],
      route: "GET /admin/v1/health",
      answer: ok(quietHealth),
      printed: [
        "Gateway health: OK (checked 2026-05-27T03:00:00Z)",
        "  no problems",
        "DELIVERIES  COUNT  > 1 MIN",
        "pending     0",
        "Carriers (sandbox: every number goes to the stub)",
        "sandbox  sandbox  yes      yes        —         yes",
      ],
    },
  ],
  [
    "keys show during a 1302 suspension",
    {
      argv: ["keys", "show", "key_cli_1"],
      route: "GET /admin/v1/keys/key_cli_1",
      answer: ok({
        ...key,
        status: "SUSPENDED",
        suspension: { reason: "rate_limit_abuse", suspended_until: "2026-05-27T10:30:00.000Z" },
      }),
      printed: ["status            SUSPENDED", "for rate-limit abuse (1302) until 2026-05-27T10:30:00.000Z"],
    },
  ],
  [
    "keys show",
    {
      argv: ["keys", "show", "key_cli_1"],
      route: "GET /admin/v1/keys/key_cli_1",
      answer: ok(key),
      printed: ["hooks / password set", "sk_test_…Ab12"],
    },
  ],
  [
    "keys regenerate with a grace period",
    {
      argv: ["keys", "regenerate", "key_cli_1", "--grace-seconds", "3600"],
      route: "POST /admin/v1/keys/key_cli_1/regenerate",
      answer: ok({ ...key, key_id: "key_cli_3", api_key: "sk_test_Replacement", replaces: "key_cli_1" }, 201),
      body: { grace_seconds: 3600 },
      printed: ["sk_test_Replacement", "The old key key_cli_1 keeps working for 3600 s."],
    },
  ],
  [
    "keys regenerate at once",
    {
      argv: ["keys", "regenerate", "key_cli_1"],
      route: "POST /admin/v1/keys/key_cli_1/regenerate",
      answer: ok({ ...key, key_id: "key_cli_3", api_key: "sk_test_Replacement", replaces: "key_cli_1" }, 201),
      body: {},
      printed: ["The old key key_cli_1 no longer works."],
    },
  ],
  ...(["suspend", "activate", "expire", "revoke"] as const).map((action): [string, Case] => [
    `keys ${action}`,
    {
      argv: ["keys", action, "key_cli_1"],
      route: `POST /admin/v1/keys/key_cli_1/${action}`,
      answer: ok({ ...key, status: action.toUpperCase() }),
      printed: [`status            ${action.toUpperCase()}`],
    },
  ]),
  [
    "keys webhook with Basic credentials",
    {
      argv: [
        "keys",
        "webhook",
        "key_cli_1",
        "--url",
        "https://hooks.example.com/sms",
        "--username",
        "hooks",
        "--password",
        "s3cret",
      ],
      route: "PUT /admin/v1/keys/key_cli_1/webhook",
      answer: ok(key),
      body: {
        webhook_url: "https://hooks.example.com/sms",
        webhook_basic_auth_username: "hooks",
        webhook_basic_auth_password: "s3cret",
      },
      printed: ["https://hooks.example.com/sms"],
    },
  ],
  [
    "keys webhook with the password on stdin",
    {
      argv: ["keys", "webhook", "key_cli_1", "--password-stdin"],
      route: "PUT /admin/v1/keys/key_cli_1/webhook",
      answer: ok(key),
      body: { webhook_basic_auth_password: "from-stdin" },
      printed: ["Key key_cli_1"],
    },
  ],
  [
    "keys webhook removing the URL",
    {
      argv: ["keys", "webhook", "key_cli_1", "--url", "none"],
      route: "PUT /admin/v1/keys/key_cli_1/webhook",
      answer: ok({ ...key, webhook: { ...key.webhook, webhook_url: null } }),
      body: { webhook_url: null },
      printed: ["webhook url       —"],
    },
  ],
  [
    "keys webhook --clear-auth",
    {
      argv: ["keys", "webhook", "key_cli_1", "--clear-auth"],
      route: "DELETE /admin/v1/keys/key_cli_1/webhook",
      answer: ok({ ...key, webhook: { ...key.webhook, webhook_basic_auth_username: null } }),
      printed: ["basic auth        —"],
    },
  ],
  [
    "wallets show",
    {
      argv: ["wallets", "show", "mch_cli_1"],
      route: "GET /admin/v1/merchants/mch_cli_1/wallets",
      answer: ok({
        wallets: [
          { type: "LISOLOO_SMS", balance: 149.98 },
          { type: "LISOLOO_POST_PAID", balance: null },
        ],
        ledger: [
          {
            id: 1,
            wallet: "LISOLOO_SMS",
            amount: 150,
            reason: "topup",
            message_id: null,
            reference: null,
            note: "opening balance",
            created_at: "2026-05-27T10:15:00.000Z",
          },
          {
            id: 2,
            wallet: "LISOLOO_SMS",
            amount: -0.02,
            reason: "debit",
            message_id: "507f1f77bcf86cd799439011",
            reference: null,
            note: null,
            created_at: "2026-05-27T10:16:00.000Z",
          },
        ],
      }),
      printed: [
        "Wallets of mch_cli_1",
        "149.98",
        "no wallet",
        "balance (both)     149.98",
        "Ledger (2)",
        "+150",
        "-0.02",
        "507f1f77bcf86cd799439011",
      ],
    },
  ],
  [
    "wallets topup with an alias for the wallet",
    {
      argv: ["wallets", "topup", "mch_cli_1", "prepaid", "50", "--reference", "inv-42"],
      route: "POST /admin/v1/merchants/mch_cli_1/wallets/LISOLOO_SMS/topups",
      answer: ok({ wallets }, 201),
      body: { amount: 50, reference: "inv-42" },
      printed: ["Topped up LISOLOO_SMS by +50.", "LISOLOO_SMS        150"],
    },
  ],
  [
    "wallets adjust by a negative amount",
    {
      argv: ["wallets", "adjust", "mch_cli_1", "LISOLOO_POST_PAID", "-5", "--note", "goodwill reversal"],
      route: "POST /admin/v1/merchants/mch_cli_1/wallets/LISOLOO_POST_PAID/adjustments",
      answer: ok({ wallets }, 201),
      body: { amount: -5, note: "goodwill reversal" },
      printed: ["Adjusted LISOLOO_POST_PAID by -5."],
    },
  ],
  [
    "webhooks list",
    {
      argv: ["webhooks", "list", "507f1f77bcf86cd799439011"],
      route: "GET /admin/v1/messages/507f1f77bcf86cd799439011/webhooks",
      answer: ok({
        message_id: "507f1f77bcf86cd799439011",
        events: [
          {
            event_id: "evt-dead-1",
            event_type: "sms.failed",
            sequence: 3,
            status: "dead",
            attempt_count: 5,
            next_attempt_at: null,
            attempts: [{ attempt: 5, response_status: 503, error: null, verdict: "retry" }],
          },
        ],
      }),
      printed: [
        "Webhook events of 507f1f77bcf86cd799439011 (1)",
        "evt-dead-1",
        "sms.failed",
        "dead",
        "503 (retry)",
      ],
    },
  ],
  [
    "webhooks replay",
    {
      argv: ["webhooks", "replay", "evt-dead-1"],
      route: "POST /admin/v1/webhooks/evt-dead-1/replay",
      answer: ok({ event_id: "evt-dead-1", event_type: "sms.failed", status: "pending" }, 202),
      printed: ["Event evt-dead-1 (sms.failed) queued again: status pending."],
    },
  ],
  [
    "webhooks rotate-secret",
    {
      argv: ["webhooks", "rotate-secret", "key_cli_1"],
      route: "POST /admin/v1/keys/key_cli_1/webhook/rotate-secret",
      answer: ok({
        ...key,
        webhook: {
          ...key.webhook,
          webhook_signing_secret: "whsec_bmV3",
          previous_secret_valid_until: "2026-05-28T10:15:00.000Z",
        },
      }),
      printed: ["whsec_bmV3", "2026-05-28T10:15:00.000Z"],
    },
  ],
];

describe("lisoloo commands: the request they make and what they print", () => {
  it.each(cases)("%s", async (_name, c) => {
    server.answer(c.route, c.answer);
    const result = await lisoloo(c.argv, { stdin: "from-stdin\nignored\n" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [method, routePath] = c.route.split(" ");
    expect(server.requests[0]).toEqual({
      method,
      path: routePath,
      authorization: `Bearer ${TOKEN}`,
      contentType: c.body === undefined ? undefined : "application/json",
      body: c.body,
    });
    for (const text of c.printed) expect(result.stdout).toContain(text);
  });

  it("--json prints the API's answer untouched", async () => {
    server.answer("GET /admin/v1/merchants/mch_cli_1", ok(merchant));
    const result = await lisoloo(["merchants", "show", "mch_cli_1", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ status_code: 200, success: true, data: merchant });
  });

  it("a ping the receiver refused prints its answer and exits 1", async () => {
    server.answer(
      "POST /admin/v1/keys/key_cli_1/webhook/ping",
      ok({
        event_id: "e",
        destination: "https://hooks.example.com/sms",
        delivered: false,
        response_status: 500,
        duration_ms: 12,
        response_body: "boom",
        error: null,
      }),
    );
    const result = await lisoloo(["webhooks", "ping", "key_cli_1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Ping NOT delivered to https://hooks.example.com/sms: HTTP 500 in 12 ms");
    expect(result.stdout).toContain("answer: boom");
  });

  it("a delivered ping exits 0", async () => {
    server.answer(
      "POST /admin/v1/keys/key_cli_1/webhook/ping",
      ok({
        event_id: "e",
        destination: "https://h.example/x",
        delivered: true,
        response_status: 204,
        duration_ms: 8,
        response_body: null,
        error: null,
      }),
    );
    const result = await lisoloo(["webhooks", "ping", "key_cli_1"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("Ping delivered to https://h.example/x: HTTP 204 in 8 ms");
  });

  it("ids are escaped into the path", async () => {
    await lisoloo(["keys", "show", "key/../x"]);
    expect(server.requests[0]?.path).toBe("/admin/v1/keys/key%2F..%2Fx");
  });
});

describe("lisoloo health", () => {
  it("a degraded gateway: the problems first, every part as a table, exit 1", async () => {
    server.answer("GET /admin/v1/health", ok(troubledHealth));
    const result = await lisoloo(["health"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const out = result.stdout;
    expect(out).toContain("Gateway health: DEGRADED (checked 2026-05-27T03:00:00Z)");
    expect(out).toContain(
      "  ! Deliveries pending more than 5 min after their release (oldest 3900 s): the send queue is not being consumed",
    );
    expect(out).toContain("pending     10000+  10000+   4200     12     1 h 5 min");
    expect(out).toContain("processing  3       1        0        0      75 s");
    expect(out).toContain("  last hour  2 messages, 150 deliveries failed 1501");
    expect(out).toContain("msg-dead-1     dispatch  507f1f77bcf86cd799439011  0         0–100       10 min");
    expect(out).toContain("Webhooks: 40 pending (oldest 90 s), 0 stalled");
    expect(out).toContain(
      "https://hooks.example.com/slow  DB_0   38       90 s    38      1          2    2026-05-27T03:00:30Z",
    );
    expect(out).toContain("Dead webhook events, last 24 h: 5");
    expect(out).toContain("key_cli_2  mch_cli_2  https://hooks.example.com/gone  2026-05-27T02:00:00Z");
    expect(out).toContain("key_cli_3  mch_cli_3  2026-05-27T03:12:00Z");
    expect(out).toContain("Carriers (routes from PUT /admin/v1/routes, default route orange-cd)");
    expect(out).toContain("orange-cd   http_relay  no       NONE       +24380          yes      —");
    expect(out).toContain("vodacom-cd  smpp        yes      yes        +24381, +24382  no       1/2 bound");
  });

  it("--json prints the answer as is, and still exits 1 when degraded", async () => {
    server.answer("GET /admin/v1/health", ok(troubledHealth));
    const result = await lisoloo(["health", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ status_code: 200, success: true, data: troubledHealth });
  });

  it("takes no arguments", async () => {
    const result = await lisoloo(["health", "now"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Expected no arguments, got now\nUsage: lisoloo health [options]");
    expect(server.requests).toHaveLength(0);
  });
});

describe("lisoloo errors", () => {
  it("shows the API's error envelope: code, status, message, every detail and the request id", async () => {
    server.answer("POST /admin/v1/merchants/mch_cli_1/wallets/LISOLOO_SMS/adjustments", {
      status: 400,
      body: envelope(400, "1110", "Invalid field format", [
        { field: "amount", message: "The balance cannot go below zero", code: "INVALID_FIELD_FORMAT" },
      ]),
    });
    const result = await lisoloo(["wallets", "adjust", "mch_cli_1", "LISOLOO_SMS", "-500", "--note", "oops"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "Error 1110 (HTTP 400): Invalid field format\n  - amount: The balance cannot go below zero [INVALID_FIELD_FORMAT]\n  request id: req_0123456789abcdef\n",
    );
  });

  it("with --json, an error envelope goes to stdout as is, still exiting 1", async () => {
    const result = await lisoloo(["merchants", "show", "mch_missing", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error_code: "1403", status_code: 404 });
  });

  it("a refused admin token", async () => {
    server.answer("GET /admin/v1/keys/key_cli_1", {
      status: 401,
      body: envelope(401, "1001", "Missing or invalid admin token"),
    });
    const result = await lisoloo(["keys", "show", "key_cli_1"], { env: { ADMIN_TOKEN: "wrong" } });
    expect(result.code).toBe(1);
    expect(server.requests[0]?.authorization).toBe("Bearer wrong");
    expect(result.stderr).toContain("Error 1001 (HTTP 401): Missing or invalid admin token");
  });

  it("an answer that is not an envelope is shown as text", async () => {
    server.answer("GET /admin/v1/keys/key_cli_9", { status: 502, body: "Bad Gateway" });
    const result = await lisoloo(["keys", "show", "key_cli_9"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Error: HTTP 502: Bad Gateway\n");
  });

  it("an unreachable gateway names the URL it tried", async () => {
    const result = await lisoloo(["keys", "show", "key_cli_1"], {
      env: { LISOLOO_ADMIN_URL: "http://127.0.0.1:9/" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Cannot reach the admin API at http:\/\/127\.0\.0\.1:9: /);
  });

  it("a missing ADMIN_TOKEN stops before any request", async () => {
    const result = await lisoloo(["keys", "show", "key_cli_1"], { env: { ADMIN_TOKEN: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ADMIN_TOKEN is not set");
    expect(server.requests).toHaveLength(0);
  });

  const mistakes: [string, string[], string][] = [
    ["a missing argument", ["keys", "issue"], "Expected <merchant_id>, got none"],
    ["an extra argument", ["merchants", "show", "a", "b"], "Expected <merchant_id>, got a b"],
    ["a missing required option", ["merchants", "create"], "--name is required"],
    ["an unknown option", ["keys", "show", "k", "--colour"], "Unknown option '--colour'"],
    [
      "a non-numeric amount",
      ["wallets", "topup", "m", "LISOLOO_SMS", "ten"],
      'amount must be a number, got "ten"',
    ],
    [
      "an unknown wallet",
      ["wallets", "topup", "m", "GOLD", "10"],
      'wallet must be LISOLOO_SMS (prepaid) or LISOLOO_POST_PAID (postpaid), got "GOLD"',
    ],
    [
      "a fractional grace period",
      ["keys", "regenerate", "k", "--grace-seconds", "1.5"],
      "--grace-seconds must be a whole number",
    ],
    [
      "a bad rate limit",
      ["merchants", "update", "m", "--rate-limit", "sends=5"],
      "--rate-limit takes bucket=N",
    ],
    ["an update with nothing to change", ["merchants", "update", "m"], "Nothing to change"],
    [
      "--clear-auth with a URL",
      ["keys", "webhook", "k", "--clear-auth", "--url", "https://x.example"],
      "--clear-auth cannot be combined",
    ],
    ["an adjustment without a note", ["wallets", "adjust", "m", "prepaid", "-1"], "--note is required"],
  ];

  it.each(mistakes)("%s is a usage error (exit 2) and sends nothing", async (_name, argv, message) => {
    const result = await lisoloo(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Usage: lisoloo ${argv[0]} ${argv[1]}`);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [["frobnicate"], 'Unknown command "frobnicate"'],
    [["keys", "obliterate", "k"], 'Unknown command "keys obliterate"'],
    [[], "Usage: lisoloo <group> <command>"],
    [["wallets"], "Usage: lisoloo wallets <command>"],
  ])("%j prints the commands to stderr and exits 2", async (argv, message) => {
    const result = await lisoloo(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe("lisoloo --help", () => {
  it.each([
    [
      ["--help"],
      [
        "health ",
        "merchants create",
        "keys regenerate",
        "wallets topup",
        "webhooks replay",
        "LISOLOO_ADMIN_URL",
        "ADMIN_TOKEN",
      ],
    ],
    [["help"], ["merchants create"]],
    [
      ["keys", "--help"],
      ["keys issue", "keys webhook", "keys revoke"],
    ],
    [
      ["help", "keys", "webhook"],
      ["Usage: lisoloo keys webhook <key_id> [options]", "--password-stdin", "--clear-auth", "--json"],
    ],
    [
      ["merchants", "create", "-h"],
      ["Usage: lisoloo merchants create --name <name> [options]", "--prepaid <amount>", "(repeatable)"],
    ],
    [["wallets", "adjust", "--help"], ["<merchant_id> <wallet> <amount> --note <text>"]],
    [
      ["health", "--help"],
      ["Usage: lisoloo health [options]", "pipeline backlog", "--json"],
    ],
    [["help", "health"], ["Usage: lisoloo health [options]"]],
  ])("%j", async (argv, texts) => {
    const result = await lisoloo(argv, { env: { ADMIN_TOKEN: undefined } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    for (const text of texts) expect(result.stdout).toContain(text);
    expect(server.requests).toHaveLength(0);
  });

  it("the keys group lists only its own commands", async () => {
    const result = await lisoloo(["keys", "--help"]);
    expect(result.stdout).not.toContain("merchants create");
  });
});

describe("bin/lisoloo.mjs", () => {
  const bin = path.join(import.meta.dirname, "..", "bin", "lisoloo.mjs");
  const exec = promisify(execFile);

  it("runs as a program: environment in, text out, exit status", async () => {
    server.answer("GET /admin/v1/merchants/mch_cli_1", ok(merchant));
    const env = { ...process.env, LISOLOO_ADMIN_URL: server.url, ADMIN_TOKEN: TOKEN };
    const shown = await exec(process.execPath, [bin, "merchants", "show", "mch_cli_1"], { env });
    expect(shown.stdout).toContain("Merchant mch_cli_1");
    const missing = await exec(process.execPath, [bin, "merchants", "show", "mch_nope"], { env }).catch(
      (e) => e,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Error 1403 (HTTP 404): Route not found");
  });
});
