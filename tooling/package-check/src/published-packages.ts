// The workspace packages that reach npm: every package under packages/ that is not private, in
// dependency order (a package after the workspace packages it depends on).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../../..");

export type PackageJson = {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  files?: string[];
  engines?: Record<string, string>;
};

export type PublishedPackage = {
  name: string;
  /** Absolute directory of the package in the workspace. */
  dir: string;
  manifest: PackageJson;
};

export function readManifest(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;
}

/** Every public package under packages/, dependencies first. */
export function publishedPackages(root = repoRoot): PublishedPackage[] {
  const packagesDir = path.join(root, "packages");
  const found = readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(packagesDir, entry.name))
    .flatMap((dir) => {
      try {
        const manifest = readManifest(dir);
        return manifest.private ? [] : [{ name: manifest.name, dir, manifest }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const ordered: PublishedPackage[] = [];
  const visit = (pkg: PublishedPackage) => {
    if (ordered.includes(pkg)) return;
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) {
      const inWorkspace = found.find((other) => other.name === dependency);
      if (inWorkspace) visit(inWorkspace);
    }
    ordered.push(pkg);
  };
  for (const pkg of found) visit(pkg);
  return ordered;
}

/** `@scope/name` plus each subpath of `exports` (`./package.json` aside), as import specifiers. */
export function exportSpecifiers(manifest: PackageJson): string[] {
  return Object.keys(manifest.exports ?? { ".": null })
    .filter((subpath) => subpath !== "./package.json" && !subpath.includes("*"))
    .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}${subpath.slice(1)}`));
}
