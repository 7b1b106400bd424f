// The Worker as Cloudflare would receive it, built without an account: `wrangler deploy --dry-run`
// bundles one environment, and this reads what came out (size, wrangler's warnings) and how long
// its top-level code takes to start in workerd.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { run } from "./tools.ts";
import { gatewayDir } from "./wrangler-config.ts";

// Cloudflare's Workers limits, "Worker size": 3 MB on the Workers Free plan and 10 MB on Workers
// Paid, both measured after compression (gzip). The free plan's is the hard limit here: the gateway
// must stay deployable on either plan. Read as decimal megabytes, the stricter reading.
export const SIZE_LIMIT_GZIP_BYTES = 3_000_000;
// Our own budget: 312 KiB gzipped when it was set, plus room for about a quarter more code, so a
// large new dependency is a decision taken here rather than something noticed at the 3 MB wall.
export const SIZE_BUDGET_GZIP_BYTES = 400 * 1024;
// Cloudflare's Workers limits, "Worker startup time": 1 second to parse and run the global scope,
// on both plans; an upload over it is refused.
export const STARTUP_LIMIT_MS = 1000;
// Our own budget: about 50 ms of CPU when it was set (this machine kind), eight times that for a
// loaded CI machine. Top-level work belongs in handlers, behind the first request that needs it.
export const STARTUP_BUDGET_MS = 400;

export type Bundle = {
  environment: string;
  /** wrangler's exit status: anything but 0 is a failed build. */
  status: number;
  /** What wrangler printed, stdout then stderr. */
  output: string;
  /** Each `[WARNING]` wrangler printed, with its detail lines. */
  warnings: string[];
  /** The uploaded modules (source maps and wrangler's README aside), raw and gzipped as one. */
  bytes: number;
  gzipBytes: number;
};

/** wrangler's `[WARNING]` (or `[ERROR]`) blocks in `output`: each headline with its indented details. */
export function wranglerMessages(output: string, kind: "WARNING" | "ERROR" = "WARNING"): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is removed.
  const lines = output.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
  const messages: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes(`[${kind}]`)) return;
    const block = [line.trim()];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== "" && !/^\s/.test(next)) break;
      if (next.trim() !== "") block.push(next.trim());
    }
    messages.push(block.join("\n"));
  });
  return messages;
}

/** The modules wrangler would upload from `outdir`: its source maps and README are not uploaded. */
function moduleSizes(outdir: string): { bytes: number; gzipBytes: number } {
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const content = Buffer.concat(files.sort().map((f) => readFileSync(path.join(outdir, f))));
  return { bytes: content.length, gzipBytes: gzipSync(content).length };
}

/**
 * Bundles `environment` with `wrangler deploy --dry-run --outdir <outdir> --env <environment>`.
 * `bundleFile`: also write the multipart upload wrangler would send (what `profileStartup` reads).
 */
export function bundleWorker(options: {
  environment: string;
  outdir: string;
  configFile?: string;
  bundleFile?: string;
}): Bundle {
  const { environment, outdir } = options;
  const command = ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--env", environment];
  if (options.configFile) command.push("--config", options.configFile);
  if (options.bundleFile) command.push("--outfile", options.bundleFile);
  const { status, output } = run(command);
  // wrangler runs in the gateway's folder: a relative outdir is under it.
  const sizes = status === 0 ? moduleSizes(path.resolve(gatewayDir, outdir)) : { bytes: 0, gzipBytes: 0 };
  return { environment, status, output, warnings: wranglerMessages(output), ...sizes };
}

/** What a bundle breaks of Cloudflare's limits or wrangler's advice: empty when it may ship. */
export function bundleFindings(bundle: Bundle): string[] {
  if (bundle.status !== 0) return [`wrangler could not bundle env.${bundle.environment}:\n${bundle.output}`];
  const findings = bundle.warnings.map((w) => `wrangler warned about env.${bundle.environment}: ${w}`);
  if (bundle.gzipBytes > SIZE_LIMIT_GZIP_BYTES)
    findings.push(
      `env.${bundle.environment} is ${kib(bundle.gzipBytes)} gzipped, over the Workers Free plan's ` +
        `${SIZE_LIMIT_GZIP_BYTES / 1e6} MB limit`,
    );
  return findings;
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples?: number[];
  timeDeltas?: number[];
};

/**
 * Milliseconds of CPU a startup profile shows: every sample but idle ones (garbage collection
 * included), as `wrangler check startup` sums it for its "Active" line.
 */
export function activeMs(profile: CpuProfile): number {
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let micros = 0;
  (profile.timeDeltas ?? []).forEach((delta, i) => {
    if (names.get(profile.samples?.[i] ?? -1) !== "(idle)") micros += delta;
  });
  return micros / 1000;
}

/**
 * The bundle's startup time: `wrangler check startup` loads the upload `bundleFile` into a local
 * workerd with the same compatibility date and bindings and profiles the import of its main module,
 * which is the global-scope evaluation Cloudflare times when a version is uploaded. (wrangler prints
 * "Worker Startup Time" only from the upload's answer, never in a dry run.) Local CPU, not
 * Cloudflare's: a measure to hold a budget against, not the figure Cloudflare will report.
 */
export function profileStartup(bundleFile: string, profileFile: string): number {
  const { status, output } = run([
    "wrangler",
    "check",
    "startup",
    "--worker",
    bundleFile,
    "--outfile",
    profileFile,
  ]);
  if (status !== 0) throw new Error(`wrangler check startup failed:\n${output}`);
  return activeMs(JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile);
}
