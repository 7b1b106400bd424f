import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { envSchema, parseConfig } from "../../src/config/schema";
import { type ShellCommand, shellBlocks, shellCommands } from "./shell-commands";
import { type DeclaredResources, declaredResources } from "./wrangler-config";
import { WranglerChecker, wranglerVersion } from "./wrangler-help";

const gatewayDir = path.resolve(import.meta.dirname, "../..");
const rootDir = path.resolve(gatewayDir, "../..");

type Kind = "D1 database" | "queue" | "R2 bucket";
type Located = { where: string };

/** What the guide's ```sh blocks do, command by command. */
type GuideReport = {
  /** Wrangler commands that are not real: no such subcommand, a flag it does not take, wrong positionals. */
  wranglerProblems: string[];
  /** `pnpm <script>` lines whose script the package does not have. */
  missingScripts: string[];
  wranglerCommands: number;
  scripts: number;
  created: (Located & { kind: Kind; name: string })[];
  /** `--env` values, and the database each `d1 migrations apply` names, with its environment. */
  environments: (Located & { env: string })[];
  migrated: (Located & { env: string | null; database: string })[];
  /** Secrets put, deleted or bulk-set, with their environment. */
  secrets: (Located & { env: string | null; name: string; put: boolean })[];
};

const CREATES: Record<string, Kind> = {
  "d1 create": "D1 database",
  "queues create": "queue",
  "r2 bucket create": "R2 bucket",
};

/** pnpm's own commands (everything else after `pnpm` is a package script). */
const PNPM_BUILTINS = new Set(["install", "i", "add", "remove", "update", "exec", "dlx", "run", "test"]);
/** pnpm options that take a value before the command. */
const PNPM_VALUE_OPTIONS = new Set(["--dir", "-C", "--filter", "-F"]);

function scriptsOf(dir: string): Record<string, string> {
  return (
    (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: Record<string, string> })
      .scripts ?? {}
  );
}

/** A wrangler command line of the guide, whether written `wrangler …`, `pnpm exec wrangler …` or `npx wrangler …`. */
function wranglerArgs(words: string[]): string[] | null {
  if (words[0] === "wrangler") return words.slice(1);
  if (words[0] === "npx" && words.includes("wrangler")) return words.slice(words.indexOf("wrangler") + 1);
  return null;
}

/** `pnpm [--dir X] <script> …` (or `npx -y pnpm@… <script>`): the package directory and the script, or null. */
function pnpmScript(words: string[]): { dir: string; script: string } | { exec: string[] } | null {
  const at =
    words[0] === "pnpm" ? 1 : words[0] === "npx" ? words.findIndex((w) => /^pnpm(@|$)/.test(w)) + 1 : 0;
  if (at === 0) return null;
  let dir = rootDir;
  let i = at;
  for (; i < words.length && (words[i] as string).startsWith("-"); i++) {
    if (PNPM_VALUE_OPTIONS.has(words[i] as string)) {
      if (words[i] === "--dir" || words[i] === "-C") dir = path.resolve(rootDir, words[i + 1] ?? "");
      i++;
    }
  }
  const command = words[i];
  if (command === undefined) return null;
  if (command === "exec") return { exec: words.slice(i + 1) };
  if (command === "run") return { dir, script: words[i + 1] ?? "" };
  if (PNPM_BUILTINS.has(command)) return null;
  return { dir, script: command };
}

