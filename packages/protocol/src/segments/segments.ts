import { pack, type SegmentCount } from "./pack.js";
import { transliterate } from "./transliterate.js";

/** Options of {@link countSegments} and {@link splitSegments}. */
export interface SegmentOptions {
  /** Count (or split) the text as {@link transliterate} would send it. Default false. */
  transliterate?: boolean;
}

/**
 * How `text` is sent: GSM-7 when every character is in GSM 03.38 (basic or extension table), else
 * UCS-2 for the whole message, and how many segments it takes (CONTRACT §5). Segments are counted by
 * packing: an escape pair (`€`, `[`, …) or a surrogate pair (most emoji) never straddles two segments.
 * The empty string is one segment of 0 units, as an empty SMS is still one PDU.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { countSegments } from "@lisoloo/protocol/segments";
 *
 * assert.deepEqual(countSegments("Votre code: 482913"), {
 *   encoding: "GSM-7",
 *   segments: 1,
 *   units: 18,
 *   unitsPerSegment: 160,
 *   remainingInSegment: 142,
 * });
 * // 306 septets, but a segment never splits an escape pair: 76 "]" fill 152 of 153 septets
 * assert.equal(countSegments("]".repeat(153)).segments, 3);
 * // One character outside GSM-7 makes the whole message UCS-2; the emoji is two code units
 * assert.deepEqual(countSegments("Merci 🙏"), {
 *   encoding: "UCS-2",
 *   segments: 1,
 *   units: 8,
 *   unitsPerSegment: 70,
 *   remainingInSegment: 62,
 * });
 * // Counted as `transliterate: true` would send it: "—" and "ç" have GSM-7 forms
 * assert.equal(countSegments("Rendez-vous à 10 h — ça marche ?", { transliterate: true }).encoding, "GSM-7");
 */
export function countSegments(text: string, options?: SegmentOptions): SegmentCount {
  return pack(options?.transliterate ? transliterate(text).text : text);
}

/**
 * The text of each segment, as a connector submits them; joined, they give back the (possibly
 * transliterated) text. Always at least one element: `splitSegments("")` is `[""]`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { splitSegments } from "@lisoloo/protocol/segments";
 *
 * // "€" is an escape pair (2 septets): it does not fit in the 153rd septet, so it starts segment 2
 * assert.deepEqual(splitSegments(`${"a".repeat(152)}€${"b".repeat(10)}`), [
 *   "a".repeat(152),
 *   `€${"b".repeat(10)}`,
 * ]);
 * assert.deepEqual(splitSegments(""), [""]); // an empty SMS is still one PDU
 * assert.deepEqual(splitSegments("Ça coûte 5 €", { transliterate: true }), ["Ça coute 5 €"]);
 */
export function splitSegments(text: string, options?: SegmentOptions): string[] {
  const source = options?.transliterate ? transliterate(text).text : text;
  const starts: number[] = [];
  pack(source, starts);
  const parts: string[] = [];
  let from = 0;
  for (const start of starts) {
    parts.push(source.slice(from, start));
    from = start;
  }
  parts.push(source.slice(from));
  return parts;
}
