import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type BindingRules,
  bindingFindings,
  checkBindings,
  envReads,
  gatewayRules,
} from "../../scripts/binding-use.ts";
import {
  activeMs,
  type Bundle,
  bundleFindings,
  bundleWorker,
  SIZE_LIMIT_GZIP_BYTES,
  wranglerMessages,
} from "../../scripts/bundle-check.ts";
import { gatewayDir, readWranglerConfig } from "../../scripts/wrangler-config.ts";

// The checks test/bundle.test.ts and the release script rely on, each shown failing when it must.

const work = mkdtempSync(path.join(tmpdir(), "lisoloo-bundle-checks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the binding check", () => {
  const rules: BindingRules = {
    secrets: ["ADMIN_TOKEN"],
    optional: ["ARCHIVE_AFTER_DAYS"],
    derived: ["DB"],
    dynamic: [/^DB_\d+$/],
  };
  const reads = (...names: string[]) => new Map(names.map((n) => [n, ["routes/x.ts"]]));

  it.each<[string, string[], Map<string, string[]>, string[]]>([
    ["agrees when each side has the other's", ["DIRECTORY", "DB_0", "DB_1"], reads("DIRECTORY", "DB"), []],
    [
      "names a binding no code reads",
      ["DIRECTORY", "OLD_QUEUE"],
      reads("DIRECTORY"),
      ["OLD_QUEUE: declared by env.production in wrangler.jsonc, read by no source file"],
    ],
    [
      "names a read the environment does not declare, with the file that reads it",
      ["DIRECTORY"],
      reads("DIRECTORY", "RECEIPT_QUEUE"),
      [
        "env.RECEIPT_QUEUE: read by routes/x.ts, but env.production does not declare it (nor is it a " +
          "secret of src/secrets.d.ts or an optional var of src/config/schema.ts)",
      ],
    ],
    [
      "lets secrets, optional vars and derived names go undeclared",
      [],
      reads("ADMIN_TOKEN", "ARCHIVE_AFTER_DAYS", "DB"),
      [],
    ],
    [
      "still wants a shard read by name declared",
      ["DB_0"],
      reads("DB_7"),
      [expect.stringContaining("env.DB_7")],
    ],
  ])("%s", (_name, declared, read, expected) => {
    expect(bindingFindings("production", declared, read, rules)).toEqual(expected);
  });

  it("reads env.X and env['X'] in code, not in comments", () => {
    const source = [
      "/** Uses env.IN_DOC_COMMENT. */",
      "// env.IN_LINE_COMMENT",
      "const a = c.env.DIRECTORY; const b = this.env.SEND_QUEUE;",
      'const d = env["ARCHIVE"]; const e = env.DB; const f = workerEnv.NOT_ENV; const g = env.lowercase;',
    ].join("\n");
    expect(envReads(source)).toEqual(["DIRECTORY", "SEND_QUEUE", "ARCHIVE", "DB"]);
  });

  it("takes its rules from src/secrets.d.ts and the config schema", () => {
    const { secrets, optional } = gatewayRules();
    expect(secrets).toEqual(expect.arrayContaining(["ADMIN_TOKEN", "CREDENTIALS_KEY"]));
    expect(optional).toEqual(expect.arrayContaining(["ARCHIVE_AFTER_DAYS", "LOG_D1_QUERIES"]));
    // Required ones are not excused: the environment must declare (or the operator set) them.
    expect(optional).not.toContain("ENVIRONMENT");
    expect(optional).not.toContain("ADMIN_TOKEN");
  });
});

describe("the bundle checks", () => {
  const bundle = (over: Partial<Bundle>): Bundle => ({
    environment: "production",
    status: 0,
    output: "",
    warnings: [],
    bytes: 1_500_000,
    gzipBytes: 320_000,
    ...over,
  });

  it("fail a bundle over the Workers Free plan's 3 MB gzipped, a failed build and any warning", () => {
    expect(bundleFindings(bundle({}))).toEqual([]);
    expect(bundleFindings(bundle({ gzipBytes: SIZE_LIMIT_GZIP_BYTES + 1 }))).toEqual([
      expect.stringContaining("over the Workers Free plan's 3 MB limit"),
    ]);
    expect(bundleFindings(bundle({ status: 1, output: "✘ [ERROR] Build failed" }))).toEqual([
      expect.stringContaining("could not bundle"),
    ]);
    expect(bundleFindings(bundle({ warnings: ["▲ [WARNING] x"] }))).toEqual([
      expect.stringContaining("warned"),
    ]);
  });

  it("count a startup profile's samples but the idle ones, garbage collection included", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)" } },
        { id: 2, callFrame: { functionName: "(idle)" } },
        { id: 3, callFrame: { functionName: "(garbage collector)" } },
      ],
      samples: [1, 2, 3, 1],
      timeDeltas: [10_000, 40_000, 2_500, 500],
    };
    expect(activeMs(profile)).toBe(13);
  });

  it("catch wrangler's warning when an environment lacks a binding declared at the top level", () => {
    // wrangler.jsonc with production's bucket moved to the top level, where environments do not inherit it.
    const config = readWranglerConfig() as Record<string, unknown> & ReturnType<typeof readWranglerConfig>;
    const production = config.env?.production;
    if (!production) throw new Error("no production environment");
    config.r2_buckets = production.r2_buckets;
    delete production.r2_buckets;
    config.main = path.join(gatewayDir, "src/index.ts");
    const configFile = path.join(work, "wrangler.json");
    writeFileSync(configFile, JSON.stringify(config));

    const built = bundleWorker({ environment: "production", outdir: path.join(work, "out"), configFile });
    expect(built.status, built.output).toBe(0);
    expect(built.warnings).toEqual([
      expect.stringContaining('"r2_buckets" exists at the top level, but not on "env.production"'),
    ]);
    expect(bundleFindings(built)).toHaveLength(1);
    // The code still reads env.ARCHIVE: the binding check names it too.
    expect(checkBindings(config, "production")).toEqual([expect.stringContaining("env.ARCHIVE: read by")]);
  });

  it("keep a warning's detail lines, without colours", () => {
    const output =
      "\u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m Processing:\n\n  - detail\nnext\n";
    expect(wranglerMessages(output)).toEqual(["▲ [WARNING] Processing:\n- detail"]);
  });
});
