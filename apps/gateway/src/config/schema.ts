import { z } from "zod";

/**
 * The Worker's environment as the code uses it: vars and secrets checked and converted once, so no
 * handler casts `env` or parses a variable itself (and a bad value fails loudly at the first request
 * rather than as retries, dead letters and refunds deep in the pipeline).
 */
export type Config = {
  environment: "sandbox" | "production";
  /** Bearer token of the operator API (§11). */
  adminToken: string;
  /**
   * While an admin token is rotated, the other accepted one (`ADMIN_TOKEN_PREVIOUS`): both open the
   * operator API until it is deleted. Null when not rotating.
   */
  adminTokenPrevious: string | null;
  /** Key material for encrypting webhook Basic passwords and carrier passwords at rest: what seals and signs. */
  credentialsKey: string;
  /**
   * Every key that opens a sealed secret or verifies a relay dlr-url signature: `CREDENTIALS_KEY` first,
   * then `CREDENTIALS_KEY_PREVIOUS` while a rotation lasts, so what was sealed or signed under the
   * outgoing key keeps working until the re-seal (admin/reseal/) has moved it and in-flight messages are done.
   */
  credentialKeys: readonly string[];
  /** Lets `http://localhost` webhooks through the SSRF guard: local development only (§8). */
  allowHttpLocalhostWebhooks: boolean;
  /** The sandbox slow number's delay, when the deployment shortens it (tests do); null = the default. */
  sandboxSlowDeliverySeconds: number | null;
  /**
   * The gateway's public origin as an HTTP relay reaches it (https://sms.example.net): the base of
   * each delivery's dlr-url. Null: no relay can send receipts back, so `http_relay` carriers take no sends.
   */
  publicBaseUrl: string | null;
  /** Count D1 queries and log them as `d1.queries` lines (observability/d1-queries.ts): measurements only. */
  logD1Queries: boolean;
  /**
   * A send leaves D1 for the archive (R2) once every delivery is final, no dispatch is still to come
   * and its last change is this many days old.
   */
  archiveAfterDays: number;
  /** Shards whose cron jobs one cron invocation runs itself; past that, one queue message per shard. */
  cronShardsPerInvocation: number;
  /** Webhook attempts (the operator's delivery log) are deleted after this many days. */
  webhookAttemptRetentionDays: number;
  /**
   * Dispatchers sharing each destination's events, a recipient's events always on the same one
   * (webhooks/dispatcher/address.ts). 1 when unset: under `wrangler dev` every Durable Object shares
   * one thread and nothing caps a Worker's connections, so more lanes only add work there.
   */
  webhookDispatcherLanes: number;
};

/** One thing wrong with the environment: which variable, and what is wrong (never a secret's value). */
export type ConfigFinding = { variable: string; problem: string };

/** Shorter secrets than this are guessable, or a placeholder left in by mistake. */
export const MIN_SECRET_LENGTH = 16;

/** A queue message cannot be delayed longer than 12 h, so neither can the sandbox's slow receipt. */
const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** How long sends and webhook attempts stay in D1 when the deployment does not say. */
export const DEFAULT_ARCHIVE_AFTER_DAYS = 90;
export const DEFAULT_WEBHOOK_ATTEMPT_RETENTION_DAYS = 30;

/**
 * A send can still move for its validity period (up to 3 days) and its webhooks retry for about an
 * hour; a week leaves a wide margin before it may leave D1.
 */
const MIN_ARCHIVE_AFTER_DAYS = 7;
const MAX_RETENTION_DAYS = 3650;

