import { describe, expect, it } from "vitest";
import { type ConfigFinding, parseConfig } from "./schema";

const binding = {};
const secretToken = "admin-token-0123456789";
const secretKey = "credentials-key-0123456789";

/** A valid sandbox environment; each case changes what it names. */
const base: Record<string, unknown> = {
  ENVIRONMENT: "sandbox",
  ADMIN_TOKEN: secretToken,
  CREDENTIALS_KEY: secretKey,
  ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false",
  DIRECTORY: binding,
  DB_0: binding,
  ARCHIVE: binding,
  SEND_QUEUE: binding,
  RECEIPT_QUEUE: binding,
  KEY_GUARD: binding,
  WEBHOOK_DISPATCHER: binding,
  SMPP_BIND: binding,
};
const production = { ...base, ENVIRONMENT: "production" };

describe("the environment schema accepts", () => {
  it.each([
    [
      "the sandbox as wrangler.jsonc and the secrets give it",
      base,
      {
        environment: "sandbox",
        allowHttpLocalhostWebhooks: false,
        sandboxSlowDeliverySeconds: null,
        archiveAfterDays: 90,
        webhookAttemptRetentionDays: 30,
      },
    ],
    [
      "a development sandbox: localhost webhooks, a shorter slow number",
      { ...base, ALLOW_HTTP_LOCALHOST_WEBHOOKS: "true", SANDBOX_SLOW_DELIVERY_SECONDS: "2" },
      { allowHttpLocalhostWebhooks: true, sandboxSlowDeliverySeconds: 2 },
    ],
    [
      "JSON vars (a boolean, a number)",
      { ...base, ALLOW_HTTP_LOCALHOST_WEBHOOKS: true, SANDBOX_SLOW_DELIVERY_SECONDS: 0 },
      { allowHttpLocalhostWebhooks: true, sandboxSlowDeliverySeconds: 0 },
    ],
    [
      "the flag left out",
      { ...base, ALLOW_HTTP_LOCALHOST_WEBHOOKS: undefined },
      { allowHttpLocalhostWebhooks: false },
    ],
    // Carriers and routes are data (D1, the admin API), not environment: nothing to set for them.
    ["production", production, { environment: "production", allowHttpLocalhostWebhooks: false }],
    [
      "no previous secrets: one admin token, one credentials key",
      base,
      { adminToken: secretToken, adminTokenPrevious: null, credentialKeys: [secretKey] },
    ],
    [
      "previous secrets while rotating: the current key first",
      {
        ...base,
        ADMIN_TOKEN_PREVIOUS: "old-admin-token-0123456789",
        CREDENTIALS_KEY_PREVIOUS: "old-key-0123456789",
      },
      {
        adminToken: secretToken,
        adminTokenPrevious: "old-admin-token-0123456789",
        credentialsKey: secretKey,
        credentialKeys: [secretKey, "old-key-0123456789"],
      },
    ],
    ["test-only bindings next to the real ones", { ...base, WEBHOOK_RECEIVER_URL: "http://127.0.0.1:1" }, {}],
    ["no public base URL (no HTTP relay can send receipts back)", base, { publicBaseUrl: null }],
    ["no D1 query count unless asked", base, { logD1Queries: false }],
    [
      "the D1 query count, asked for by a measurement",
      { ...base, LOG_D1_QUERIES: "true" },
      { logD1Queries: true },
    ],
    [
      "the public base URL, a trailing slash dropped",
      { ...base, PUBLIC_BASE_URL: "https://sms.example.net/" },
      { publicBaseUrl: "https://sms.example.net" },
    ],
    [
      "retention set as strings (--var, secrets)",
      { ...base, ARCHIVE_AFTER_DAYS: "365", WEBHOOK_ATTEMPT_RETENTION_DAYS: "7" },
      { archiveAfterDays: 365, webhookAttemptRetentionDays: 7 },
    ],
    [
      "retention set as JSON numbers, at their bounds",
      { ...base, ARCHIVE_AFTER_DAYS: 7, WEBHOOK_ATTEMPT_RETENTION_DAYS: 1 },
      { archiveAfterDays: 7, webhookAttemptRetentionDays: 1 },
    ],
    ["two shards' cron jobs per invocation unless told", base, { cronShardsPerInvocation: 2 }],
    [
      "fewer shards' cron jobs per invocation",
      { ...base, CRON_SHARDS_PER_INVOCATION: "1" },
      { cronShardsPerInvocation: 1 },
    ],
    ["one webhook dispatcher per destination unless told", base, { webhookDispatcherLanes: 1 }],
    [
      "webhook dispatcher lanes as a JSON number (wrangler.jsonc)",
      { ...base, WEBHOOK_DISPATCHER_LANES: 8 },
      { webhookDispatcherLanes: 8 },
    ],
    [
      "webhook dispatcher lanes as a string (--var), at their bound",
      { ...base, WEBHOOK_DISPATCHER_LANES: "16" },
      { webhookDispatcherLanes: 16 },
    ],
  ])("%s", (_name, env, expected) => {
    const result = parseConfig(env);
    expect(result).toMatchObject({ ok: true, config: expected });
  });
});

