import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { gatewayDir, readWranglerConfig } from "../../scripts/wrangler-config.ts";

// The release script as an operator runs it. Dry runs for real: every local check (bundles, a fresh
// local D1 per database, the schema against the migrations), the remote commands printed, not run.
// Releases with wrangler stood in for (wrangler-stand-in.mjs), since no Cloudflare account exists here.

const work = mkdtempSync(path.join(tmpdir(), "lisoloo-release-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const migrations = path.join(gatewayDir, "src/db/migrations");

type Run = { status: number; stdout: string; wouldRun: string[] };

/** Runs the release script with `args`, bundles into a temporary outdir, and reads its plan. */
async function release(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const outdir = mkdtempSync(path.join(work, "out-"));
  const argv = [path.join(gatewayDir, "scripts/deploy.mjs"), "--outdir", outdir, ...args];
  // No credentials: a remote call would fail, not reach an account.
  const childEnv = { ...process.env, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "", ...env };
  const { status, stdout } = await promisify(execFile)(process.execPath, argv, {
    env: childEnv,
    maxBuffer: 16 << 20,
  }).then(
    ({ stdout }) => ({ status: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ status: error.code ?? -1, stdout: error.stdout ?? "" }),
  );
  const wouldRun = stdout
    .split("\n")
    .filter((line) => line.startsWith("  would run: "))
    .map((line) => line.slice("  would run: ".length));
  return { status, stdout, wouldRun };
}

const dryRun = (...args: string[]) => release(["--dry-run", ...args]);

/** The real wrangler.jsonc, but with the sandbox's databases migrated from `migrations/` beside it. */
function configWith(name: string, prepare: (folder: string) => void): string {
  const dir = mkdtempSync(path.join(work, `${name}-`));
  const config = readWranglerConfig();
  for (const db of config.env?.sandbox?.d1_databases ?? []) db.migrations_dir = "migrations";
  const file = path.join(dir, "wrangler.json");
  writeFileSync(file, JSON.stringify({ ...config, main: path.join(gatewayDir, "src/index.ts") }));
  prepare(path.join(dir, "migrations"));
  return file;
}

// A dry run applies every migration to three fresh local databases and bundles twice: about 30 s
// on an idle machine of the project's kind, so the full runs get more than the default two minutes.
const FULL_RUN_TIMEOUT_MS = 300_000;

describe.each(["sandbox", "production"])("a dry run of %s", (environment) => {
  const databases = readWranglerConfig().env?.[environment]?.d1_databases ?? [];

  it(
    "passes every local check and plans: migrations of every database, deploy, then smoke",
    async () => {
      const { status, stdout, wouldRun } = await dryRun("--env", environment);
      expect(status, stdout).toBe(0);
      expect(stdout).not.toContain("✗");
      expect(stdout).not.toMatch(/^ {2}running: /m);

      expect(databases.length).toBeGreaterThanOrEqual(2);
      for (const db of databases) {
        expect(stdout).toContain(`✓ ${db.binding} (${db.database_name}): `);
        expect(wouldRun).toContain(
          `wrangler d1 migrations apply ${db.database_name} --env ${environment} --remote`,
        );
        expect(wouldRun).toContain(
          `wrangler d1 migrations list ${db.database_name} --env ${environment} --remote`,
        );
      }
      expect(stdout).toMatch(/✓ bundle sandbox → .*gzipped/);
      expect(stdout).toMatch(/✓ bundle production → .*gzipped/);

      const deploy = wouldRun.indexOf(`wrangler deploy --env ${environment}`);
      const lastMigration = wouldRun.findLastIndex((c) => c.startsWith("wrangler d1 migrations"));
      const smoke = wouldRun.findIndex((c) => c.startsWith("pnpm smoke --base-url"));
      expect(lastMigration).toBeLessThan(deploy);
      expect(deploy).toBeLessThan(smoke);
      expect(smoke).toBe(wouldRun.length - 1);
    },
    FULL_RUN_TIMEOUT_MS,
  );
});

describe("a dry run fails, before any remote step, when", () => {
  it.each<[string, (folder: string) => void, string]>([
    ["the migrations folder is missing", () => {}, "✗ no migrations (*.sql) in"],
    [
      "a migration is one a fresh D1 rejects",
      (folder) => {
        cpSync(migrations, folder, { recursive: true });
        writeFileSync(path.join(folder, "0012_broken.sql"), "ALTER TABLE no_such_table ADD COLUMN x TEXT;\n");
      },
      "✗ a fresh local D1 refused the migrations of DIRECTORY:\n    ✘ [ERROR] no such table: no_such_table",
    ],
    [
      "the code's schema expects a migration the folder lacks",
      (folder) => {
        // The folder as it was before its last migration was generated.
        cpSync(migrations, folder, { recursive: true });
        const journalFile = path.join(folder, "meta/_journal.json");
        const journal = JSON.parse(readFileSync(journalFile, "utf8")) as {
          entries: { idx: number; tag: string }[];
        };
        const last = journal.entries.pop();
        writeFileSync(journalFile, JSON.stringify(journal));
        rmSync(path.join(folder, `${last?.tag}.sql`));
        rmSync(path.join(folder, `meta/${String(last?.idx).padStart(4, "0")}_snapshot.json`));
      },
      "has changes no migration holds: drizzle-kit would add",
    ],
  ])("%s", async (_name, prepare, failure) => {
    const configFile = configWith("failing", prepare);
    const { status, stdout, wouldRun } = await dryRun("--env", "sandbox", "--config", configFile);
    expect(status, stdout).toBe(1);
    expect(stdout).toContain(failure);
    expect(wouldRun).toEqual([]);
  });
});

describe("a release (wrangler stood in for)", () => {
  const standIn = path.join(import.meta.dirname, "wrangler-stand-in.mjs");

  /** A release of the sandbox without its smoke test; what wrangler was asked, in order. */
  async function released(pending: string, args: string[] = []) {
    const log = path.join(mkdtempSync(path.join(work, "stand-in-")), "calls.log");
    writeFileSync(log, "");
    const env = { LISOLOO_RELEASE_WRANGLER: standIn, STAND_IN_LOG: log, STAND_IN_PENDING: pending };
    const run = await release(["--env", "sandbox", "--skip-smoke", ...args], env);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    const remote = calls.filter(
      (c) => c.includes("--remote") || (c.startsWith("deploy") && !c.includes("--dry-run")),
    );
    return { ...run, calls, remote };
  }

  it("checks locally, migrates every database, sees none pending, then deploys", async () => {
    const { status, stdout, calls, remote } = await released("");
    expect(status, stdout).toBe(0);
    expect(remote).toEqual([
      "d1 migrations apply lisoloo-sandbox-directory --env sandbox --remote",
      "d1 migrations apply lisoloo-sandbox-shard-0 --env sandbox --remote",
      "d1 migrations apply lisoloo-sandbox-shard-1 --env sandbox --remote",
      "d1 migrations list lisoloo-sandbox-directory --env sandbox --remote",
      "d1 migrations list lisoloo-sandbox-shard-0 --env sandbox --remote",
      "d1 migrations list lisoloo-sandbox-shard-1 --env sandbox --remote",
      "deploy --env sandbox",
    ]);
    // Every local call came first.
    expect(calls.slice(0, calls.length - remote.length).some((c) => c.includes("--remote"))).toBe(false);
    expect(stdout).toContain("✓ Released env.sandbox.");
  });

  it("refuses to deploy while a database still lists a pending migration", async () => {
    const { status, stdout, remote } = await released("0012_not_applied.sql");
    expect(status, stdout).toBe(1);
    expect(stdout).toContain(
      "✗ lisoloo-sandbox-directory still lists 0012_not_applied.sql: refusing to deploy",
    );
    expect(remote).not.toContain("deploy --env sandbox");
  });

  it("calls nothing remote when a local check fails", async () => {
    const configFile = configWith("no-migrations", () => {});
    const { status, stdout, remote } = await released("", ["--config", configFile]);
    expect(status, stdout).toBe(1);
    expect(remote).toEqual([]);
  });
});
