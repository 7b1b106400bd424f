// The packed packages in a fresh npm project, used as another team would: one copy of each, every
// entry point imported under Node 22 and 20, every .d.ts type-checked strictly, and our schemas
// composed into the consumer's own zod schema.
import { type Dirent, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { composeModule, entryPointsModule, importCheckScript } from "../src/consumer-files.ts";
import { consumerEnv } from "../src/consumer-project.ts";
import { findNode20 } from "../src/node-20.ts";
import { exportSpecifiers, readManifest } from "../src/published-packages.ts";
import { describeRun, runCommand } from "../src/run-command.ts";
import { typeCheck, typeStrippingFlags } from "../src/type-check.ts";

const { consumerDir, cacheDir, tarballs } = inject("packageCheck");
const env = consumerEnv(cacheDir);
const installed = (name: string) => path.join(consumerDir, "node_modules", name);
const specifiers = tarballs.flatMap((t) => exportSpecifiers(readManifest(installed(t.name))));
const node20 = findNode20();

/** Every directory that holds a copy of package `name`, nested node_modules included. */
function copiesOf(name: string): string[] {
  const found: string[] = [];
  const walk = (nodeModules: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(nodeModules, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.filter((e) => e.isDirectory())) {
      const names = entry.name.startsWith("@")
        ? readdirSync(path.join(nodeModules, entry.name)).map((scoped) => `${entry.name}/${scoped}`)
        : [entry.name];
      for (const packageName of names) {
        const dir = path.join(nodeModules, packageName);
        if (packageName === name) found.push(dir);
        walk(path.join(dir, "node_modules"));
      }
    }
  };
  walk(path.join(consumerDir, "node_modules"));
  return found;
}

async function importEverything(node: string): Promise<Record<string, { exports?: number; error?: string }>> {
  writeFileSync(path.join(consumerDir, "check-imports.mjs"), importCheckScript);
  const ran = await runCommand(node, ["check-imports.mjs", JSON.stringify(specifiers)], {
    cwd: consumerDir,
    env,
    timeoutMs: 60_000,
  });
  expect(ran.code, describeRun(ran)).toBe(0);
  return JSON.parse(ran.stdout);
}

it("covers every subpath export of every package", () => {
  expect(specifiers).toEqual(expect.arrayContaining(["@lisoloo/protocol", "@lisoloo/client"]));
  expect(specifiers.length).toBeGreaterThan(tarballs.length);
});

it("installs one copy of each package and of zod", () => {
  for (const name of [...tarballs.map((t) => t.name), "zod"]) {
    expect(copiesOf(name), name).toEqual([installed(name)]);
  }
});

describe("imports every subpath export", () => {
  it("under Node 22", async () => {
    const results = await importEverything(process.execPath);
    for (const specifier of specifiers)
      expect(results[specifier], specifier).toEqual({ exports: expect.any(Number) });
    for (const specifier of specifiers) expect(results[specifier]?.exports, specifier).toBeGreaterThan(0);
  });

  it.skipIf(node20 === null)("under the machine's Node 20", async () => {
    const results = await importEverything(node20 ?? "node");
    for (const specifier of specifiers)
      expect(results[specifier], specifier).toEqual({ exports: expect.any(Number) });
  });
});

describe("type-checks every entry point's .d.ts with tsc --strict --module nodenext", () => {
  beforeAll(() => writeFileSync(path.join(consumerDir, "entry-points.ts"), entryPointsModule(specifiers)));

  it("with the default libraries and @types/node", async () => {
    const check = await typeCheck(consumerDir, ["entry-points.ts"]);
    expect(check.ran.code, describeRun(check.ran)).toBe(0);
  });

  it("in a Node project without the DOM library", async () => {
    const check = await typeCheck(consumerDir, ["entry-points.ts"], ["--lib", "es2023"]);
    expect(check.ran.code, describeRun(check.ran)).toBe(0);
  });
});

it("composes our schemas inside the consumer's own zod schema, with the consumer's zod", async () => {
  writeFileSync(path.join(consumerDir, "compose.ts"), composeModule);
  const check = await typeCheck(consumerDir, ["compose.ts"], typeStrippingFlags);
  expect(check.ran.code, describeRun(check.ran)).toBe(0);
  const ran = await runCommand(process.execPath, ["compose.ts"], {
    cwd: consumerDir,
    env,
    timeoutMs: 60_000,
  });
  expect(ran.code, describeRun(ran)).toBe(0);
  expect(ran.stdout).toContain("composed");
});
