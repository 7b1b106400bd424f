// Do wrangler.jsonc and the code agree on `env`? A binding an environment declares that no source
// file reads is dead weight (or a typo, with the real one missing); an `env.X` the code reads that
// the environment does not declare is `undefined` in that deployment, found by its first request.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { envSchema } from "../src/config/schema.ts";
import { declaredNames, gatewayDir, type WranglerConfig } from "./wrangler-config.ts";

/** What may be on `env` without wrangler.jsonc declaring it, and what is read without naming it. */
export type BindingRules = {
  /** Set with `wrangler secret put`, so never in wrangler.jsonc (src/secrets.d.ts). */
  secrets: string[];
  /** Vars the config schema accepts as absent: a default applies (src/config/schema.ts). */
  optional: string[];
  /** Names the code puts on its own copies of `env` (src/env.ts `ShardEnv`). */
  derived: string[];
  /** Bindings read by pattern rather than by name. */
  dynamic: RegExp[];
};

// The shard view (shards/shard-env.ts): `DB` is the merchant's shard, `SHARD` its binding name.
const DERIVED = ["DB", "SHARD"];
// `shardNames` (shards/shard-env.ts) reads every `DB_<n>` from the bindings themselves.
const SHARDS = /^DB_(0|[1-9]\d*)$/;

/** Every `env.NAME` / `env["NAME"]` in `source` (upper-case names: bindings, vars and secrets). */
export function envReads(source: string): string[] {
  // Block comments and whole-line comments are prose: a name in them is not a read.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const names = [
    ...code.matchAll(/\benv\s*(?:\.\s*([A-Z][A-Z0-9_]*)\b|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g),
  ];
  return names.map((m) => (m[1] ?? m[2]) as string);
}

/** The names each source file under `src/` reads from `env`, tests aside: name → files. */
export function sourceReads(srcDir = path.join(gatewayDir, "src")): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  const files = readdirSync(srcDir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"),
  );
  for (const file of files.sort()) {
    for (const name of envReads(readFileSync(path.join(srcDir, file), "utf8"))) {
      const where = reads.get(name) ?? [];
      if (!where.includes(file)) where.push(file);
      reads.set(name, where);
    }
  }
  return reads;
}

/** The gateway's rules, read from the files that state them. */
export function gatewayRules(srcDir = path.join(gatewayDir, "src")): BindingRules {
  const secretsFile = readFileSync(path.join(srcDir, "secrets.d.ts"), "utf8");
  const block = /interface LisolooSecrets \{([\s\S]*?)\n\}/.exec(secretsFile)?.[1] ?? "";
  const secrets = [...block.matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:/gm)].map((m) => m[1] as string);
  const shape = envSchema.in.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  const optional = Object.keys(shape).filter((name) => shape[name]?.safeParse(undefined).success);
  return { secrets, optional, derived: DERIVED, dynamic: [SHARDS] };
}

/**
 * One line per disagreement between what `environment` declares and what the code reads.
 *
 * @example bindingFindings("production", ["DIRECTORY", "DB_0", "OLD_QUEUE"], reads, rules)
 * // ['OLD_QUEUE: declared by env.production in wrangler.jsonc, read by no source file']
 */
export function bindingFindings(
  environment: string,
  declared: readonly string[],
  reads: ReadonlyMap<string, readonly string[]>,
  rules: BindingRules,
): string[] {
  const findings: string[] = [];
  const dynamic = (name: string) => rules.dynamic.some((pattern) => pattern.test(name));
  for (const name of declared) {
    if (!reads.has(name) && !dynamic(name))
      findings.push(`${name}: declared by env.${environment} in wrangler.jsonc, read by no source file`);
  }
  const excused = new Set([...declared, ...rules.secrets, ...rules.optional, ...rules.derived]);
  for (const [name, files] of reads) {
    if (!excused.has(name))
      findings.push(
        `env.${name}: read by ${files.join(", ")}, but env.${environment} does not declare it ` +
          "(nor is it a secret of src/secrets.d.ts or an optional var of src/config/schema.ts)",
      );
  }
  return findings;
}

/** `bindingFindings` for the gateway's own source and rules. */
export function checkBindings(config: WranglerConfig, environment: string): string[] {
  return bindingFindings(environment, declaredNames(config, environment), sourceReads(), gatewayRules());
}
