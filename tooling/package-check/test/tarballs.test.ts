import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { lintTarball } from "../src/lint-tarball.ts";
import { type PackageJson, publishedPackages } from "../src/published-packages.ts";
import { zodPeer } from "../src/zod-floor.ts";

const { tarballs } = inject("packageCheck");
const published = publishedPackages();

function entries(file: string): string[] {
  return execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).split("\n").filter(Boolean);
}

function packedManifest(file: string): PackageJson & Record<string, unknown> {
  return JSON.parse(execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }));
}

it("packs every published package", () => {
  expect(tarballs.map((t) => t.name).sort()).toEqual(published.map((p) => p.name).sort());
});

describe.each(tarballs)("$name tarball", (tarball) => {
  it("passes publint --strict and attw --profile esm-only", async () => {
    const lint = await lintTarball(tarball.file);
    expect(lint.problems, lint.problems.join("\n\n")).toEqual([]);
  });

  it("holds the build, README and LICENSE, and no tests", () => {
    const files = entries(tarball.file);
    expect(files).toEqual(
      expect.arrayContaining(["package/package.json", "package/README.md", "package/LICENSE"]),
    );
    expect(files.filter((f) => f.startsWith("package/dist/") && f.endsWith(".js")).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith("package/dist/") && f.endsWith(".d.ts")).length).toBeGreaterThan(
      0,
    );
    expect(files.filter((f) => /\.test\.[cm]?[jt]s$/.test(f))).toEqual([]);
    expect(execFileSync("tar", ["-xzOf", tarball.file, "package/LICENSE"], { encoding: "utf8" })).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 Lisoloo contributors\n/,
    );
  });

  it("tells npm where it comes from, what it needs and that it is ESM only", () => {
    const manifest = packedManifest(tarball.file);
    const directory = published
      .find((p) => p.name === tarball.name)
      ?.dir.split("/")
      .slice(-2)
      .join("/");
    expect(manifest).toMatchObject({
      license: "MIT",
      type: "module",
      repository: { type: "git", url: "git+https://github.com/lisoloo/lisoloo.git", directory },
      homepage: `https://github.com/lisoloo/lisoloo/tree/main/${directory}#readme`,
      bugs: { url: "https://github.com/lisoloo/lisoloo/issues" },
      engines: { node: ">=20" },
    });
    expect(manifest.description).toMatch(/ESM only/);
    expect(manifest.keywords).toEqual(expect.arrayContaining(["lisoloo", "esm"]));
    // No `require` condition: there is no CommonJS build to point it at.
    expect(JSON.stringify(manifest.exports)).not.toMatch(/"require"/);
  });

  it("leaves zod to the consumer and our own packages to ranges", () => {
    const manifest = packedManifest(tarball.file);
    expect(manifest.dependencies?.zod).toBeUndefined();
    expect(manifest.peerDependencies?.zod).toBe(zodPeer().range);
    for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      expect(spec, name).not.toMatch(/^(workspace|catalog):/);
      const sibling = tarballs.find((t) => t.name === name);
      // A caret on the sibling's version: patch (and, from 1.0, minor) releases of one do not
      // install a second copy of the other.
      if (sibling) expect(spec, name).toBe(`^${sibling.version}`);
    }
  });
});
