// The machine's Node 20, if it has one: pnpm puts the workspace's Node 22 first on PATH, so the first
// `node` found is not it. The packages claim Node ≥ 20, so their imports are tried there too.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** The path of a `node` on PATH whose version is 20.x, or null. */
export function findNode20(): string | null {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of new Set(dirs)) {
    const candidate = path.join(dir, "node");
    if (!existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
      if (version.startsWith("v20.")) return candidate;
    } catch {}
  }
  return null;
}
