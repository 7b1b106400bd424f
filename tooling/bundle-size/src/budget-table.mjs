/**
 * @typedef {object} BundleBudget
 * @property {string} entry A subpath export of the package: `"."`, `"./webhooks"`…
 * @property {string} name The named export a consumer imports from it.
 * @property {number} kb The most it may weigh, minified and gzipped, in KB of 1024 bytes.
 * @property {boolean} [node] The entry is for Node only and may import `node:` built-ins.
 */

/** The heading of the README section that lists the budgets; it is the README's last section. */
export const README_HEADING = "## Bundle size";

/**
 * The module specifier a consumer writes for a subpath export of `packageName`.
 * @param {string} packageName
 * @param {string} entry
 */
export function specifierOf(packageName, entry) {
  return entry === "." ? packageName : `${packageName}${entry.slice(1)}`;
}

/**
 * The budgets as the Markdown table the README shows.
 * @param {string} packageName
 * @param {readonly BundleBudget[]} budgets
 * @returns {string[]}
 */
export function budgetTableLines(packageName, budgets) {
  return [
    "| Import | Budget (minified + gzipped) |",
    "| --- | --- |",
    ...budgets.map(
      ({ entry, name, kb }) =>
        `| \`import { ${name} } from "${specifierOf(packageName, entry)}"\` | ${kb.toFixed(1)} KB |`,
    ),
  ];
}

/**
 * The table lines of the README's last section, or `null` when the README does not end with it.
 * @param {string} readme
 * @returns {string[] | null}
 */
export function readmeTableLines(readme) {
  const sections = readme.split(/^(?=## )/m);
  const last = sections.at(-1) ?? "";
  if (!last.startsWith(`${README_HEADING}\n`)) return null;
  return last
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|"));
}
