// Publishes the tarballs pack-release.ts wrote and check-tarballs.ts passed, in the plan's order
// (dependencies first), each with a provenance attestation; `changeset tag` then tags the versions.
//
// Why not `changeset publish --from-pack-dir`: it runs `pnpm publish` without `--provenance`, and pnpm
// 12 takes provenance from that flag only (NPM_CONFIG_PROVENANCE, PNPM_CONFIG_PROVENANCE and
// `publishConfig.provenance` are ignored), so the packages would go out unattested.
//
//   node tooling/package-check/bin/publish-release.ts .release
import { execFileSync } from "node:child_process";
import path from "node:path";
import { plannedTarballs } from "../src/release-plan.ts";

const dir = path.resolve(process.argv[2] ?? ".release");
// Every tarball is checked against its recorded hash before the first one goes out.
const planned = plannedTarballs(dir);
if (planned.length === 0) console.log("Nothing to publish: every version is on the registry already.");

for (const { release, file } of planned) {
  console.log(`Publishing ${release.name}@${release.version} (${release.tag}) with provenance`);
  try {
    execFileSync(
      "pnpm",
      ["publish", file, "--provenance", "--access", release.access, "--tag", release.tag, "--no-git-checks"],
      { stdio: "inherit" },
    );
  } catch {
    console.error(
      `Publishing ${release.name}@${release.version} failed; the packages listed before it are published. ` +
        "Fix the cause and run `pnpm release` again: the plan only lists versions the registry lacks.",
    );
    process.exit(1);
  }
}
