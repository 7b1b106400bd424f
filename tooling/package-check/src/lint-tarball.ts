// The two linters a published tarball must pass: publint (package.json fields, exports pointing at
// files the tarball holds) in strict mode and without suggestions, and Are The Types Wrong with the esm-only profile (every
// entry point's types resolve for ESM consumers; CommonJS `require` is out of scope by design).
import path from "node:path";
import { describeRun, runCommand } from "./run-command.ts";

const binDir = path.resolve(import.meta.dirname, "../node_modules/.bin");

export type TarballLint = {
  tarball: string;
  /** One entry per linter that found something, with its full report; empty when both are happy. */
  problems: string[];
};

/** Runs publint --strict and attw --profile esm-only on a `.tgz`. */
export async function lintTarball(tarball: string): Promise<TarballLint> {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  const options = { cwd: path.dirname(tarball), env, timeoutMs: 120_000 };
  const publint = await runCommand(path.join(binDir, "publint"), ["run", tarball, "--strict"], options);
  // No @types lookup on the registry: both packages ship their own types.
  const attw = await runCommand(
    path.join(binDir, "attw"),
    [
      tarball,
      "--profile",
      "esm-only",
      "--no-definitely-typed",
      "--format",
      "ascii",
      "--no-emoji",
      "--no-color",
    ],
    options,
  );
  const problems: string[] = [];
  // Suggestions do not change publint's exit code; a tarball we publish has none either.
  if (publint.code !== 0 || !publint.stdout.includes("All good!")) {
    problems.push(`publint --strict found problems:\n${describeRun(publint, 80)}`);
  }
  if (attw.code !== 0) problems.push(`attw --profile esm-only found problems:\n${describeRun(attw, 80)}`);
  return { tarball, problems };
}