/** A non-secret value as a finding quotes it: JSON, cut short. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function secret(name: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `Missing: set it with \`wrangler secret put ${name}\``
          : "Must be a string",
    })
    .refine(
      (value) => value.trim().length >= MIN_SECRET_LENGTH,
      `Too short: a secret needs at least ${MIN_SECRET_LENGTH} characters (the value is not shown)`,
    );
}

function binding(kind: string) {
  return z.custom<unknown>((value) => typeof value === "object" && value !== null, {
    error: `Missing: no ${kind} binding of that name (wrangler.jsonc)`,
  });
}

const environmentSchema = z.enum(["sandbox", "production"], {
  error: (issue) =>
    issue.input === undefined
      ? "Missing: set it in wrangler.jsonc vars"
      : `Must be "sandbox" or "production", got ${quoted(issue.input)}`,
});

// JSON vars in wrangler.jsonc arrive as booleans and numbers, `--var` and secrets as strings: take both.
const flagSchema = z.preprocess(
  (value) => (typeof value === "boolean" ? String(value) : value),
  z.enum(["true", "false"], { error: (issue) => `Must be "true" or "false", got ${quoted(issue.input)}` }),
);

const secondsSchema = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  z
    .string({ error: (issue) => `Must be a whole number of seconds, got ${quoted(issue.input)}` })
    .regex(/^\d+$/, "Must be a whole number of seconds")
    .transform(Number)
    .pipe(
      z.number().max(MAX_QUEUE_DELAY_SECONDS, `At most ${MAX_QUEUE_DELAY_SECONDS} (a queue delay's limit)`),
    ),
);

/**
 * Shards whose cron jobs one invocation runs itself; with more, each shard's jobs go to the queue as
 * a message of their own (cron/scheduled.ts). A shard's jobs are bounded at about 200 D1 queries and
 * the archive's at about 470 per invocation, so two shards keep a run under D1's 1000.
 */
export const DEFAULT_CRON_SHARDS_PER_INVOCATION = 2;

/** Deployments that deliver a burst to one URL through more dispatchers than this gain little more. */
export const MAX_WEBHOOK_DISPATCHER_LANES = 16;

const lanesSchema = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  z
    .string({ error: (issue) => `Must be a whole number of lanes, got ${quoted(issue.input)}` })
    .regex(/^[1-9]\d{0,1}$/, "Must be a whole number of lanes, at least 1")
    .transform(Number)
    .pipe(z.number().max(MAX_WEBHOOK_DISPATCHER_LANES, `At most ${MAX_WEBHOOK_DISPATCHER_LANES}`)),
);

const shardCountSchema = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  z
    .string({ error: (issue) => `Must be a whole number of shards, got ${quoted(issue.input)}` })
    .regex(/^[1-9]\d{0,2}$/, "Must be a whole number of shards, at least 1")
    .transform(Number)
    .pipe(
      z
        .number()
        .max(
          DEFAULT_CRON_SHARDS_PER_INVOCATION,
          "At most 2: a shard's jobs may cost about 200 D1 queries and the archive 470, of the 1000 allowed",
        ),
    ),
);

