// The release's plan, as changesets writes it: `changeset publish-plan --output <dir>/plan.json` lists
// the versions the registry does not have yet, dependencies first. We pack those ourselves, one after
// the other, into <dir>/publish-plan.json and <dir>/packages/, the layout of `changeset pack`.
//
// Why not `changeset pack`: it packs two packages at once, and the client's prepack rebuilds the
// protocol, so the protocol's tarball could be read while its dist/ is being rewritten.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { packPackage } from "./pack.ts";
import { publishedPackages } from "./published-packages.ts";

export type PlannedRelease = {
  kind: "publish" | "tag-only";
  name: string;
  version: string;
  access: "public" | "restricted";
  tag: string;
  tarball?: { path: string; integrity: string };
};

type PlanFile = { version: 1; plan: PlannedRelease[][] };

function readPlan(file: string): PlanFile {
  const json = JSON.parse(readFileSync(file, "utf8")) as PlanFile;
  if (json.version !== 1 || !Array.isArray(json.plan))
    throw new Error(`${file} is not a changesets publish plan`);
  return json;
}

export function sha256Integrity(file: string): string {
  return `sha256-${createHash("sha256").update(readFileSync(file)).digest("base64")}`;
}

/** Packs every release of `<dir>/plan.json` in order and writes `<dir>/publish-plan.json`. */
export async function packRelease(dir: string): Promise<PlannedRelease[]> {
  const { plan } = readPlan(path.join(dir, "plan.json"));
  const workspace = publishedPackages();
  const packed: PlannedRelease[][] = [];
  for (const group of plan) {
    const releases: PlannedRelease[] = [];
    for (const release of group) {
      if (release.kind !== "publish") {
        releases.push(release);
        continue;
      }
      const pkg = workspace.find((p) => p.name === release.name);
      if (!pkg) throw new Error(`${release.name} is in the plan but is not a published workspace package`);
      const tarball = await packPackage(pkg, path.join(dir, "packages"));
      if (tarball.version !== release.version) {
        throw new Error(`${release.name} packed as ${tarball.version}, the plan says ${release.version}`);
      }
      const relative = path.relative(dir, tarball.file).split(path.sep).join("/");
      releases.push({ ...release, tarball: { path: relative, integrity: sha256Integrity(tarball.file) } });
    }
    packed.push(releases);
  }
  writeFileSync(
    path.join(dir, "publish-plan.json"),
    `${JSON.stringify({ version: 1, plan: packed }, null, 2)}\n`,
  );
  return packed.flat().filter((r) => r.kind === "publish");
}

/**
 * The tarballs `<dir>/publish-plan.json` will publish, in order, each checked to be the file that was
 * packed (so what the release checked is what it publishes).
 */
export function plannedTarballs(dir: string): { release: PlannedRelease; file: string }[] {
  const { plan } = readPlan(path.join(dir, "publish-plan.json"));
  return plan
    .flat()
    .filter((release) => release.kind === "publish")
    .map((release) => {
      if (!release.tarball) throw new Error(`${release.name}@${release.version} has no tarball in the plan`);
      const file = path.resolve(dir, release.tarball.path);
      if (sha256Integrity(file) !== release.tarball.integrity) {
        throw new Error(`${file} changed since it was packed and checked; pack again`);
      }
      return { release, file };
    });
}