const bad: [string, Record<string, unknown>, ConfigFinding[]][] = [
  ...["sms.example.net", "ftp://sms.example.net", "https://sms.example.net/?x=1"].map(
    (url): [string, Record<string, unknown>, ConfigFinding[]] => [
      `a public base URL that is not an http(s) origin: ${url}`,
      { ...base, PUBLIC_BASE_URL: url },
      [
        {
          variable: "PUBLIC_BASE_URL",
          problem: "Must be an http(s) origin with an optional path, no query (https://sms.example.net)",
        },
      ],
    ],
  ),
  [
    "an unknown environment",
    { ...base, ENVIRONMENT: "staging" },
    [{ variable: "ENVIRONMENT", problem: 'Must be "sandbox" or "production", got "staging"' }],
  ],
  [
    "no environment",
    { ...base, ENVIRONMENT: undefined },
    [{ variable: "ENVIRONMENT", problem: "Missing: set it in wrangler.jsonc vars" }],
  ],
  [
    "no admin token",
    { ...base, ADMIN_TOKEN: undefined },
    [{ variable: "ADMIN_TOKEN", problem: "Missing: set it with `wrangler secret put ADMIN_TOKEN`" }],
  ],
  [
    "a short credentials key",
    { ...base, CREDENTIALS_KEY: "hunter2" },
    [
      {
        variable: "CREDENTIALS_KEY",
        problem: "Too short: a secret needs at least 16 characters (the value is not shown)",
      },
    ],
  ],
  ...(["ADMIN_TOKEN_PREVIOUS", "CREDENTIALS_KEY_PREVIOUS"] as const).flatMap(
    (variable): [string, Record<string, unknown>, ConfigFinding[]][] => [
      [
        `a short ${variable}`,
        { ...base, [variable]: "old-but-short" },
        [
          {
            variable,
            problem: "Too short: a secret needs at least 16 characters (the value is not shown)",
          },
        ],
      ],
      [
        `a blank ${variable} (delete it instead)`,
        { ...base, [variable]: "" },
        [{ variable, problem: expect.stringMatching(/^Too short/) as unknown as string }],
      ],
      [
        `a ${variable} that is not a string`,
        { ...base, [variable]: 42 },
        [{ variable, problem: "Must be a string" }],
      ],
    ],
  ),
  [
    "a blank admin token",
    { ...base, ADMIN_TOKEN: " ".repeat(20) },
    [{ variable: "ADMIN_TOKEN", problem: expect.stringMatching(/^Too short/) as unknown as string }],
  ],
  [
    "a flag that is neither true nor false",
    { ...base, ALLOW_HTTP_LOCALHOST_WEBHOOKS: "yes" },
    [{ variable: "ALLOW_HTTP_LOCALHOST_WEBHOOKS", problem: 'Must be "true" or "false", got "yes"' }],
  ],
  [
    "a D1 query count flag that is neither true nor false",
    { ...base, LOG_D1_QUERIES: "1" },
    [{ variable: "LOG_D1_QUERIES", problem: 'Must be "true" or "false", got "1"' }],
  ],
  [
    "localhost webhooks in production",
    { ...production, ALLOW_HTTP_LOCALHOST_WEBHOOKS: "true" },
    [
      {
        variable: "ALLOW_HTTP_LOCALHOST_WEBHOOKS",
        problem: 'Must not be "true" in production: http://localhost webhooks are for local development only',
      },
    ],
  ],
  [
    "a slow delay that is not a number",
    { ...base, SANDBOX_SLOW_DELIVERY_SECONDS: "soon" },
    [{ variable: "SANDBOX_SLOW_DELIVERY_SECONDS", problem: "Must be a whole number of seconds" }],
  ],
  [
    "a negative slow delay",
    { ...base, SANDBOX_SLOW_DELIVERY_SECONDS: "-1" },
    [{ variable: "SANDBOX_SLOW_DELIVERY_SECONDS", problem: "Must be a whole number of seconds" }],
  ],
  [
    "a slow delay past a queue's limit",
    { ...base, SANDBOX_SLOW_DELIVERY_SECONDS: "86400" },
    [{ variable: "SANDBOX_SLOW_DELIVERY_SECONDS", problem: "At most 43200 (a queue delay's limit)" }],
  ],
  ...(
    [
      ["ARCHIVE_AFTER_DAYS", "ninety", "Must be a whole number of days"],
      ["ARCHIVE_AFTER_DAYS", "90.5", "Must be a whole number of days"],
      ["ARCHIVE_AFTER_DAYS", "-1", "Must be a whole number of days"],
      ["ARCHIVE_AFTER_DAYS", "3", "At least 7 days"],
      ["ARCHIVE_AFTER_DAYS", "5000", "At most 3650 days"],
      ["WEBHOOK_ATTEMPT_RETENTION_DAYS", "0", "At least 1 day"],
      ["WEBHOOK_ATTEMPT_RETENTION_DAYS", "", "Must be a whole number of days"],
      ["WEBHOOK_ATTEMPT_RETENTION_DAYS", true, "Must be a whole number of days, got true"],
      ["CRON_SHARDS_PER_INVOCATION", "0", "Must be a whole number of shards, at least 1"],
      [
        "CRON_SHARDS_PER_INVOCATION",
        "3",
        "At most 2: a shard's jobs may cost about 200 D1 queries and the archive 470, of the 1000 allowed",
      ],
      ["WEBHOOK_DISPATCHER_LANES", "0", "Must be a whole number of lanes, at least 1"],
      ["WEBHOOK_DISPATCHER_LANES", 2.5, "Must be a whole number of lanes, at least 1"],
      ["WEBHOOK_DISPATCHER_LANES", "17", "At most 16"],
      ["WEBHOOK_DISPATCHER_LANES", false, "Must be a whole number of lanes, got false"],
    ] as const
  ).map(([variable, value, problem]): [string, Record<string, unknown>, ConfigFinding[]] => [
    `${variable} = ${JSON.stringify(value)}`,
    { ...base, [variable]: value },
    [{ variable, problem }],
  ]),
  [
    "a missing R2 binding",
    { ...base, ARCHIVE: undefined },
    [{ variable: "ARCHIVE", problem: "Missing: no R2 bucket binding of that name (wrangler.jsonc)" }],
  ],
  [
    "a missing D1 binding",
    { ...base, DB_0: undefined },
    [{ variable: "DB_0", problem: "Missing: no D1 binding of that name (wrangler.jsonc)" }],
  ],
  [
    "a missing receipt queue binding",
    { ...base, RECEIPT_QUEUE: undefined },
    [
      {
        variable: "RECEIPT_QUEUE",
        problem: "Missing: no queue producer binding of that name (wrangler.jsonc)",
      },
    ],
  ],
];

