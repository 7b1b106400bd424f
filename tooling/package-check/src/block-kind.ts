// How the runner treats a README block, read from its code as the README rules define the kinds:
// a Worker-style module (`export default { fetch … }`) gets its fetch called with signed webhooks; a
// block that starts a Node server (`.listen(`) is started, fed signed webhooks over HTTP, then stopped;
// anything else must run to exit 0.

export type BlockKind = "worker" | "server" | "script";

/** Blank out comments and string contents, so `// app.listen(…)` or `"fetch"` decide nothing. */
function codeOnly(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/(^|[^:\\])\/\/.*$/gm, "$1")
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

export function blockKind(code: string): BlockKind {
  const stripped = codeOnly(code);
  if (/export\s+default\s*\{[\s\S]*\bfetch\b/.test(stripped)) return "worker";
  if (/\.listen\s*\(/.test(stripped)) return "server";
  return "script";
}

/**
 * The path a receiver block takes webhooks on: the first route it registers for POST (or for every
 * method) with a literal path, e.g. `app.post("/webhooks/lisoloo", …)`, or the path it compares
 * `pathname` or `req.url` with; `/` for a handler that answers every path.
 */
export function webhookPath(code: string): string {
  const route =
    /\.(?:post|all|use)\s*\(\s*(["'`])(\/[^"'`]*)\1/.exec(code) ??
    /(?:pathname|url)\s*[!=]==?\s*(["'`])(\/[^"'`]*)\1/.exec(code);
  return route?.[2] ?? "/";
}
