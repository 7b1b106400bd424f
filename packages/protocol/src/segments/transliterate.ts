import { isGsm7 } from "./gsm7-codec.js";
import { gsm7Cost } from "./gsm7-lookup.js";
import { transliterationTable } from "./transliteration-table.js";

/** One kind of change transliteration made: `from` became `to`, `count` times. */
export interface TransliterationReplacement {
  /** The original character, or a base character followed by its combining accents. */
  from: string;
  /** Its GSM-7 replacement ("" when removed). */
  to: string;
  count: number;
}

/** The outcome of {@link transliterate}. */
export interface Transliteration {
  /** The GSM-7 text, or the input unchanged when it could not be made GSM-7. */
  text: string;
  /** What changed, in order of first occurrence; empty when nothing did. */
  replacements: TransliterationReplacement[];
  /** Distinct characters with no GSM-7 form (e.g. emoji), which keep the text in UCS-2. */
  unmapped: string[];
}

const table = new Map<string, string>(Object.entries(transliterationTable));

/**
 * Replaces the characters that force UCS-2 by their closest GSM-7 form, so the text can be sent
 * in GSM-7. All or nothing: when some character has no GSM-7 form (an emoji, CJK…), the message is
 * UCS-2 whatever else is replaced, so the text is returned unchanged and those characters are listed
 * in `unmapped`. A text that is already GSM-7 is returned as is.
 *
 * A character is resolved by, in order: {@link transliterationTable}; its canonical composition
 * (`C` + combining cedilla → `Ç`, which is GSM); its base letter with the accents dropped
 * (`ā` → `a`, `ɛ́` → `e`). Combining accents with no base are removed.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { transliterate } from "@lisoloo/protocol/segments";
 *
 * assert.deepEqual(transliterate("Rendez-vous à 10 h — ça marche ?"), {
 *   text: "Rendez-vous à 10 h - ca marche ?",
 *   replacements: [
 *     { from: "—", to: "-", count: 1 },
 *     { from: "ç", to: "c", count: 1 },
 *   ],
 *   unmapped: [],
 * });
 * // All or nothing: the emoji has no GSM-7 form, so the text stays as it was
 * assert.deepEqual(transliterate("Merci 🙏 à bientôt"), {
 *   text: "Merci 🙏 à bientôt",
 *   replacements: [],
 *   unmapped: ["🙏"],
 * });
 */
export function transliterate(text: string): Transliteration {
  if (isGsm7(text)) return { text, replacements: [], unmapped: [] };
  const replacements = new Map<string, TransliterationReplacement>();
  const unmapped = new Set<string>();
  let out = "";
  let i = 0;
  while (i < text.length) {
    const baseEnd = i + codePointLength(text, i);
    let end = baseEnd;
    while (end < text.length && isCombiningMark(text.charCodeAt(end))) end++;
    if (end === baseEnd && gsm7Cost[text.charCodeAt(i)]) {
      out += text[i];
    } else {
      const cluster = text.slice(i, end);
      const to = resolve(cluster, text.slice(i, baseEnd));
      if (to === undefined) {
        unmapped.add(cluster);
      } else {
        out += to;
        const seen = replacements.get(cluster);
        if (seen) seen.count++;
        else replacements.set(cluster, { from: cluster, to, count: 1 });
      }
    }
    i = end;
  }
  if (unmapped.size > 0) return { text, replacements: [], unmapped: [...unmapped] };
  return { text: out, replacements: [...replacements.values()], unmapped: [] };
}

function resolve(cluster: string, base: string): string | undefined {
  if (cluster === base) {
    const listed = table.get(base);
    if (listed !== undefined) return listed;
  }
  const composed = mapSingle(cluster.normalize("NFC"));
  if (composed !== undefined) return composed;
  if (isCombiningMark(base.charCodeAt(0))) return "";
  if (cluster !== base) {
    const direct = mapSingle(base);
    if (direct !== undefined) return direct;
  }
  const decomposed = base.normalize("NFD");
  const letterEnd = codePointLength(decomposed, 0);
  if (decomposed.length === letterEnd) return undefined;
  for (let k = letterEnd; k < decomposed.length; k++) {
    if (!isCombiningMark(decomposed.charCodeAt(k))) return undefined;
  }
  return mapSingle(decomposed.slice(0, letterEnd));
}

/** The GSM-7 form of a single code point: itself when GSM, its table entry, or undefined. */
function mapSingle(character: string): string | undefined {
  if (character.length !== codePointLength(character, 0)) return undefined;
  if (character.length === 1 && gsm7Cost[character.charCodeAt(0)]) return character;
  return table.get(character);
}

function codePointLength(text: string, i: number): 1 | 2 {
  const code = text.charCodeAt(i);
  if (code < 0xd800 || code > 0xdbff) return 1;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

// Combining Diacritical Marks, the block that NFD produces for Latin, Greek and Cyrillic letters.
function isCombiningMark(code: number): boolean {
  return code >= 0x0300 && code <= 0x036f;
}
