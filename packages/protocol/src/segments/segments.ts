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
 * @example countSegments("Hello")
 * // { encoding: "GSM-7", segments: 1, units: 5, unitsPerSegment: 160, remainingInSegment: 155 }
 * @example countSegments("€".repeat(81)).segments // 2: 162 septets, 76 escape pairs fit in 153
 * @example countSegments("Merci 🙏").units // 8: UCS-2, the emoji is two code units
 */
export function countSegments(text: string, options?: SegmentOptions): SegmentCount {
  return pack(options?.transliterate ? transliterate(text).text : text);
}

/**
 * The text of each segment, as a connector submits them; joined, they give back the (possibly
 * transliterated) text. Always at least one element: `splitSegments("")` is `[""]`.
 * @example splitSegments("a".repeat(152) + "€" + "b".repeat(10))
 * // ["a".repeat(152), "€" + "b".repeat(10)]: the escape pair moves whole to segment 2
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
