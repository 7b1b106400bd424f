/**
 * Characters that force UCS-2 and the GSM-7 text that replaces them when transliteration is asked
 * for. Every key is outside GSM 03.38 and every value is GSM-7, so letters GSM already has
 * (`é è ù ì ò à Ç É Ä Ö Ü Ñ Å ä ö ü ñ å Æ æ Ø ø ß`) are never replaced.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { isGsm7, transliterationTable } from "@lisoloo/protocol/segments";
 *
 * assert.equal(transliterationTable["\u2019"], "'"); // ’ right single quotation mark
 * assert.equal(transliterationTable["œ"], "oe");
 * // Every key forces UCS-2 and every replacement is GSM-7
 * for (const [from, to] of Object.entries(transliterationTable)) {
 *   assert.equal(isGsm7(from), false);
 *   assert.equal(isGsm7(to), true);
 * }
 */
export const transliterationTable: Readonly<Record<string, string>> = {
  // Quotes and apostrophes
  "\u2018": "'", // ‘ left single quotation mark
  "\u2019": "'", // ’ right single quotation mark
  "\u201a": "'", // ‚ single low-9 quotation mark
  "\u201b": "'", // ‛ single high-reversed-9 quotation mark
  "\u2032": "'", // ′ prime
  "\u2039": "'", // ‹ single left-pointing angle quotation mark
  "\u203a": "'", // › single right-pointing angle quotation mark
  "\u02bc": "'", // ʼ modifier letter apostrophe
  "\u0060": "'", // ` grave accent
  "\u00b4": "'", // ´ acute accent
  "\u201c": '"', // “ left double quotation mark
  "\u201d": '"', // ” right double quotation mark
  "\u201e": '"', // „ double low-9 quotation mark
  "\u201f": '"', // ‟ double high-reversed-9 quotation mark
  "\u2033": '"', // ″ double prime
  "\u00ab": '"', // « left-pointing double angle quotation mark
  "\u00bb": '"', // » right-pointing double angle quotation mark
  // Dashes
  "\u2010": "-", // ‐ hyphen
  "\u2011": "-", // ‑ non-breaking hyphen
  "\u2012": "-", // ‒ figure dash
  "\u2013": "-", // – en dash
  "\u2014": "-", // — em dash
  "\u2015": "-", // ― horizontal bar
  "\u2212": "-", // − minus sign
  // Other punctuation and symbols
  "\u2026": "...", // … horizontal ellipsis
  "\u2022": "*", // • bullet
  "\u00b7": ".", // · middle dot
  "\u00d7": "x", // × multiplication sign
  "\u00f7": "/", // ÷ division sign
  "\u2044": "/", // ⁄ fraction slash
  // Spaces
  "\u0009": " ", // character tabulation
  "\u00a0": " ", // no-break space
  "\u2000": " ", // en quad
  "\u2001": " ", // em quad
  "\u2002": " ", // en space
  "\u2003": " ", // em space
  "\u2004": " ", // three-per-em space
  "\u2005": " ", // four-per-em space
  "\u2006": " ", // six-per-em space
  "\u2007": " ", // figure space
  "\u2008": " ", // punctuation space
  "\u2009": " ", // thin space
  "\u200a": " ", // hair space
  "\u202f": " ", // narrow no-break space
  "\u205f": " ", // medium mathematical space
  "\u3000": " ", // ideographic space
  // Invisible characters, removed
  "\u00ad": "", // soft hyphen
  "\u200b": "", // zero width space
  "\u200c": "", // zero width non-joiner
  "\u200d": "", // zero width joiner
  "\u2060": "", // word joiner
  "\ufeff": "", // zero width no-break space (byte order mark)
  // Latin letters outside GSM (French first; à É Ç and the others above are GSM already)
  "\u00c0": "A", // À
  "\u00c1": "A", // Á
  "\u00c2": "A", // Â
  "\u00c3": "A", // Ã
  "\u00c8": "E", // È
  "\u00ca": "E", // Ê
  "\u00cb": "E", // Ë
  "\u00cc": "I", // Ì
  "\u00cd": "I", // Í
  "\u00ce": "I", // Î
  "\u00cf": "I", // Ï
  "\u00d2": "O", // Ò
  "\u00d3": "O", // Ó
  "\u00d4": "O", // Ô
  "\u00d5": "O", // Õ
  "\u00d9": "U", // Ù
  "\u00da": "U", // Ú
  "\u00db": "U", // Û
  "\u00dd": "Y", // Ý
  "\u0178": "Y", // Ÿ
  "\u0152": "OE", // Œ
  "\u00e1": "a", // á
  "\u00e2": "a", // â
  "\u00e3": "a", // ã
  "\u00e7": "c", // ç
  "\u00ea": "e", // ê
  "\u00eb": "e", // ë
  "\u00ed": "i", // í
  "\u00ee": "i", // î
  "\u00ef": "i", // ï
  "\u00f3": "o", // ó
  "\u00f4": "o", // ô
  "\u00f5": "o", // õ
  "\u00fa": "u", // ú
  "\u00fb": "u", // û
  "\u00fd": "y", // ý
  "\u00ff": "y", // ÿ
  "\u0153": "oe", // œ
  // Open vowels of Lingala and other Bantu orthographies
  "\u0190": "E", // Ɛ
  "\u025b": "e", // ɛ
  "\u0186": "O", // Ɔ
  "\u0254": "o", // ɔ
};
