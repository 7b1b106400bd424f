#!/usr/bin/env node
// Sums every package's vitest JSON report into one closing line, `N passed, N failed`, and fails
// when a test failed or when no test ran at all (an empty run must never look green).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// Every vitest JSON report under a workspace package's test-results/ (a package may run several
// vitest configs, e.g. workerd and Node, each writing its own report).
const reports = [];
const packageDirs = ["apps", "packages", "tooling"].flatMap((group) =>
  readdirSync(path.join(root, group)).map((pkg) => path.join(root, group, pkg)),
);
packageDirs.push(path.join(root, "examples"));
for (const dir of packageDirs) {
  let files = [];
  try {
    files = readdirSync(path.join(dir, "test-results")).filter((f) => f.endsWith(".json"));
  } catch {}
  for (const f of files.sort()) {
    const file = path.join(dir, "test-results", f);
    if (statSync(file).isFile()) reports.push(file);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.success === false && r.numFailedTests === 0 ? 1 : 0);
  skipped += r.numPendingTests + r.numTodoTests;
  console.log(`${path.relative(root, file)}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
const upstream = Number(process.argv[2] ?? 0);
if (upstream !== 0) console.error(`lint, build, typecheck or a test task failed (exit ${upstream})`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 || upstream !== 0 ? 1 : 0);
