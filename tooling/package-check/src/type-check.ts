// Type-checks files of the consumer project with the workspace's TypeScript, as a consumer's strict
// Node project would (`--strict --module nodenext`), and reads the diagnostics back per file.
import path from "node:path";
import { type Ran, runCommand } from "./run-command.ts";

const tsc = path.resolve(import.meta.dirname, "../node_modules/.bin/tsc");

/** The options every check uses: a strict ESM Node project with @types/node. */
export const consumerCompilerFlags = [
  "--strict",
  "--module",
  "nodenext",
  "--noEmit",
  "--types",
  "node",
  // README blocks are separate modules even when one has no import.
  "--moduleDetection",
  "force",
  "--pretty",
  "false",
];

/**
 * What Node 22 can run by stripping types: no enums, namespaces or parameter properties, and type-only
 * imports marked `type` (an unmarked one is a missing export at run time).
 */
export const typeStrippingFlags = ["--erasableSyntaxOnly", "--verbatimModuleSyntax"];

export type Diagnostic = { file: string; line: number; column: number; code: string; message: string };

export type TypeCheck = { ran: Ran; diagnostics: Diagnostic[] };

/** Runs tsc over `files` (relative to `dir`) with the consumer flags plus `flags`. */
export async function typeCheck(dir: string, files: string[], flags: string[] = []): Promise<TypeCheck> {
  const ran = await runCommand(tsc, [...consumerCompilerFlags, ...flags, ...files], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  return { ran, diagnostics: parseDiagnostics(ran.stdout) };
}

/** `file(line,col): error TS1234: message` lines, with indented continuation lines joined. */
export function parseDiagnostics(output: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split("\n")) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      const [, file = "", row = "0", column = "0", code = "", message = ""] = match;
      diagnostics.push({
        file: path.normalize(file),
        line: Number(row),
        column: Number(column),
        code,
        message,
      });
    } else if (line.startsWith(" ") && diagnostics.length > 0) {
      const last = diagnostics[diagnostics.length - 1];
      if (last) last.message += `\n${line}`;
    }
  }
  return diagnostics;
}
