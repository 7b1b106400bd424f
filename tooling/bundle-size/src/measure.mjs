import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/**
 * @typedef {object} BundleMeasure
 * @property {number} gzipBytes The minified bundle, gzipped at level 9.
 * @property {number} minifiedBytes The minified bundle.
 * @property {string[]} externalImports What the bundle still imports (only `node:` built-ins are left out).
 */

/**
 * Bundles `import { name } from specifier` the way an application's bundler would (esbuild: ESM,
 * minified, tree-shaken, no platform assumed) and measures it. The specifier is resolved from
 * `packageDir`, through the package's own `exports`, so it is the built `dist/` that is measured,
 * with the package's `sideEffects` flag and its dependencies (zod included) as a consumer gets them.
 *
 * @param {string} packageDir
 * @param {string} specifier
 * @param {string} name
 * @returns {Promise<BundleMeasure>}
 */
export async function measureBundle(packageDir, specifier, name) {
  const result = await build({
    stdin: { contents: `export { ${name} } from "${specifier}";`, resolveDir: packageDir, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    external: ["node:*"],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const externalImports = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  );
  return { gzipBytes: gzipSync(code, { level: 9 }).length, minifiedBytes: code.length, externalImports };
}
