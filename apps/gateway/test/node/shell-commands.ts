/**
 * The commands of a Markdown document's ```sh blocks, as a shell would split them: one entry per
 * simple command, with its words unquoted. Enough of the shell for a guide's commands: quotes,
 * `$(…)` kept inside a word, comments, line continuations, `|`, `||`, `&&` and `;`, leading
 * `NAME=value` assignments and the keywords of a loop; function definitions are left out (a guide
 * defines `wrangler() { … }` once, and what it runs is not a command of the guide).
 */
export type ShellCommand = {
  /** The command's words, unquoted; `$VAR` and `$(…)` stay as written. */
  words: string[];
  /** 1-based line in the document where the command starts. */
  line: number;
};

const KEYWORDS = new Set(["while", "until", "if", "then", "else", "elif", "do", "done", "fi", "{", "}", "!"]);

/** The ```sh blocks of a Markdown text, each with the line its first command is on (list indentation removed). */
export function shellBlocks(markdown: string): { text: string; line: number }[] {
  const blocks: { text: string; line: number }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```sh\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = open[1] as string;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).trimEnd() !== `${indent}\`\`\``; j++)
      body.push(
        (lines[j] as string).startsWith(indent)
          ? (lines[j] as string).slice(indent.length)
          : (lines[j] as string),
      );
    if (j === lines.length) throw new Error(`line ${i + 1}: a \`\`\`sh block that never ends`);
    blocks.push({ text: body.join("\n"), line: i + 2 });
    i = j;
  }
  return blocks;
}

/** Splits one block into simple commands. */
export function shellCommands(text: string, firstLine = 1): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let line = firstLine;
  let start = firstLine;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    const command = simple(words);
    if (command.length > 0) commands.push({ words: command, line: start });
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (words.length === 0 && word === null && !/\s/.test(ch)) start = line;
    if (ch === "\\" && text[i + 1] === "\n") {
      i++;
      line++;
      continue;
    }
    if (ch === "#" && word === null) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      continue;
    }
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`line ${line}: an unclosed single quote`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let value = "";
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        value += text[j];
      }
      if (j >= text.length) throw new Error(`line ${line}: an unclosed double quote`);
      word = (word ?? "") + value;
      i = j;
      continue;
    }
    if (ch === "$" && text[i + 1] === "(") {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === "(") depth++;
        else if (text[j] === ")" && --depth === 0) break;
      }
      if (j >= text.length) throw new Error(`line ${line}: an unclosed $(`);
      word = (word ?? "") + text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch === "\n" || ch === ";" || ch === "|" || ch === "&") {
      endCommand();
      if ((ch === "|" || ch === "&") && text[i + 1] === ch) i++;
      if (ch === "\n") line++;
      continue;
    }
    if (/\s/.test(ch)) {
      endWord();
      continue;
    }
    word = (word ?? "") + ch;
  }
  endCommand();
  return commands;
}

/** The command itself: no loop keywords, no leading assignments, nothing for a function definition. */
function simple(words: string[]): string[] {
  if (words[0]?.endsWith("()")) return [];
  let from = 0;
  while (from < words.length && KEYWORDS.has(words[from] as string)) from++;
  while (from < words.length && /^[A-Za-z_]\w*=/.test(words[from] as string)) from++;
  return words.slice(from);
}
