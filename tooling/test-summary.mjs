#!/usr/bin/env node
// Sums every package's vitest JSON report into one closing line, `N passed, N failed`, and fails
// when a test failed or when no test ran at all (an empty run must never look green).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const reports = [];
for (const group of ["apps", "packages"]) {
  for (const pkg of readdirSync(path.join(root, group))) {
    const file = path.join(root, group, pkg, "test-results", "vitest.json");
    try {
      if (statSync(file).isFile()) reports.push(file);
    } catch {}
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
