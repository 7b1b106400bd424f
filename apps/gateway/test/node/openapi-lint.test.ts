import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { buildOpenApiDocument } from "../../src/openapi/document";

type Problem = {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { pointer?: string }[];
};
type LintReport = { totals: { errors: number; warnings: number; ignored: number }; problems: Problem[] };

const gatewayDir = path.resolve(import.meta.dirname, "../..");
// The CLI's own entry, run with this Node: no shell, no PATH lookup, the version package.json pins.
const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

/**
 * Runs `redocly lint --format=json openapi.json` in `dir`, where it finds redocly.yaml (and the ignore
 * file, when copied there). Exit code 1 only means "problems found": the report says which.
 */
async function lint(dir: string): Promise<LintReport> {
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  const args = [redocly, "lint", "--format=json", "openapi.json"];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: dir,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`redocly lint gave no report: ${error.stderr ?? String(error)}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout) as LintReport;
}

/** One line per finding, to read in a failure message. */
const findings = (report: LintReport) =>
  report.problems.map(
    (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? "(document)"}: ${p.message}`,
  );

describe("the OpenAPI document under redocly's recommended rules", () => {
  let root: string;
  let withExceptions: LintReport;
  let withoutExceptions: LintReport;

  /** A directory holding the document and copies of the gateway's lint configuration files. */
  async function workspace(name: string, text: string, files: string[]): Promise<string> {
    const dir = path.join(root, name);
    await mkdir(dir);
    await writeFile(path.join(dir, "openapi.json"), text);
    for (const file of files) await copyFile(path.join(gatewayDir, file), path.join(dir, file));
    return dir;
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "lisoloo-openapi-"));
    // The document /openapi.json serves to a local `wrangler dev`.
    const doc = buildOpenApiDocument({
      version: pkg.version,
      now: new Date(),
      origin: "http://127.0.0.1:8787",
    });
    const text = JSON.stringify(doc, null, 2);
    [withExceptions, withoutExceptions] = await Promise.all([
      workspace("linted", text, ["redocly.yaml", ".redocly.lint-ignore.yaml"]).then(lint),
      workspace("bare", text, ["redocly.yaml"]).then(lint),
    ]);
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("has no errors and no warnings", () => {
    const found = findings(withExceptions);
    expect(found, found.join("\n")).toEqual([]);
    expect(withExceptions.totals).toMatchObject({ errors: 0, warnings: 0, ignored: 1 });
  });

  it("owes that to one recorded exception only, which still applies (.redocly.lint-ignore.yaml)", () => {
    const found = withoutExceptions.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(found).toEqual(["operation-4xx-response #/paths/~1health/get/responses"]);
  });
});
