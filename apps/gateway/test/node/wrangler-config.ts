import { readFileSync } from "node:fs";
import path from "node:path";

/** What one environment of wrangler.jsonc declares that an operator must create by hand. */
export type DeclaredResources = {
  /** D1 `database_name` by binding (`DIRECTORY`, `DB_0`, …). */
  d1: Map<string, string>;
  /** Every queue a producer or consumer names, dead-letter queues included. */
  queues: Set<string>;
  /** R2 `bucket_name`s. */
  buckets: Set<string>;
};

type Environment = {
  d1_databases?: { binding: string; database_name: string }[];
  queues?: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  r2_buckets?: { bucket_name: string }[];
};

/**
 * JSON with comments and trailing commas, as wrangler reads it: comments are dropped outside strings
 * (a `//` inside a string, e.g. a URL, stays), then commas before a closing bracket.
 */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
      out += text.slice(i, j + 1);
      i = j;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += ch;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

/** The gateway's wrangler.jsonc, by environment (`sandbox`, `production`). */
export function declaredResources(gatewayDir: string): Map<string, DeclaredResources> {
  const config = parseJsonc(readFileSync(path.join(gatewayDir, "wrangler.jsonc"), "utf8")) as {
    env?: Record<string, Environment>;
  };
  const environments = new Map<string, DeclaredResources>();
  for (const [name, env] of Object.entries(config.env ?? {})) {
    const queues = new Set<string>();
    for (const p of env.queues?.producers ?? []) queues.add(p.queue);
    for (const c of env.queues?.consumers ?? []) {
      queues.add(c.queue);
      if (c.dead_letter_queue) queues.add(c.dead_letter_queue);
    }
    environments.set(name, {
      d1: new Map((env.d1_databases ?? []).map((d) => [d.binding, d.database_name])),
      queues,
      buckets: new Set((env.r2_buckets ?? []).map((b) => b.bucket_name)),
    });
  }
  return environments;
}
