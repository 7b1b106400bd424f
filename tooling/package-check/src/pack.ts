// Packs the published packages exactly as a publish would: `pnpm pack` runs each package's prepack
// (build, LICENSE) and turns `workspace:` ranges into registry ranges.
import { mkdirSync } from "node:fs";
import { type PublishedPackage, publishedPackages } from "./published-packages.ts";
import { describeRun, runCommand } from "./run-command.ts";

export type Tarball = { name: string; version: string; file: string };

// A cold build of a package on a busy 2-core machine stays well below this.
const PACK_WITHIN_MS = 180_000;

/** Packs one package into `destination` and returns the tarball; throws with pnpm's output on failure. */
export async function packPackage(pkg: PublishedPackage, destination: string): Promise<Tarball> {
  mkdirSync(destination, { recursive: true });
  const ran = await runCommand("pnpm", ["pack", "--pack-destination", destination, "--json"], {
    cwd: pkg.dir,
    timeoutMs: PACK_WITHIN_MS,
  });
  if (ran.code !== 0) throw new Error(`Packing ${pkg.name} failed:\n${describeRun(ran)}`);
  let packed: { name: string; version: string; filename: string };
  try {
    // The JSON comes last: a prepack that runs pnpm itself prints its own lines (`Scope: …`) before it.
    packed = JSON.parse(ran.stdout.slice(ran.stdout.lastIndexOf("\n{\n") + 1));
  } catch {
    throw new Error(`pnpm pack printed no JSON for ${pkg.name}:\n${describeRun(ran)}`);
  }
  return { name: packed.name, version: packed.version, file: packed.filename };
}

/**
 * Packs every published package, one after the other: the client's prepack builds the protocol too,
 * and two builds of one package at once would write the same files.
 */
export async function packPublishedPackages(destination: string): Promise<Tarball[]> {
  const tarballs: Tarball[] = [];
  for (const pkg of publishedPackages()) tarballs.push(await packPackage(pkg, destination));
  return tarballs;
}
