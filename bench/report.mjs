// Combines the RESULTS.md each bench wrote beside itself, after the hand-written reading of them in
// FINDINGS.md, into bench/RESULTS.md; and puts the findings and the tables (without the prose, which
// stays in bench/RESULTS.md) in the root README's "Performance" section, replacing only that section.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const parts = ["api", "pipeline", "webhooks", "smpp", "relay", "capacity", "segments"];
const COMMAND = "npx pnpm@12.4.2 bench";

/** Moves every Markdown heading of `text` `levels` deeper. */
function deepen(text, levels) {
  return text.replace(/^(#{1,5}) /gm, (_, hashes) => `${hashes}${"#".repeat(levels)} `);
}

function read(path) {
  const file = new URL(path, import.meta.url);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

/** Headings and tables only, with single blank lines between them. */
function tablesOnly(text) {
  return text
    .split("\n")
    .filter((line) => line === "" || line.startsWith("#") || line.startsWith("|"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const sections = parts.map((part) => read(`./${part}/RESULTS.md`)).filter((s) => s !== null);
const findings = read("./FINDINGS.md");

writeFileSync(
  new URL("./RESULTS.md", import.meta.url),
  `# Benchmark results

Produced by \`${COMMAND}\` from the repository root. Each section says when, on what machine and on which
commit it ran, and how to run it alone.

${findings ? `${deepen(findings, 1)}\n\n` : ""}${sections.map((s) => deepen(s, 1)).join("\n\n")}
`,
);

const readmeUrl = new URL("../README.md", import.meta.url);
const readme = readFileSync(readmeUrl, "utf8");
const performance = `## Performance

Measured with \`${COMMAND}\` (every bench in turn, about 20 minutes). The gateway benches start their own
\`wrangler dev\` on a free port with throw-away state; the peer is Kannel from Debian, driven by the same
load generator. Setup, machine facts, CPU profiles and notes for each table are in
[bench/RESULTS.md](bench/RESULTS.md); the goals are the issue's.

${findings ? `${deepen(findings, 2)}\n\n` : ""}${sections.map((s) => tablesOnly(deepen(s, 2))).join("\n\n")}
`;
const start = readme.search(/^## Performance$/m);
let next;
if (start === -1) {
  next = `${readme.trimEnd()}\n\n${performance}`;
} else {
  const after = readme.slice(start + 1).search(/^## /m);
  next =
    after === -1
      ? `${readme.slice(0, start)}${performance}`
      : `${readme.slice(0, start)}${performance}\n${readme.slice(start + 1 + after)}`;
}
writeFileSync(readmeUrl, next);
console.log(`Wrote bench/RESULTS.md and the README's Performance section (${sections.length} benches).`);
