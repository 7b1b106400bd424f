// @lisoloo/bundle-size: bundle-size budgets for the published packages, as vitest tests.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { budgetTableLines, README_HEADING, readmeTableLines, specifierOf } from "./budget-table.mjs";
import { measureBundle } from "./measure.mjs";

/**
 * @typedef {import("./budget-table.mjs").BundleBudget} BundleBudget
 */

/**
 * Registers the bundle-size tests of the package at `packageUrl` (its directory, ending in `/`):
 * every subpath export has a budget and every budget an export; each budgeted import, bundled from
 * the built `dist/`, weighs at most its budget and imports no Node built-in unless marked `node`;
 * and the README ends with a `## Bundle size` section showing the same table.
 *
 * @param {URL} packageUrl
 * @param {readonly BundleBudget[]} budgets
 */
export function describeBundleBudgets(packageUrl, budgets) {
  const packageDir = fileURLToPath(packageUrl);
  const manifest = readFile(new URL("package.json", packageUrl), "utf8").then(
    (text) => /** @type {{ name: string; exports: Record<string, unknown> }} */ (JSON.parse(text)),
  );

  describe("bundle size", () => {
    it("has a budget for every subpath export, and none for anything else", async () => {
      const { exports } = await manifest;
      const entries = Object.keys(exports).filter((entry) => entry !== "./package.json");
      const budgeted = new Set(budgets.map((budget) => budget.entry));
      expect(
        entries.filter((entry) => !budgeted.has(entry)),
        "subpath exports without a budget",
      ).toEqual([]);
      expect(
        [...budgeted].filter((entry) => !entries.includes(entry)),
        "budgets of no export",
      ).toEqual([]);
    });

    it.each(budgets)(
      "import { $name } from $entry stays within $kb KB",
      async ({ entry, name, kb, node }) => {
        const { name: packageName } = await manifest;
        const specifier = specifierOf(packageName, entry);
        const measured = await measureBundle(packageDir, specifier, name).catch((error) => {
          throw new Error(`Cannot bundle ${specifier} (built? the budgets measure dist/): ${error}`);
        });
        const kilobytes = (measured.gzipBytes / 1024).toFixed(2);
        console.log(`${specifier} ${name}: ${kilobytes} KB gzipped (budget ${kb.toFixed(1)} KB)`);
        expect(measured.gzipBytes, `${specifier} ${name} is ${kilobytes} KB`).toBeLessThanOrEqual(kb * 1024);
        if (!node) expect(measured.externalImports, "Node built-ins in a browser entry").toEqual([]);
      },
    );

    it(`ends the README with a "${README_HEADING}" section listing these budgets`, async () => {
      const { name: packageName } = await manifest;
      const readme = await readFile(new URL("README.md", packageUrl), "utf8");
      expect(readmeTableLines(readme), `the table of the README's last section, ${README_HEADING}`).toEqual(
        budgetTableLines(packageName, budgets),
      );
    });
  });
}
