import type { WorkerEnv } from "../env";
import { log } from "../observability/logger";
import { type Config, type ConfigFinding, parseConfig } from "./schema";

/** The environment is not usable; the message names every bad variable (never a secret's value). */
export class ConfigError extends Error {
  constructor(readonly findings: ConfigFinding[]) {
    super(`Invalid configuration: ${findings.map((f) => `${f.variable}: ${f.problem}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

export type CheckedConfig = { ok: true; config: Config } | { ok: false; error: ConfigError };

/**
 * Keyed by the env object the runtime hands over, which is the same for every event an isolate (or a
 * Durable Object instance) serves: the environment is parsed once there. A test that passes an env
 * of its own gets it checked afresh.
 */
const checked = new WeakMap<object, CheckedConfig>();

/**
 * The environment checked, once per env object; the first failure is logged as `config.invalid` with
 * every finding.
 *
 * @example if (!checkConfig(env).ok) return serviceUnavailable(request);
 */
export function checkConfig(env: WorkerEnv): CheckedConfig {
  let result = checked.get(env);
  if (result === undefined) {
    const parsed = parseConfig(env);
    result = parsed.ok ? parsed : { ok: false, error: new ConfigError(parsed.findings) };
    if (!result.ok) log.error("config.invalid", { findings: result.error.findings });
    checked.set(env, result);
  }
  return result;
}

/**
 * The checked configuration; throws `ConfigError` when the environment is invalid.
 *
 * @example const { credentialsKey } = configOf(c.env);
 */
export function configOf(env: WorkerEnv): Config {
  const result = checkConfig(env);
  if (!result.ok) throw result.error;
  return result.config;
}
