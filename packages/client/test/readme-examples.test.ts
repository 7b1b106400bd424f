// The README is the package's manual and each export's doc comment its quick reference: both show
// the same complete, runnable examples, so neither can drift from the other.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const readmeBlocks = [...readme.matchAll(/^```(?:ts|typescript|js|javascript)\n([\s\S]*?)^```$/gm)].map(
  (m) => m[1] ?? "",
);

const sources = readdirSync(path.join(root, "src"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
  .map((file) => readFileSync(path.join(root, "src", file), "utf8"));

/** The values (not types) an entry point exports. */
function exportedValues(entry: string): string[] {
  const text = readFileSync(path.join(root, "src", entry), "utf8");
  const names: string[] = [];
  for (const [, list] of text.matchAll(/export \{([^}]*)\}/g)) {
    for (const item of (list ?? "").split(",")) {
      const name = item.trim();
      if (name !== "" && !name.startsWith("type ")) names.push(name);
    }
  }
  return names;
}

/** The `@example` sections of the doc comment right above `name`'s declaration. */
function examplesOf(name: string): string[] | null {
  const declaration = new RegExp(
    String.raw`/\*\*((?:(?!\*/)[\s\S])*)\*/\nexport (?:async )?(?:function|class|const) ${name}\b`,
  );
  for (const text of sources) {
    const comment = declaration.exec(text)?.[1];
    if (comment === undefined) continue;
    const lines = comment.split("\n").map((line) => line.replace(/^ \* ?/, "").replace(/^ \*$/, ""));
    return lines
      .join("\n")
      .split(/^@example\n/m)
      .slice(1)
      .map((example) => `${example.trimEnd()}\n`);
  }
  return null;
}

const entries = ["index.ts", "webhooks/index.ts", "node/index.ts"];

describe.each(entries)("the exports of src/%s", (entry) => {
  it.each(exportedValues(entry))("%s has an @example that is a README block, word for word", (name) => {
    const examples = examplesOf(name);
    expect(examples, `no doc comment found for ${name}`).not.toBeNull();
    expect(examples?.length, `${name} has no @example`).toBeGreaterThan(0);
    for (const example of examples ?? []) expect(readmeBlocks).toContain(example);
  });
});