describe("the environment schema refuses", () => {
  it.each(bad)("%s, naming the variable", (_name, env, findings) => {
    const result = parseConfig(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.findings).toHaveLength(findings.length);
    expect(result.findings).toEqual(expect.arrayContaining(findings));
  });

  it("names every bad variable at once", () => {
    const result = parseConfig({
      ...production,
      ENVIRONMENT: "prod",
      ADMIN_TOKEN: undefined,
      CREDENTIALS_KEY: "short",
      SANDBOX_SLOW_DELIVERY_SECONDS: "soon",
      KEY_GUARD: undefined,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.findings.map((f) => f.variable).sort()).toEqual([
      "ADMIN_TOKEN",
      "CREDENTIALS_KEY",
      "ENVIRONMENT",
      "KEY_GUARD",
      "SANDBOX_SLOW_DELIVERY_SECONDS",
    ]);
  });

  it("never quotes a secret's value", () => {
    const token = "leaked-token-value";
    const key = "k3y";
    for (const env of [
      { ...base, ADMIN_TOKEN: ` ${token} `.slice(0, 10), CREDENTIALS_KEY: key },
      { ...base, ADMIN_TOKEN: 1234567890, CREDENTIALS_KEY: [key] },
      { ...base, ADMIN_TOKEN_PREVIOUS: ` ${token} `.slice(0, 10), CREDENTIALS_KEY_PREVIOUS: key },
    ]) {
      const result = parseConfig(env);
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      expect(text).not.toContain(token.slice(0, 8));
      expect(text).not.toContain(key);
      expect(text).not.toContain("1234567890");
    }
  });
});
