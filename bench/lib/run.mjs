// What every long bench run shares: bounded settings from the environment, one place that stops
// everything it started (at the end, on a signal or when the run overstays), and error text that
// fits on one line of a report.
import { stripVTControlCharacters } from "node:util";

/** A whole number from the environment, or `fallback`. */
export function intEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return value;
}

/**
 * Everything a run starts, stopped in reverse order by `cleanUp()`: at the end, on SIGINT, SIGTERM
 * or SIGHUP, or by a watchdog once the run passes `runSeconds` (`done()` disarms it).
 *
 * @param {number} runSeconds
 */
export function guardRun(runSeconds) {
  /** @type {(() => unknown)[]} */
  const cleanups = [];
  async function cleanUp() {
    for (const stop of cleanups.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`cleanup: ${String(error)}`);
      }
    }
  }
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.once(signal, () => {
      console.error(`${signal}: stopping everything …`);
      cleanUp().finally(() => process.exit(130));
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`The run passed ${runSeconds} s: stopping everything.`);
    cleanUp().finally(() => process.exit(1));
  }, runSeconds * 1000);
  watchdog.unref();
  return { cleanups, cleanUp, done: () => clearTimeout(watchdog) };
}

/** The first line of an error and the first lines of the tool output in it that say what went wrong. */
export function briefly(error) {
  const lines = stripVTControlCharacters(String(error))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const detail = lines.slice(1).filter((line) => /✘|ERROR|Error:|error:/.test(line));
  return [lines[0], ...detail.slice(0, 3)].join(" / ");
}

/** Events per second between two instants (ms); NaN when there is nothing to measure. */
export const rate = (count, fromMs, toMs) =>
  count > 0 && toMs > fromMs ? count / ((toMs - fromMs) / 1000) : Number.NaN;

/** A number as an SMSC writes it: without the `+`. */
export const plain = (number) => number.replace(/^\+/, "");
