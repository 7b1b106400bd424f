// The fenced code blocks of a README, numbered as a reader counts them (every fence, whatever its
// language), with the line each starts on, so a failure names the block a person can find.

export type BlockLanguage = "ts" | "js";

export type ReadmeBlock = {
  /** The README's path as given, e.g. `packages/client/README.md`. */
  readme: string;
  /** 1-based position among all fenced blocks of the README. */
  index: number;
  /** 1-based line of the opening fence in the README. */
  line: number;
  /** The info string after the fence, e.g. `ts` or `ts no-run`. */
  info: string;
  /** `ts`/`js` for blocks the runner type-checks and runs; null for `sh`, `json`, `text`… */
  language: BlockLanguage | null;
  /** Marked ` ```ts no-run `: the one allowed way out, for a block that truly cannot run. */
  noRun: boolean;
  code: string;
};

const languages: Record<string, BlockLanguage> = { ts: "ts", typescript: "ts", js: "js", javascript: "js" };

/** Every fenced block of `markdown` (CommonMark fences: ``` or ~~~, three or more, closed by the same). */
export function readmeBlocks(markdown: string, readme: string): ReadmeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  let open: { fence: string; indent: number; line: number; info: string; body: string[] } | null = null;
  for (const [i, text] of lines.entries()) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close?.[1] && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        const [word = "", ...flags] = open.info.split(/\s+/);
        blocks.push({
          readme,
          index: blocks.length + 1,
          line: open.line,
          info: open.info,
          language: languages[word.toLowerCase()] ?? null,
          noRun: flags.includes("no-run"),
          code: `${open.body.join("\n")}\n`,
        });
        open = null;
      } else {
        // A fence indented inside a list item: its lines carry that indentation too.
        open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
      }
      continue;
    }
    const start = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(text);
    if (start?.[2]) {
      open = {
        fence: start[2],
        indent: start[1]?.length ?? 0,
        line: i + 1,
        info: (start[3] ?? "").trim(),
        body: [],
      };
    }
  }
  return blocks;
}

/** The block's first line that says something (not blank, not only a comment opener), for reports. */
export function firstLine(block: ReadmeBlock): string {
  const line = block.code.split("\n").find((l) => l.trim() !== "") ?? "";
  const trimmed = line.trim();
  return trimmed.length > 90 ? `${trimmed.slice(0, 87)}…` : trimmed;
}

/** How a report names a block: `packages/client/README.md block 4 (line 17): import { … }`. */
export function blockTitle(block: ReadmeBlock): string {
  return `${block.readme} block ${block.index} (line ${block.line}, ${block.info || "no info"}): ${firstLine(block)}`;
}
