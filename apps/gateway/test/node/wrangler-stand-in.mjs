#!/usr/bin/env node
// wrangler as the release script's tests need it (LISOLOO_RELEASE_WRANGLER): every call is appended
// to $STAND_IN_LOG and answered as a successful run would be. `deploy --dry-run` writes a small
// bundle; `d1 migrations list … --remote` lists $STAND_IN_PENDING (comma-separated names) when set.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
appendFileSync(process.env.STAND_IN_LOG ?? "/dev/null", `${args.join(" ")}\n`);

if (args[0] === "deploy" && args.includes("--dry-run")) {
  const outdir = path.resolve(args[args.indexOf("--outdir") + 1] ?? "dist");
  mkdirSync(outdir, { recursive: true });
  writeFileSync(path.join(outdir, "index.js"), "export default {};\n");
} else if (args[0] === "d1" && args[2] === "list") {
  const pending = args.includes("--remote") ? (process.env.STAND_IN_PENDING ?? "") : "";
  console.log(
    pending
      ? `Migrations to be applied:\n${pending
          .split(",")
          .map((name) => `│ ${name} │`)
          .join("\n")}`
      : "✅ No migrations to apply!",
  );
}
