// One line per check, printed as it finishes, so an operator watching a release sees where it stands:
// ✓ passed, ✗ failed, – skipped (with the reason), then a count. `--json` prints one object instead.

/**
 * @typedef {"passed" | "failed" | "skipped"} Outcome
 * @typedef {{ outcome: Outcome; seen: string; value?: any }} CheckResult
 * @typedef {{ name: string; outcome: Outcome; seen: string; key: string | null }} ReportedCheck
 */

/** @param {string} seen @param {any} [value] @returns {CheckResult} */
export const passed = (seen, value) => ({ outcome: "passed", seen, value });
/** @param {string} seen @returns {CheckResult} */
export const failed = (seen) => ({ outcome: "failed", seen });
/** @param {string} reason @returns {CheckResult} */
export const skipped = (reason) => ({ outcome: "skipped", seen: reason });

const marks = { passed: "✓", failed: "✗", skipped: "–" };
const NAME_WIDTH = 12; // the longest name, `field error`, and a space

/**
 * @param {{ stdout: (text: string) => void }} io
 * @param {{ json: boolean; baseUrl: string }} options
 */
export function createReport(io, options) {
  /** @type {ReportedCheck[]} */
  const checks = [];
  const print = (/** @type {string} */ text) => {
    if (!options.json) io.stdout(`${text}\n`);
  };

  return {
    /** A line that is not a check: what is about to be tested and with which key. */
    note: print,
    /**
     * Runs one check and prints its line; an exception is the check's failure, not the run's end.
     * @param {string} name
     * @param {string | null} key which key the check used, said on its line
     * @param {() => Promise<CheckResult> | CheckResult} body
     * @returns {Promise<CheckResult>}
     */
    async check(name, key, body) {
      /** @type {CheckResult} */
      let result;
      try {
        result = await body();
      } catch (error) {
        // A wait cut short by Ctrl-C ends in an AbortError.
        const { name, message } = /** @type {Error} */ (error);
        result = failed(name === "AbortError" ? "interrupted" : message);
      }
      const seen = result.outcome === "skipped" ? `skipped: ${result.seen}` : result.seen;
      const label = key && result.outcome !== "skipped" ? ` [${key}]` : "";
      checks.push({ name, outcome: result.outcome, seen: result.seen, key: label ? key : null });
      print(`${marks[result.outcome]} ${name.padEnd(NAME_WIDTH)} ${seen}${label}`);
      return result;
    },
    /** Prints the count (or the JSON report) and returns the exit status. */
    finish() {
      const count = (/** @type {Outcome} */ outcome) => checks.filter((c) => c.outcome === outcome).length;
      const summary = { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
      if (options.json) {
        io.stdout(`${JSON.stringify({ base_url: options.baseUrl, ...summary, checks }, null, 2)}\n`);
      } else {
        print(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
      }
      return summary.failed > 0 ? 1 : 0;
    },
  };
}

/** @typedef {ReturnType<typeof createReport>} Report */
