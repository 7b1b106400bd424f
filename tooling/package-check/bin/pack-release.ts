// Packs what a release publishes, one package after the other (see src/release-plan.ts):
//
//   changeset publish-plan --output .release/plan.json
//   node tooling/package-check/bin/pack-release.ts .release
import path from "node:path";
import { packRelease } from "../src/release-plan.ts";

const dir = path.resolve(process.argv[2] ?? ".release");
const releases = await packRelease(dir);
if (releases.length === 0) console.log("Nothing to pack: every version is on the registry already.");
for (const release of releases)
  console.log(`packed ${release.name}@${release.version} → ${release.tarball?.path}`);
