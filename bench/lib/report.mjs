// Machine facts and the RESULTS.md each bench writes beside itself (bench/report.mjs combines them).
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

/** One line saying where and when the numbers were taken. */
export function machineFacts(extra = []) {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return [
    `nproc ${availableParallelism()} (${cpu})`,
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    `Node ${process.version}`,
    ...extra,
    `load average ${loadavg()[0]?.toFixed(1)} at the end`,
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  ].join(", ");
}

/** Writes `RESULTS.md` next to the bench file whose `import.meta.url` is given (null: only print it). */
export function writeResults(benchUrl, markdown) {
  const text = `${markdown.trim()}\n`;
  if (benchUrl !== null) writeFileSync(new URL("./RESULTS.md", benchUrl), text);
  console.log(`\n${text}`);
}

/** One sentence on the structured error lines the gateway logged during a run. */
export function loggedErrorsLine(counts) {
  const entries = Object.entries(counts);
  if (entries.length === 0) return "The gateway logged no errors during the run.";
  return `The gateway logged errors during the run: ${entries.map(([event, n]) => `\`${event}\` × ${n}`).join(", ")}.`;
}
