// wrangler.jsonc as the release tooling reads it: the environments, their D1 databases and every
// binding name they declare. Node only (scripts and Node tests); no wrangler import, which is slow to load.
import { readFileSync } from "node:fs";
import path from "node:path";

export const gatewayDir = path.resolve(import.meta.dirname, "..");
export const defaultConfigFile = path.join(gatewayDir, "wrangler.jsonc");

type Named = { binding: string };
/** The parts of one environment of wrangler.jsonc that the release tooling reads. */
export type WranglerEnvironment = {
  name?: string;
  vars?: Record<string, unknown>;
  d1_databases?: (Named & { database_name: string; migrations_dir?: string })[];
  r2_buckets?: Named[];
  kv_namespaces?: Named[];
  services?: Named[];
  queues?: { producers?: Named[] };
  durable_objects?: { bindings?: { name: string }[] };
};
export type WranglerConfig = { env?: Record<string, WranglerEnvironment> };

/** A D1 database of an environment: its binding, its name at Cloudflare and its migrations folder. */
export type Database = { binding: string; name: string; migrationsDir: string };

/** wrangler.jsonc parsed. Its comments are whole lines: dropped, the rest is JSON. */
export function readWranglerConfig(file: string = defaultConfigFile): WranglerConfig {
  const text = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  return JSON.parse(text) as WranglerConfig;
}

/** The environments wrangler.jsonc declares (`sandbox`, `production`), in file order. */
export function environmentNames(config: WranglerConfig): string[] {
  return Object.keys(config.env ?? {});
}

export function environmentOf(config: WranglerConfig, environment: string): WranglerEnvironment {
  const found = config.env?.[environment];
  if (!found) {
    const known = environmentNames(config).join(", ") || "none";
    throw new Error(`wrangler.jsonc has no environment "${environment}" (it has: ${known})`);
  }
  return found;
}

/**
 * The D1 databases of `environment`: the directory and every shard. A relative `migrations_dir` is
 * resolved against the config file's folder, as wrangler does (its default is `migrations`).
 */
export function databasesOf(config: WranglerConfig, environment: string, configFile: string): Database[] {
  return (environmentOf(config, environment).d1_databases ?? []).map((d) => ({
    binding: d.binding,
    name: d.database_name,
    migrationsDir: path.resolve(path.dirname(configFile), d.migrations_dir ?? "migrations"),
  }));
}

/** Every name `environment` puts on `env`: bindings of each kind the gateway uses, and vars. */
export function declaredNames(config: WranglerConfig, environment: string): string[] {
  const env = environmentOf(config, environment);
  const bound = (list: Named[] | undefined) => (list ?? []).map((b) => b.binding);
  return [
    ...bound(env.d1_databases),
    ...bound(env.r2_buckets),
    ...bound(env.kv_namespaces),
    ...bound(env.services),
    ...bound(env.queues?.producers),
    ...(env.durable_objects?.bindings ?? []).map((b) => b.name),
    ...Object.keys(env.vars ?? {}),
  ];
}
