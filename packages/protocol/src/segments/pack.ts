import { gsm7Cost } from "./gsm7-lookup.js";

/** The two encodings an SMS is sent in (CONTRACT §5). */
export type SmsEncoding = "GSM-7" | "UCS-2";

/**
 * Units one segment holds: septets for GSM-7, UTF-16 code units for UCS-2. A concatenated segment
 * gives 6 octets to the user data header, hence 153 and 67.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { countSegments, segmentCapacity } from "@lisoloo/protocol/segments";
 *
 * assert.deepEqual(segmentCapacity["GSM-7"], { single: 160, concatenated: 153 });
 * assert.deepEqual(segmentCapacity["UCS-2"], { single: 70, concatenated: 67 });
 * assert.equal(countSegments("a".repeat(160)).segments, 1);
 * assert.equal(countSegments("a".repeat(161)).segments, 2); // 153 + 8
 * assert.equal(countSegments("é".repeat(1600)).segments, 11); // é is GSM-7
 * assert.equal(countSegments("ê".repeat(1600)).segments, 24); // ê is not: UCS-2
 */
export const segmentCapacity = {
  "GSM-7": { single: 160, concatenated: 153 },
  "UCS-2": { single: 70, concatenated: 67 },
} as const satisfies Record<SmsEncoding, { single: number; concatenated: number }>;

/** How a text is sent: its encoding, its size and how it packs into segments. */
export interface SegmentCount {
  encoding: SmsEncoding;
  /** Number of SMS parts; 1 for the empty string, which is still one (empty) PDU. */
  segments: number;
  /**
   * Septets (GSM-7, an extension character counts 2) or UTF-16 code units (UCS-2). Code points are
   * not counted here: that takes a pass over every code unit, which UCS-2 packing avoids; use
   * `[...text].length` where they are needed.
   */
  units: number;
  /** Capacity of each segment in units: 160 or 70 for one segment, 153 or 67 when concatenated. */
  unitsPerSegment: number;
  /** Units still free in the last segment. */
  remainingInSegment: number;
}

const GSM_SINGLE = segmentCapacity["GSM-7"].single;
const GSM_MULTI = segmentCapacity["GSM-7"].concatenated;
const UCS_SINGLE = segmentCapacity["UCS-2"].single;
const UCS_MULTI = segmentCapacity["UCS-2"].concatenated;

/**
 * Packs `text` into segments: GSM-7 while every character is GSM, else UCS-2. When `starts` is
 * given, it receives the UTF-16 index at which each segment after the first begins. Escape pairs and
 * surrogate pairs are atoms: a segment ends early rather than split one.
 */
export function pack(text: string, starts?: number[]): SegmentCount {
  const length = text.length;
  let units = 0;
  let segments = 1;
  let used = 0;
  for (let i = 0; i < length; i++) {
    const cost = gsm7Cost[text.charCodeAt(i)] ?? 0;
    if (cost === 0) {
      if (starts !== undefined) starts.length = 0;
      return packUcs2(text, starts);
    }
    units += cost;
    used += cost;
    if (used > GSM_MULTI) {
      segments++;
      used = cost;
      starts?.push(i);
    }
  }
  if (units <= GSM_SINGLE) {
    if (starts !== undefined) starts.length = 0;
    return result("GSM-7", 1, units, GSM_SINGLE, units);
  }
  return result("GSM-7", segments, units, GSM_MULTI, used);
}

// A surrogate pair is a high surrogate immediately followed by a low one, wherever it stands, so a
// segment end only needs checking where it falls: one check per segment, not a step per code unit.
function packUcs2(text: string, starts: number[] | undefined): SegmentCount {
  const units = text.length;
  if (units <= UCS_SINGLE) return result("UCS-2", 1, units, UCS_SINGLE, units);
  let start = 0;
  let segments = 1;
  while (units - start > UCS_MULTI) {
    let end = start + UCS_MULTI;
    if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
    starts?.push(end);
    start = end;
    segments++;
  }
  return result("UCS-2", segments, units, UCS_MULTI, units - start);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function result(
  encoding: SmsEncoding,
  segments: number,
  units: number,
  unitsPerSegment: number,
  used: number,
): SegmentCount {
  return { encoding, segments, units, unitsPerSegment, remainingInSegment: unitsPerSegment - used };
}
