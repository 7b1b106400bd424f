#!/usr/bin/env node
// `pnpm deploy:sandbox` / `pnpm deploy:production` (`--help` for the options): the release of one
// environment. Local checks first, and any failure stops it before anything remote has changed;
// then on Cloudflare the D1 migrations of every database, a check that none is left pending, the
// deploy and the smoke test. `--dry-run` runs the same local checks and prints the remote commands.
// What runs, in which order, is release-plan.ts; this file only runs it.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import drizzleConfig from "../drizzle.config.ts";
import { checkBindings } from "./binding-use.ts";
import {
  bundleFindings,
  bundleWorker,
  kib,
  SIZE_LIMIT_GZIP_BYTES,
  wranglerMessages,
} from "./bundle-check.ts";
import { parseReleaseArgs, pendingMigrations, planRelease, shown, usage } from "./release-plan.ts";
import { run } from "./tools.ts";
import { defaultConfigFile, gatewayDir, readWranglerConfig } from "./wrangler-config.ts";

const rootDir = path.resolve(gatewayDir, "../..");
const sqlFiles = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sql")) : []);
/** A path as printed and passed to drizzle-kit: from apps/gateway when it is inside, else absolute. */
const relative = (file) => (file.startsWith(gatewayDir + path.sep) ? path.relative(gatewayDir, file) : file);
/** What a failed command said: wrangler's errors when it printed some, else its last lines. */
const why = (output) => {
  const errors = wranglerMessages(output, "ERROR");
  return (errors.length > 0 ? errors : output.trim().split("\n").slice(-15)).join("\n");
};

const parsed = parseReleaseArgs(process.argv.slice(2), process.env);
if ("help" in parsed) {
  console.log(usage);
  process.exit(0);
}
if ("error" in parsed) {
  console.error(`${parsed.error}\n\n${usage}`);
  process.exit(2);
}
const { options } = parsed;
// wrangler runs in apps/gateway: a config named on the command line is found from where we were started.
if (options.configFile) options.configFile = path.resolve(options.configFile);
const configFile = options.configFile ?? defaultConfigFile;

const work = mkdtempSync(path.join(tmpdir(), "lisoloo-release-"));
let plan;
try {
  plan = planRelease(options, readWranglerConfig(configFile), configFile, path.join(work, "d1"));
} catch (error) {
  rmSync(work, { recursive: true, force: true });
  console.error(error.message);
  process.exit(2);
}

