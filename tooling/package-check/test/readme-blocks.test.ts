// Every code block of the published packages' READMEs, run in the consumer project as the README rules
// say: TypeScript blocks type-checked (strict, erasable syntax) and run by Node 22; Worker modules and
// Node servers fed signed webhooks; every other block run to exit 0 against the local gateway. A
// failure names the README, the block's number and line, and what tsc or the block printed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { blockKind } from "../src/block-kind.ts";
import { publishedPackages, repoRoot } from "../src/published-packages.ts";
import { blockTitle, firstLine, type ReadmeBlock, readmeBlocks } from "../src/readme-blocks.ts";
import { blockFile, readmeBlockContext, runBlock, writeBlocks } from "../src/run-block.ts";
import { type Diagnostic, typeCheck, typeStrippingFlags } from "../src/type-check.ts";

const context = readmeBlockContext(inject("packageCheck"));
const { consumerDir } = context;

const readmes = publishedPackages().map((pkg) => path.relative(repoRoot, path.join(pkg.dir, "README.md")));
const blocksOf = new Map(
  readmes.map((readme) => [readme, readmeBlocks(readFileSync(path.join(repoRoot, readme), "utf8"), readme)]),
);
const runnable = [...blocksOf.values()].flat().filter((b) => b.language !== null);

let diagnostics: Diagnostic[] = [];
let typeCheckOutput = "";

beforeAll(async () => {
  writeBlocks(consumerDir, runnable);
  // One tsc run for every TypeScript block: each is its own module, diagnostics are sorted out per file.
  const files = runnable.filter((b) => b.language === "ts" && !b.noRun).map(blockFile);
  if (files.length === 0) return;
  const check = await typeCheck(consumerDir, [...typeStrippingFlags, "--skipLibCheck", ...files]);
  diagnostics = check.diagnostics;
  typeCheckOutput = `${check.ran.stdout}${check.ran.stderr}`;
  // tsc failing without a diagnostic we can place (a bad flag, a crash) fails every TypeScript block.
  if (check.ran.code !== 0 && diagnostics.length === 0)
    diagnostics = [{ file: "", line: 0, column: 0, code: "", message: typeCheckOutput }];
});

function typeErrors(block: ReadmeBlock): string[] {
  if (block.language !== "ts") return [];
  const file = path.normalize(blockFile(block));
  return diagnostics
    .filter((d) => d.file === file || d.file === "")
    .map((d) =>
      d.file === ""
        ? `tsc failed:\n${d.message}`
        : `README line ${block.line + d.line} (block line ${d.line}:${d.column}) ${d.code}: ${d.message}`,
    );
}

describe.each(readmes)("%s", (readme) => {
  const blocks = blocksOf.get(readme) ?? [];

  it("has code blocks to run", () => {
    expect(blocks.filter((b) => b.language !== null).length).toBeGreaterThan(0);
  });

  for (const block of blocks.filter((b) => b.language !== null)) {
    const title = `block ${block.index} (line ${block.line}, ${block.info}, ${blockKind(block.code)}): ${firstLine(block)}`;
    // ```ts no-run is the README rules' only way out; it shows as skipped, never as passed.
    it.skipIf(block.noRun)(title, async () => {
      const errors = typeErrors(block);
      const run = await runBlock(block, context);
      const failures = [
        ...(errors.length > 0
          ? [`type errors (tsc --strict --module nodenext --erasableSyntaxOnly):\n${errors.join("\n")}`]
          : []),
        ...(run.ok ? [] : [`run failed (${blockFile(block)}):\n${run.report}`]),
      ];
      // Thrown rather than compared, so the report is printed once, as written.
      if (failures.length > 0) throw new Error(`${blockTitle(block)}\n\n${failures.join("\n\n")}`);
    });
  }
});
