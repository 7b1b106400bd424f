// What a release of one environment does, in order, as data: the local checks, then the remote
// steps (migrations on every D1 database, the check that none is left pending, the deploy, the
// smoke test). Pure: deploy.mjs runs the plan, and tests read it without running anything.
import { parseArgs } from "node:util";
import { type Database, databasesOf, environmentNames, type WranglerConfig } from "./wrangler-config.ts";

export type ReleaseOptions = {
  environment: string;
  dryRun: boolean;
  skipSmoke: boolean;
  smoke: { baseUrl?: string; apiKey?: string; adminToken?: string };
  /** Another wrangler config than apps/gateway/wrangler.jsonc (passed on to every wrangler command). */
  configFile?: string;
  /** Where bundles go, one folder per environment; relative to apps/gateway. */
  outdir: string;
};

export const usage = `Usage: pnpm deploy:<sandbox|production> [options]
       node apps/gateway/scripts/deploy.mjs --env <sandbox|production> [options]

Releases the gateway to one environment: local checks first (every bundle, the migrations on a fresh
local D1 per database, the schema against the migrations), then on Cloudflare the D1 migrations of
every database, a check that none is still pending, \`wrangler deploy\`, and \`pnpm smoke\`.

  --dry-run                 call nothing remote: run the local checks and print each remote command
  --skip-smoke              do not run the smoke test after the deploy
  --smoke-base-url <url>    the deployment's origin (env LISOLOO_SMOKE_BASE_URL)
  --smoke-api-key <key>     an API key the smoke test checks with (env LISOLOO_SMOKE_API_KEY, optional)
  --smoke-admin-token <t>   the environment's ADMIN_TOKEN (env LISOLOO_SMOKE_ADMIN_TOKEN)
  --config <file>           another wrangler config than apps/gateway/wrangler.jsonc
  --outdir <dir>            where bundles go, one folder per environment (default dist)

In a dry run the smoke test runs only against a local gateway (127.0.0.1 or localhost).
Exit status: 0 released (or would be), 1 a check or step failed, 2 bad usage.`;

export type ParsedArgs = { help: true } | { error: string } | { options: ReleaseOptions };

/** The command line and the environment's `LISOLOO_SMOKE_*` as options, or what is wrong with them. */
export function parseReleaseArgs(argv: string[], env: Record<string, string | undefined>): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        env: { type: "string" },
        "dry-run": { type: "boolean" },
        "skip-smoke": { type: "boolean" },
        "smoke-base-url": { type: "string" },
        "smoke-api-key": { type: "string" },
        "smoke-admin-token": { type: "string" },
        config: { type: "string" },
        outdir: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return { help: true };
  const text = (name: string) => values[name] as string | undefined;
  const environment = text("env");
  if (!environment) return { error: "--env is required (sandbox or production)" };
  const options: ReleaseOptions = {
    environment,
    dryRun: values["dry-run"] === true,
    skipSmoke: values["skip-smoke"] === true,
    smoke: {
      baseUrl: text("smoke-base-url") ?? env.LISOLOO_SMOKE_BASE_URL,
      apiKey: text("smoke-api-key") ?? env.LISOLOO_SMOKE_API_KEY,
      adminToken: text("smoke-admin-token") ?? env.LISOLOO_SMOKE_ADMIN_TOKEN,
    },
    configFile: text("config"),
    outdir: text("outdir") ?? "dist",
  };
  // A real release must be able to finish: ask now, before anything remote has changed.
  if (!options.dryRun && !options.skipSmoke && !(options.smoke.baseUrl && options.smoke.adminToken))
    return {
      error:
        "the smoke test after the deploy needs --smoke-base-url and --smoke-admin-token " +
        "(or LISOLOO_SMOKE_BASE_URL and LISOLOO_SMOKE_ADMIN_TOKEN); --skip-smoke goes without it",
    };
  return { options };
}

/** A local check, run before anything remote in a release and in a dry run alike. */
export type Check =
  | { kind: "migrations-dir"; migrationsDir: string; databases: string[] }
  | { kind: "schema"; migrationsDir: string }
  | { kind: "local-d1"; database: Database; apply: string[]; list: string[] }
  | { kind: "bundle"; environment: string; outdir: string };

/** A step after the checks. `remote`: it reaches Cloudflare, so a dry run prints it instead. */
export type Step = {
  kind: "apply" | "list" | "deploy" | "smoke";
  command: string[];
  remote: boolean;
  /** Where it runs: `pnpm smoke` is a script of the repository root. */
  cwd: "gateway" | "root";
  database?: Database;
};