/** Each check answers what it saw (passed), or throws what is wrong. */
const checks = {
  "migrations-dir": ({ migrationsDir, databases }) => {
    const files = sqlFiles(migrationsDir);
    if (files.length === 0) throw new Error(`no migrations (*.sql) in ${relative(migrationsDir)}`);
    return `${files.length} migrations in ${relative(migrationsDir)} for ${databases.join(", ")}`;
  },
  // The code's schema against the migrations: drizzle-kit generates into a copy of the folder, and a
  // new file there is a migration the code expects and the folder lacks.
  schema: ({ migrationsDir }) => {
    const copy = path.join(work, "schema-check");
    cpSync(migrationsDir, copy, { recursive: true });
    const before = new Set(sqlFiles(copy));
    // drizzle-kit reads `--out` from "./": it takes a relative path only.
    const out = path.relative(gatewayDir, copy);
    const generate = ["drizzle-kit", "generate", "--dialect", drizzleConfig.dialect];
    const { status, output } = run([...generate, "--schema", drizzleConfig.schema, "--out", out]);
    const missing = sqlFiles(copy).filter((f) => !before.has(f));
    rmSync(copy, { recursive: true, force: true });
    // It exits 0 even when it fails: only its own "nothing to migrate" is a pass.
    if (status !== 0 || (missing.length === 0 && !output.includes("No schema changes")))
      throw new Error(`drizzle-kit generate failed:\n${why(output)}`);
    if (missing.length > 0)
      throw new Error(
        `the schema (${drizzleConfig.schema}) has changes no migration holds: drizzle-kit would add ` +
          `${missing.join(", ")} (pnpm --filter @lisoloo/gateway db:generate, then commit it)`,
      );
    return `the schema needs no migration beyond ${relative(migrationsDir)}`;
  },
  "local-d1": ({ database, apply, list }) => {
    const applied = run(apply);
    if (applied.status !== 0)
      throw new Error(
        `a fresh local D1 refused the migrations of ${database.binding}:\n${why(applied.output)}`,
      );
    const listed = run(list);
    const pending = listed.status === 0 ? pendingMigrations(listed.output) : null;
    if (pending === null) throw new Error(`could not read ${shown(list)}:\n${why(listed.output)}`);
    if (pending.length > 0) throw new Error(`still pending after apply: ${pending.join(", ")}`);
    const count = sqlFiles(database.migrationsDir).length;
    return `${database.binding} (${database.name}): ${count} migrations apply to a fresh local D1, none left pending`;
  },
  bundle: ({ environment, outdir }) => {
    const bundle = bundleWorker({ environment, outdir, configFile: options.configFile });
    const findings = bundleFindings(bundle);
    if (bundle.status === 0) findings.push(...checkBindings(readWranglerConfig(configFile), environment));
    if (findings.length > 0) throw new Error(findings.join("\n"));
    return (
      `bundle ${environment} → ${outdir}: ${kib(bundle.bytes)}, ${kib(bundle.gzipBytes)} gzipped ` +
      `(limit ${SIZE_LIMIT_GZIP_BYTES / 1e6} MB), no wrangler warning, its bindings match the code`
    );
  },
};

/** Runs one step after the checks; throws when the release must stop there. */
function runStep(step) {
  const cwd = step.cwd === "root" ? rootDir : gatewayDir;
  if (step.kind === "list") {
    const listed = run(step.command, { cwd });
    const pending = listed.status === 0 ? pendingMigrations(listed.output) : null;
    if (pending === null) throw new Error(`could not read the pending migrations:\n${why(listed.output)}`);
    if (pending.length > 0)
      throw new Error(`${step.database.name} still lists ${pending.join(", ")}: refusing to deploy`);
    console.log("    none pending");
    return;
  }
  // Shown as it runs; what is left in `output` is why it could not start, if it could not.
  const { status, output } = run(step.command, { show: true, cwd });
  if (status === 0) return;
  const failed = `${step.kind} failed (exit status ${status})${output.trim() ? `: ${output.trim()}` : ""}`;
  if (step.kind === "smoke" && !options.dryRun)
    throw new Error(
      `${failed}\nThe new version is live: if the fault is the release's, ` +
        `\`wrangler rollback --env ${plan.environment}\` (in apps/gateway) restores the previous one.`,
    );
  throw new Error(failed);
}

function release() {
  const mode = options.dryRun ? " (dry run: nothing remote is called)" : "";
  console.log(`Release of env.${plan.environment}${mode}\n\nLocal checks`);
  for (const check of plan.checks) {
    try {
      console.log(`  ✓ ${checks[check.kind](check)}`);
    } catch (error) {
      console.log(`  ✗ ${error.message.replaceAll("\n", "\n    ")}`);
      return 1;
    }
  }
  console.log(options.dryRun ? "\nWould run, in this order" : "\nRelease");
  for (const step of plan.steps) {
    if (options.dryRun && step.remote) {
      console.log(`  would run: ${shown(step.command)}`);
      continue;
    }
    console.log(`  running: ${shown(step.command)}`);
    try {
      runStep(step);
    } catch (error) {
      console.log(`  ✗ ${error.message.replaceAll("\n", "\n    ")}`);
      return 1;
    }
  }
  console.log(options.dryRun ? "\n✓ Dry run passed." : `\n✓ Released env.${plan.environment}.`);
  return 0;
}

let status = 1;
try {
  status = release();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(status);
