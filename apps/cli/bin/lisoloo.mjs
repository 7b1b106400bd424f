#!/usr/bin/env node
// lisoloo: the operator command line. `lisoloo --help` lists the commands.
import { run } from "../src/cli.mjs";

/** Reads all of standard input (for --password-stdin). */
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  fetch: globalThis.fetch,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
});
