import { describe, expect, it } from "vitest";
import {
  isLocal,
  parseReleaseArgs,
  pendingMigrations,
  planRelease,
  type ReleaseOptions,
  shown,
} from "../../scripts/release-plan.ts";
import { defaultConfigFile, readWranglerConfig } from "../../scripts/wrangler-config.ts";

const config = readWranglerConfig();

function options(argv: string[], env: Record<string, string> = {}): ReleaseOptions {
  const parsed = parseReleaseArgs(argv, env);
  if (!("options" in parsed)) throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

const plan = (argv: string[], env: Record<string, string> = {}) =>
  planRelease(options(argv, env), config, defaultConfigFile, "/tmp/d1");

describe("the release's options", () => {
  it.each<[string, string[], Record<string, string>, string]>([
    ["without --env", ["--dry-run"], {}, "--env is required"],
    ["with an unknown flag", ["--env", "sandbox", "--dryrun"], {}, "Unknown option '--dryrun'"],
    ["for a real release with nowhere to smoke-test", ["--env", "sandbox"], {}, "--smoke-base-url"],
    [
      "for a real release without the admin token",
      ["--env", "production"],
      { LISOLOO_SMOKE_BASE_URL: "https://sms.example.net" },
      "--smoke-admin-token",
    ],
  ])("are refused %s", (_name, argv, env, message) => {
    expect(parseReleaseArgs(argv, env)).toEqual({ error: expect.stringContaining(message) });
  });

  it("take the smoke test's settings from flags first, then LISOLOO_SMOKE_*", () => {
    const env = {
      LISOLOO_SMOKE_BASE_URL: "https://env.example.net",
      LISOLOO_SMOKE_API_KEY: "sk_test_fromEnvironment",
      LISOLOO_SMOKE_ADMIN_TOKEN: "token-from-environment",
    };
    expect(
      options(["--env", "production", "--smoke-base-url", "https://flag.example.net"], env).smoke,
    ).toEqual({
      baseUrl: "https://flag.example.net",
      apiKey: "sk_test_fromEnvironment",
      adminToken: "token-from-environment",
    });
  });

  it("let a dry run or --skip-smoke go without them", () => {
    expect(options(["--env", "sandbox", "--dry-run"]).dryRun).toBe(true);
    expect(options(["--env", "sandbox", "--skip-smoke"]).skipSmoke).toBe(true);
    expect(parseReleaseArgs(["--help"], {})).toEqual({ help: true });
  });
});

describe("the release plan", () => {
  const smoke = ["--smoke-base-url", "https://sms.example.net", "--smoke-admin-token", "admin-token-123456"];

  it("migrates every database, checks none is pending, deploys, then smoke-tests", () => {
    const { steps } = plan(["--env", "production", ...smoke, "--smoke-api-key", "sk_test_abc"]);
    expect(steps.map((s) => shown(s.command))).toEqual([
      "wrangler d1 migrations apply lisoloo-production-directory --env production --remote",
      "wrangler d1 migrations apply lisoloo-production-shard-0 --env production --remote",
      "wrangler d1 migrations apply lisoloo-production-shard-1 --env production --remote",
      "wrangler d1 migrations list lisoloo-production-directory --env production --remote",
      "wrangler d1 migrations list lisoloo-production-shard-0 --env production --remote",
      "wrangler d1 migrations list lisoloo-production-shard-1 --env production --remote",
      "wrangler deploy --env production",
      "pnpm smoke --base-url https://sms.example.net --api-key [redacted] --admin-token [redacted]",
    ]);
    expect(steps.every((s) => s.remote)).toBe(true);
    expect(steps.at(-1)).toMatchObject({ kind: "smoke", cwd: "root" });
  });

  it("checks locally first: the migrations folder, the schema, a fresh local D1 per database, both bundles", () => {
    const { checks } = plan(["--env", "sandbox", "--dry-run"]);
    expect(checks.map((c) => c.kind)).toEqual([
      "migrations-dir",
      "schema",
      "local-d1",
      "local-d1",
      "local-d1",
      "bundle",
      "bundle",
    ]);
    const d1 = checks.flatMap((c) => (c.kind === "local-d1" ? [c] : []));
    expect(d1.map((c) => c.database.binding)).toEqual(["DIRECTORY", "DB_0", "DB_1"]);
    expect(d1[0]?.apply).toEqual([
      ...["wrangler", "d1", "migrations", "apply", "lisoloo-sandbox-directory", "--env", "sandbox"],
      ...["--local", "--persist-to", "/tmp/d1"],
    ]);
    const bundles = checks.flatMap((c) => (c.kind === "bundle" ? [c] : []));
    expect(bundles).toEqual([
      { kind: "bundle", environment: "sandbox", outdir: "dist/sandbox" },
      { kind: "bundle", environment: "production", outdir: "dist/production" },
    ]);
  });

  it("passes another config on to every wrangler command", () => {
    const { steps, checks } = plan(["--env", "sandbox", "--dry-run", "--config", "/tmp/other.jsonc"]);
    const commands = [...steps.filter((s) => s.kind !== "smoke").map((s) => s.command)];
    for (const c of checks) if (c.kind === "local-d1") commands.push(c.apply, c.list);
    for (const command of commands) expect(command.slice(-2)).toEqual(["--config", "/tmp/other.jsonc"]);
  });

  it("smoke-tests in a dry run only a local gateway, and leaves the test out with --skip-smoke", () => {
    const local = [
      "--smoke-base-url",
      "http://127.0.0.1:8787",
      "--smoke-admin-token",
      "dev_admin_token_local_only",
    ];
    expect(plan(["--env", "sandbox", "--dry-run", ...local]).steps.at(-1)).toMatchObject({
      kind: "smoke",
      remote: false,
    });
    expect(plan(["--env", "sandbox", "--dry-run", ...smoke]).steps.at(-1)).toMatchObject({
      kind: "smoke",
      remote: true,
    });
    expect(plan(["--env", "sandbox", "--skip-smoke"]).steps.map((s) => s.kind)).not.toContain("smoke");
  });

  it("names an environment wrangler.jsonc lacks", () => {
    expect(() => plan(["--env", "staging", "--dry-run"])).toThrow(
      'wrangler.jsonc has no environment "staging" (it has: sandbox, production)',
    );
  });
});

describe("reading `wrangler d1 migrations list`", () => {
  it.each<[string, string, string[] | null]>([
    ["none pending", "Resource location: remote\n\n✅ No migrations to apply!\n", []],
    [
      "those still to apply",
      "Migrations to be applied:\n┌──────┐\n│ Name │\n├──────┤\n│ 0012_add_x.sql │\n├──────┤\n│ 0013_add_y.sql │\n└──────┘\n",
      ["0012_add_x.sql", "0013_add_y.sql"],
    ],
    ["nothing it recognises, as unknown", "✘ [ERROR] Authentication error [code: 10000]", null],
  ])("%s", (_name, output, expected) => {
    expect(pendingMigrations(output)).toEqual(expected);
  });
});

it("knows a local gateway", () => {
  expect(["http://127.0.0.1:8787", "http://localhost:8788/", "http://[::1]:8787"].map(isLocal)).toEqual([
    true,
    true,
    true,
  ]);
  expect(["https://sms.example.net", "not a url"].map(isLocal)).toEqual([false, false]);
});