/** Reads every ```sh block of `markdown` and checks each wrangler command against wrangler's help. */
async function readGuide(
  markdown: string,
  checker: WranglerChecker,
  file = "DEPLOYING.md",
): Promise<GuideReport> {
  const report: GuideReport = {
    wranglerProblems: [],
    missingScripts: [],
    wranglerCommands: 0,
    scripts: 0,
    created: [],
    environments: [],
    migrated: [],
    secrets: [],
  };
  const commands: ShellCommand[] = shellBlocks(markdown).flatMap((b) => shellCommands(b.text, b.line));
  for (const [index, { words, line }] of commands.entries()) {
    const where = `${file}:${line}`;
    const script = pnpmScript(words);
    if (script !== null && "script" in script) {
      report.scripts++;
      if (!(script.script in scriptsOf(script.dir)))
        report.missingScripts.push(
          `${where}: ${words.join(" ")}: no script "${script.script}" in ${path.relative(rootDir, path.join(script.dir, "package.json"))}`,
        );
      continue;
    }
    const args = script !== null && "exec" in script ? wranglerArgs(script.exec) : wranglerArgs(words);
    if (args === null) continue;
    report.wranglerCommands++;
    const checked = await checker.check(args);
    for (const problem of checked.problems)
      report.wranglerProblems.push(`${where}: wrangler ${args.join(" ")}: ${problem}`);
    if (checked.command === null) continue;
    const sub = checked.command.words.join(" ");
    const envValue = checked.options.get("--env") ?? checked.options.get("-e");
    const env = typeof envValue === "string" ? envValue : null;
    if (env !== null) report.environments.push({ where, env });
    const kind = CREATES[sub];
    if (kind !== undefined && checked.positionals[0] !== undefined)
      report.created.push({ where, kind, name: checked.positionals[0] });
    if (sub === "d1 migrations apply" && checked.positionals[0] !== undefined)
      report.migrated.push({ where, env, database: checked.positionals[0] });
    if ((sub === "secret put" || sub === "secret delete") && checked.positionals[0] !== undefined)
      report.secrets.push({ where, env, name: checked.positionals[0], put: sub === "secret put" });
    if (sub === "secret bulk") {
      // The JSON comes from the printf piped into it, on the same line.
      const feeder = commands[index - 1];
      const keys = feeder?.line === line && feeder.words[0] === "printf" ? (feeder.words[1] ?? "") : "";
      for (const [, name] of keys.matchAll(/"([A-Z][A-Z0-9_]*)"\s*:/g))
        report.secrets.push({ where, env, name: name as string, put: true });
    }
  }
  return report;
}

