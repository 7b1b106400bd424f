// Declarations for TypeScript callers of index.mjs (the implementation carries the same types in JSDoc).

/** One budgeted import of a published package. */
export interface BundleBudget {
  /** A subpath export of the package: `"."`, `"./webhooks"`… */
  entry: string;
  /** The named export a consumer imports from it. */
  name: string;
  /** The most it may weigh, minified and gzipped, in KB of 1024 bytes. */
  kb: number;
  /** The entry is for Node only and may import `node:` built-ins. */
  node?: boolean;
}

/**
 * Registers the bundle-size tests of the package at `packageUrl` (its directory, ending in `/`):
 * every subpath export has a budget and every budget an export; each budgeted import, bundled from
 * the built `dist/`, weighs at most its budget and imports no Node built-in unless marked `node`;
 * and the README ends with a `## Bundle size` section showing the same table.
 */
export declare function describeBundleBudgets(packageUrl: URL, budgets: readonly BundleBudget[]): void;
