import { describe, expect, it } from "vitest";
import pkg from "../package.json";
import readme from "../README.md?raw";

/**
 * The README is the package's manual, and the `@example` of each export is one of its blocks: every
 * value export of every subpath is imported by a block of its subpath's section, and its doc comment's
 * `@example` is such a block, character for character, so the two cannot drift apart. Running the
 * blocks is the package check's job, against the packed tarball.
 */
const sources = import.meta.glob("../src/**/*.ts", { query: "?raw", import: "default", eager: true });
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key.startsWith("./") && key !== "./package.json")
  .map((key) => key.slice(2));

interface Block {
  code: string;
  section: string;
  imports: { name: string; from: string }[];
}

function valueExports(indexSource: string): string[] {
  const names: string[] = [];
  for (const [, list = ""] of indexSource.matchAll(/export \{([^}]*)\}/g)) {
    for (const entry of list.split(",").map((s) => s.trim())) {
      if (entry !== "" && !entry.startsWith("type ")) names.push(entry);
    }
  }
  return names;
}

function readmeBlocks(): Block[] {
  const headings = [...readme.matchAll(/^## (.*)$/gm)];
  const blocks: Block[] = [];
  for (const match of readme.matchAll(/^```(?:ts|typescript|js|javascript)\b[^\n]*\n([\s\S]*?)^```$/gm)) {
    const code = (match[1] ?? "").trimEnd();
    const section = headings.filter((h) => h.index <= match.index).at(-1)?.[1] ?? "";
    const imports: Block["imports"] = [];
    for (const [, list = "", from = ""] of code.matchAll(/import \{([^}]*)\} from "([^"]+)"/g)) {
      for (const entry of list.split(",").map((s) => s.trim())) {
        if (entry !== "" && !entry.startsWith("type "))
          imports.push({ name: entry.split(/\s+as\s+/)[0] ?? "", from });
      }
    }
    blocks.push({ code, section, imports });
  }
  return blocks;
}

/** The `@example` of the doc comment right above `export const|function|class name`, or null. */
function exampleOf(name: string, files: string[]): string | null | undefined {
  for (const source of files) {
    const declaration = new RegExp(`^export (?:const|function|class) ${name}\\b`, "m").exec(source);
    if (declaration === null) continue;
    const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(source.slice(0, declaration.index));
    if (doc === null) return null;
    const lines = (doc[1] ?? "").split("\n").map((line) => line.replace(/^\s*\* ?/, ""));
    const start = lines.findIndex((line) => line.trim() === "@example");
    if (start < 0) return null;
    const end = lines.findIndex((line, i) => i > start && /^@\w/.test(line));
    return lines
      .slice(start + 1, end < 0 ? undefined : end)
      .join("\n")
      .trimEnd();
  }
  return undefined;
}

describe("README and doc comments", () => {
  const blocks = readmeBlocks();

  it.each(subpaths)("every value export of ./%s has a README example, which is its @example", (subpath) => {
    const specifier = `@lisoloo/protocol/${subpath}`;
    const files = Object.entries(sources)
      .filter(([path]) => path.startsWith(`../src/${subpath}/`) && !path.endsWith(".test.ts"))
      .map(([, source]) => source);
    const names = valueExports(sources[`../src/${subpath}/index.ts`] ?? "");
    expect(names.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const name of names) {
      const examples = blocks
        .filter((b) => b.section.includes(`\`${specifier}\``))
        .filter((b) => b.imports.some((i) => i.name === name && i.from === specifier))
        .map((b) => b.code);
      const example = exampleOf(name, files);
      if (examples.length === 0) problems.push(`${name}: no README block of its section imports it`);
      if (example === undefined) problems.push(`${name}: declaration not found`);
      else if (example === null) problems.push(`${name}: no doc comment with an @example`);
      else if (examples.length > 0 && !examples.includes(example))
        problems.push(`${name}: its @example is not one of the README blocks that import it`);
    }
    expect(problems).toEqual([]);
  });

  it("the package root exports every value export of the subpaths", () => {
    const root = valueExports(sources["../src/index.ts"] ?? "").sort();
    const all = subpaths
      .flatMap((subpath) => valueExports(sources[`../src/${subpath}/index.ts`] ?? ""))
      .sort();
    expect(root).toEqual(all);
  });
});