/** `lisoloo-production-shard-$N` as a pattern: a name the guide builds from a variable. */
function templateOf(name: string): RegExp | null {
  if (!name.includes("$")) return null;
  const parts = name.split(/\$\{?[A-Za-z_]\w*\}?/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\d+")}$`);
}

function namesOf(resources: DeclaredResources, kind: Kind): string[] {
  if (kind === "D1 database") return [...resources.d1.values()];
  return [...(kind === "queue" ? resources.queues : resources.buckets)];
}

/** What the guide creates against what wrangler.jsonc declares, environment by environment. */
function resourceProblems(report: GuideReport, declared: Map<string, DeclaredResources>): string[] {
  const problems: string[] = [];
  const kinds: Kind[] = ["D1 database", "queue", "R2 bucket"];
  for (const c of report.created) {
    const template = templateOf(c.name);
    const owners = [...declared].filter(([, r]) =>
      namesOf(r, c.kind).some((n) => (template ? template.test(n) : n === c.name)),
    );
    if (owners.length === 0)
      problems.push(
        `${c.where}: creates the ${c.kind} ${c.name}, which no environment of wrangler.jsonc declares`,
      );
    else if (!template && owners.length > 1)
      problems.push(
        `${c.where}: the ${c.kind} ${c.name} is declared by ${owners.map(([e]) => e).join(" and ")}`,
      );
  }
  for (const [env, resources] of declared)
    for (const kind of kinds)
      for (const name of namesOf(resources, kind))
        if (!report.created.some((c) => c.kind === kind && c.name === name))
          problems.push(
            `wrangler.jsonc declares the ${kind} ${name} (${env}), which DEPLOYING.md never creates`,
          );
  for (const e of report.environments)
    if (!declared.has(e.env))
      problems.push(`${e.where}: --env ${e.env}: wrangler.jsonc has no such environment`);
  for (const m of report.migrated) {
    const resources = m.env === null ? undefined : declared.get(m.env);
    if (resources === undefined) {
      problems.push(`${m.where}: d1 migrations apply ${m.database} without the environment it belongs to`);
      continue;
    }
    const template = templateOf(m.database);
    const known = [...resources.d1.keys(), ...resources.d1.values()];
    if (!known.some((n) => (template ? template.test(n) : n === m.database)))
      problems.push(`${m.where}: d1 migrations apply ${m.database}: not a D1 database of ${m.env}`);
  }
  return problems;
}

const declared = declaredResources(gatewayDir);
/** Every variable the configuration reads; the secrets among the required ones say `wrangler secret put`. */
const variables = new Set(Object.keys(envSchema.in.shape));
const parsedEmpty = parseConfig({});
const requiredSecrets = parsedEmpty.ok
  ? []
  : parsedEmpty.findings.filter((f) => f.problem.includes("wrangler secret put")).map((f) => f.variable);

describe("DEPLOYING.md", () => {
  const checker = new WranglerChecker();
  let report: GuideReport;

  beforeAll(async () => {
    report = await readGuide(readFileSync(path.join(rootDir, "DEPLOYING.md"), "utf8"), checker);
  }, 300_000);

  it("is checked against the workspace's wrangler, the version the catalog pins", () => {
    const pinned = /^\s+wrangler:\s*"?([\d.]+)"?\s*$/m.exec(
      readFileSync(path.join(rootDir, "pnpm-workspace.yaml"), "utf8"),
    );
    expect(wranglerVersion).toBe(pinned?.[1]);
    expect(report.wranglerCommands).toBeGreaterThan(30);
  });

  it("runs only real wrangler subcommands, each with flags its --help lists", () => {
    expect(report.wranglerProblems).toEqual([]);
  });

  it("runs only pnpm scripts the repository has", () => {
    expect(report.scripts).toBeGreaterThan(0);
    expect(report.missingScripts).toEqual([]);
  });

  it("creates every D1 database, queue and R2 bucket wrangler.jsonc declares for each environment, and no other", () => {
    expect([...declared.keys()].sort()).toEqual(["production", "sandbox"]);
    expect(resourceProblems(report, declared)).toEqual([]);
  });

  it("puts every secret the configuration requires in each environment, and only secrets it reads", () => {
    expect(requiredSecrets.sort()).toEqual(["ADMIN_TOKEN", "CREDENTIALS_KEY"]);
    for (const env of declared.keys())
      for (const name of requiredSecrets)
        expect(
          report.secrets.some((s) => s.put && s.env === env && s.name === name),
          `wrangler secret put ${name} --env ${env}`,
        ).toBe(true);
    for (const s of report.secrets) {
      expect(variables, `${s.where}: ${s.name}`).toContain(s.name);
      expect(s.env === null ? null : declared.has(s.env), `${s.where}: ${s.name} names its environment`).toBe(
        true,
      );
    }
    // The rotation secrets are in the guide, set and deleted.
    for (const name of ["ADMIN_TOKEN_PREVIOUS", "CREDENTIALS_KEY_PREVIOUS"]) {
      expect(report.secrets.some((s) => s.name === name && s.put)).toBe(true);
      expect(report.secrets.some((s) => s.name === name && !s.put)).toBe(true);
    }
  });

  it("would catch a misspelled flag, an unknown subcommand, a missing script and an undeclared name", async () => {
    const broken = await readGuide(
      [
        "```sh",
        "wrangler d1 create lisoloo-sandbox-directory --locaton weur",
        "wrangler d1 creat lisoloo-sandbox-shard-0",
        'printf %s "$T" | wrangler secret put ADMIN_TOKEN --enviroment sandbox',
        "wrangler queues create lisoloo-send-sandbx",
        "pnpm deploy:sandbx",
        "```",
      ].join("\n"),
      checker,
      "broken.md",
    );
    expect(broken.wranglerProblems).toEqual([
      expect.stringMatching(/^broken\.md:2: .*has no flag --locaton$/),
      expect.stringMatching(/^broken\.md:2: .*takes 1 positional\(s\), given 2/),
      expect.stringMatching(/^broken\.md:3: .*wrangler d1 has no subcommand creat$/),
      expect.stringMatching(/^broken\.md:4: .*has no flag --enviroment$/),
      expect.stringMatching(/^broken\.md:4: .*takes 1 positional\(s\), given 2/),
    ]);
    expect(broken.missingScripts).toEqual([
      expect.stringMatching(/^broken\.md:6: .*no script "deploy:sandbx"/),
    ]);
    expect(resourceProblems(broken, declared)).toEqual(
      expect.arrayContaining([
        "broken.md:5: creates the queue lisoloo-send-sandbx, which no environment of wrangler.jsonc declares",
        "wrangler.jsonc declares the D1 database lisoloo-production-directory (production), which DEPLOYING.md never creates",
      ]),
    );
  }, 120_000);
});
