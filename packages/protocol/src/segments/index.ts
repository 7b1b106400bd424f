export { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "./gsm7-alphabet.js";
export { decodeGsm7, encodeGsm7, isGsm7 } from "./gsm7-codec.js";
export { type SegmentCount, type SmsEncoding, segmentCapacity } from "./pack.js";
export { countSegments, type SegmentOptions, splitSegments } from "./segments.js";
export { type Transliteration, type TransliterationReplacement, transliterate } from "./transliterate.js";
export { transliterationTable } from "./transliteration-table.js";
