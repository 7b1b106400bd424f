/**
 * Reads the public documentation (docs/DOCS.md, page by page) and lifts out every JSON example it
 * shows: response bodies in ```json blocks, bodies after the headers of ```http blocks, and request
 * bodies in cURL's `-d '…'`. Each gets a stable id, `p{page}#{n}`, `n` counting the page's fenced
 * blocks from 1, so a test can say what each documented example means and notice a new one.
 */
export type DocumentedExample = {
  id: string;
  page: number;
  /** The page's title line, for failure messages. */
  title: string;
  /** Fence language (`json`, `http`, `bash`, …), empty when none. */
  lang: string;
  /** Where in the block the JSON sat. */
  source: "block" | "http-body" | "curl-body";
  /** The parsed JSON, or undefined when the block holds a fragment that is not JSON on its own. */
  json: unknown;
  text: string;
  /**
   * For a cURL body: the `-H` headers the command sends other than the key, and the Content-Type
   * curl itself puts on `-d` when the command names none (`application/x-www-form-urlencoded`).
   */
  headers?: Record<string, string>;
};

function curlHeaders(command: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const m of command.matchAll(/-H ["']([^:"']+):\s*([^"']*)["']/g)) {
    const name = (m[1] ?? "").toLowerCase();
    if (name !== "app-key") headers[name] = m[2] ?? "";
  }
  headers["content-type"] ??= "application/x-www-form-urlencoded";
  return headers;
}

const FENCE = /```(\w*)\n([\s\S]*?)```/g;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function examplesOfBlock(page: number, title: string, n: number, lang: string, body: string) {
  const id = `p${page}#${n}`;
  const base = { id, page, title, lang };
  if (lang === "json") return [{ ...base, source: "block" as const, json: parse(body), text: body }];
  if (lang === "http") {
    // Headers, a blank line, then the body (when there is one).
    const split = body.indexOf("\n\n");
    if (split < 0) return [];
    const payload = body.slice(split + 2).trim();
    return payload.startsWith("{")
      ? [{ ...base, source: "http-body" as const, json: parse(payload), text: payload }]
      : [];
  }
  if (lang === "bash" || lang === "") {
    const curl = /-d '(\{[\s\S]*?\})'/.exec(body);
    if (curl?.[1]) {
      const headers = curlHeaders(body);
      return [{ ...base, source: "curl-body" as const, json: parse(curl[1]), text: curl[1], headers }];
    }
  }
  return [];
}

/** Every JSON example of the documentation, in page order. */
export function documentedExamples(markdown: string): DocumentedExample[] {
  const out: DocumentedExample[] = [];
  const pages = markdown.split(/\n## (?=\d+\. )/).slice(1);
  for (const pageText of pages) {
    const heading = /^(\d+)\. (.*)$/m.exec(pageText);
    if (!heading?.[1]) continue;
    const page = Number(heading[1]);
    const title = heading[2] ?? "";
    let n = 0;
    for (const match of pageText.matchAll(FENCE)) {
      n++;
      out.push(...examplesOfBlock(page, title, n, match[1] ?? "", match[2] ?? ""));
    }
  }
  return out;
}

/**
 * Shifts every `YYYY-MM-DD` of a documented body by whole years until its earliest date is after
 * `today`: the pages were written for mid-2026, and the gateway rightly refuses past moments.
 * Month and day stay as documented (Feb 29 never appears in the pages).
 */
export function inTheFuture<T>(body: T, today: string): { body: T; years: number } {
  const text = JSON.stringify(body);
  const dates = [...text.matchAll(/"(\d{4})-(\d{2}-\d{2})"/g)].map((m) => `${m[1]}-${m[2]}`).sort();
  const first = dates[0];
  if (!first) return { body, years: 0 };
  let years = 0;
  while (`${Number(first.slice(0, 4)) + years}${first.slice(4)}` <= today) years++;
  const shifted = text.replace(
    /"(\d{4})-(\d{2}-\d{2})"/g,
    (_, y: string, md: string) => `"${Number(y) + years}-${md}"`,
  );
  return { body: JSON.parse(shifted) as T, years };
}