export type ReleasePlan = { environment: string; checks: Check[]; steps: Step[] };

/** 127.0.0.1, ::1 or localhost: a gateway a dry run may smoke-test without calling anything remote. */
export function isLocal(baseUrl: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

function smokeCommand(smoke: ReleaseOptions["smoke"]): string[] {
  return [
    "pnpm",
    "smoke",
    "--base-url",
    smoke.baseUrl ?? "<LISOLOO_SMOKE_BASE_URL>",
    ...(smoke.apiKey ? ["--api-key", smoke.apiKey] : []),
    "--admin-token",
    smoke.adminToken ?? "<LISOLOO_SMOKE_ADMIN_TOKEN>",
  ];
}

/**
 * The release of `options.environment`: what to check locally, then what to run. `persistDir` is
 * where the local D1 databases of the check are made (fresh: the caller creates and removes it).
 *
 * @example planRelease({ environment: "sandbox", … }, config, "wrangler.jsonc", "/tmp/d1").steps.map((s) => s.kind)
 * // ["apply", "apply", "apply", "list", "list", "list", "deploy", "smoke"]
 */
export function planRelease(
  options: ReleaseOptions,
  config: WranglerConfig,
  configFile: string,
  persistDir: string,
): ReleasePlan {
  const { environment } = options;
  const databases = databasesOf(config, environment, configFile);
  const configArgs = options.configFile ? ["--config", options.configFile] : [];
  const d1 = (verb: string, db: Database, where: string[]) => [
    ...["wrangler", "d1", "migrations", verb, db.name, "--env", environment],
    ...where,
    ...configArgs,
  ];
  const local = ["--local", "--persist-to", persistDir];

  const folders = [...new Set(databases.map((db) => db.migrationsDir))];
  const checks: Check[] = [
    ...folders.map((migrationsDir): Check => {
      const users = databases.filter((db) => db.migrationsDir === migrationsDir).map((db) => db.binding);
      return { kind: "migrations-dir", migrationsDir, databases: users };
    }),
    ...folders.map((migrationsDir): Check => ({ kind: "schema", migrationsDir })),
    ...databases.map(
      (database): Check => ({
        kind: "local-d1",
        database,
        apply: d1("apply", database, local),
        list: d1("list", database, local),
      }),
    ),
    // Both environments ship the same code: a commit whose other bundle is broken is not released either.
    ...environmentNames(config).map(
      (env): Check => ({ kind: "bundle", environment: env, outdir: `${options.outdir}/${env}` }),
    ),
  ];

  const remote = (kind: Step["kind"], command: string[], database?: Database): Step => ({
    kind,
    command,
    remote: true,
    cwd: "gateway",
    ...(database ? { database } : {}),
  });
  const steps: Step[] = [
    ...databases.map((db) => remote("apply", d1("apply", db, ["--remote"]), db)),
    ...databases.map((db) => remote("list", d1("list", db, ["--remote"]), db)),
    remote("deploy", ["wrangler", "deploy", "--env", environment, ...configArgs]),
  ];
  if (!options.skipSmoke) {
    const { baseUrl } = options.smoke;
    const runsLocally =
      options.dryRun && baseUrl !== undefined && isLocal(baseUrl) && !!options.smoke.adminToken;
    steps.push({ kind: "smoke", command: smokeCommand(options.smoke), remote: !runsLocally, cwd: "root" });
  }
  return { environment, checks, steps };
}

/**
 * The migrations `wrangler d1 migrations list` says are still to apply: none, their names, or null
 * when the output says neither (then nothing can be concluded, and a release stops).
 */
export function pendingMigrations(output: string): string[] | null {
  if (output.includes("No migrations to apply")) return [];
  if (!output.includes("Migrations to be applied")) return null;
  return [...output.matchAll(/│\s*(\S+\.sql)\s*│/g)].map((m) => m[1] as string);
}

/** A command as printed: the smoke test's key and token never reach the terminal or a log. */
export function shown(command: readonly string[]): string {
  const secret = (arg: string, i: number) =>
    ["--api-key", "--admin-token"].includes(command[i - 1] ?? "") && !/^<.*>$/.test(arg);
  return command.map((arg, i) => (secret(arg, i) ? "[redacted]" : arg)).join(" ");
}