function daysSchema(min: number) {
  return z.preprocess(
    (value) => (typeof value === "number" ? String(value) : value),
    z
      .string({ error: (issue) => `Must be a whole number of days, got ${quoted(issue.input)}` })
      .regex(/^\d{1,5}$/, "Must be a whole number of days")
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `At least ${min} day${min === 1 ? "" : "s"}`)
          .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days`),
      ),
  );
}

const baseUrlSchema = z
  .string({ error: "Must be a string" })
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, "Must be an http(s) origin with an optional path, no query (https://sms.example.net)")
  .transform((value) => value.replace(/\/+$/, ""));

/** The environment, checked: what `wrangler.jsonc` vars, secrets and bindings must look like. */
export const envSchema = z
  .object({
    ENVIRONMENT: environmentSchema,
    ADMIN_TOKEN: secret("ADMIN_TOKEN"),
    // Set only while rotating (DEPLOYING.md); when set, held to the same rules as the current one.
    ADMIN_TOKEN_PREVIOUS: secret("ADMIN_TOKEN_PREVIOUS").optional(),
    CREDENTIALS_KEY: secret("CREDENTIALS_KEY"),
    CREDENTIALS_KEY_PREVIOUS: secret("CREDENTIALS_KEY_PREVIOUS").optional(),
    ALLOW_HTTP_LOCALHOST_WEBHOOKS: flagSchema.optional(),
    SANDBOX_SLOW_DELIVERY_SECONDS: secondsSchema.optional(),
    PUBLIC_BASE_URL: baseUrlSchema.optional(),
    LOG_D1_QUERIES: flagSchema.optional(),
    DIRECTORY: binding("D1"),
    // The first shard; more are `DB_1`, `DB_2`, … (shards/shard-env.ts finds them all).
    DB_0: binding("D1"),
    ARCHIVE_AFTER_DAYS: daysSchema(MIN_ARCHIVE_AFTER_DAYS).optional(),
    WEBHOOK_ATTEMPT_RETENTION_DAYS: daysSchema(1).optional(),
    CRON_SHARDS_PER_INVOCATION: shardCountSchema.optional(),
    WEBHOOK_DISPATCHER_LANES: lanesSchema.optional(),
    ARCHIVE: binding("R2 bucket"),
    SEND_QUEUE: binding("queue producer"),
    RECEIPT_QUEUE: binding("queue producer"),
    KEY_GUARD: binding("Durable Object"),
    WEBHOOK_DISPATCHER: binding("Durable Object"),
    SMPP_BIND: binding("Durable Object"),
  })
  .superRefine((env, ctx) => {
    if (env.ENVIRONMENT === "production" && env.ALLOW_HTTP_LOCALHOST_WEBHOOKS === "true") {
      ctx.addIssue({
        code: "custom",
        path: ["ALLOW_HTTP_LOCALHOST_WEBHOOKS"],
        message: 'Must not be "true" in production: http://localhost webhooks are for local development only',
      });
    }
  })
  .transform(
    (env): Config => ({
      environment: env.ENVIRONMENT,
      adminToken: env.ADMIN_TOKEN,
      adminTokenPrevious: env.ADMIN_TOKEN_PREVIOUS ?? null,
      credentialsKey: env.CREDENTIALS_KEY,
      credentialKeys:
        env.CREDENTIALS_KEY_PREVIOUS === undefined
          ? [env.CREDENTIALS_KEY]
          : [env.CREDENTIALS_KEY, env.CREDENTIALS_KEY_PREVIOUS],
      allowHttpLocalhostWebhooks: env.ALLOW_HTTP_LOCALHOST_WEBHOOKS === "true",
      sandboxSlowDeliverySeconds: env.SANDBOX_SLOW_DELIVERY_SECONDS ?? null,
      publicBaseUrl: env.PUBLIC_BASE_URL ?? null,
      logD1Queries: env.LOG_D1_QUERIES === "true",
      archiveAfterDays: env.ARCHIVE_AFTER_DAYS ?? DEFAULT_ARCHIVE_AFTER_DAYS,
      cronShardsPerInvocation: env.CRON_SHARDS_PER_INVOCATION ?? DEFAULT_CRON_SHARDS_PER_INVOCATION,
      webhookAttemptRetentionDays:
        env.WEBHOOK_ATTEMPT_RETENTION_DAYS ?? DEFAULT_WEBHOOK_ATTEMPT_RETENTION_DAYS,
      webhookDispatcherLanes: env.WEBHOOK_DISPATCHER_LANES ?? 1,
    }),
  );

function findingOf(issue: z.core.$ZodIssue): ConfigFinding {
  const [variable] = issue.path;
  return { variable: variable === undefined ? "environment" : String(variable), problem: issue.message };
}

/**
 * Checks an environment: the config, or every finding (each naming its variable; a secret's value is
 * never quoted).
 *
 * @example parseConfig({ ...env, ENVIRONMENT: "staging" })
 * // { ok: false, findings: [{ variable: "ENVIRONMENT", problem: 'Must be "sandbox" or "production", got "staging"' }] }
 */
export function parseConfig(
  env: unknown,
): { ok: true; config: Config } | { ok: false; findings: ConfigFinding[] } {
  const result = envSchema.safeParse(env);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, findings: result.error.issues.map(findingOf) };
}
