// Lints the tarballs a release publishes (publint --strict, attw --profile esm-only) and fails on any
// problem. Run by the root `release` scripts with Node 22 (type stripping):
//
//   node tooling/package-check/bin/check-tarballs.ts .release   the tarballs pack-release.ts wrote
//   node tooling/package-check/bin/check-tarballs.ts            packs every published package first
//
// With a directory, it checks exactly the tarballs its publish-plan.json lists, each verified to be the
// file that was packed, so what was checked is what gets published.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { lintTarball } from "../src/lint-tarball.ts";
import { packPublishedPackages } from "../src/pack.ts";
import { plannedTarballs } from "../src/release-plan.ts";

const dir = process.argv[2];
let scratch: string | null = null;
let files: string[];
if (dir) {
  files = plannedTarballs(path.resolve(dir)).map((planned) => planned.file);
  if (files.length === 0)
    console.log(`Nothing to check in ${dir}: every version is on the registry already.`);
} else {
  scratch = mkdtempSync(path.join(tmpdir(), "lisoloo-check-tarballs-"));
  files = (await packPublishedPackages(scratch)).map((t) => t.file);
}

let failed = false;
try {
  for (const file of files) {
    const { problems } = await lintTarball(file);
    console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${path.basename(file)}`);
    for (const problem of problems) console.error(problem);
    failed ||= problems.length > 0;
  }
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
