import { describe, expect, it } from "vitest";
import { countSegments, splitSegments } from "./segments.js";

const a = (n: number) => "a".repeat(n);
const zh = (n: number) => "字".repeat(n); // one UCS-2 unit each
const EMOJI = "😀"; // two UCS-2 units

describe("countSegments: GSM-7 boundaries", () => {
  it.each([
    ["1 char", a(1), 1, 1],
    ["160 chars fill one segment", a(160), 160, 1],
    ["161 chars need two", a(161), 161, 2],
    ["306 chars fill two concatenated", a(306), 306, 2],
    ["307 chars need three", a(307), 307, 3],
    ["459 chars fill three", a(459), 459, 3],
    ["460 chars need four", a(460), 460, 4],
    ["1600 chars need eleven (the 153 rule, not the docs' 10)", a(1600), 1600, 11],
    ["80 extension chars are 160 septets, one segment", "€".repeat(80), 160, 1],
    ["81 extension chars are 162 septets, two segments", "€".repeat(81), 162, 2],
    ["153 × ] is 306 septets yet three segments (76 pairs fit in 153)", "]".repeat(153), 306, 3],
    ["152 × ] is 304 septets, two segments", "]".repeat(152), 304, 2],
    ["159 chars + € overflow the single segment", `${a(159)}€`, 161, 2],
    ["158 chars + € fill it exactly", `${a(158)}€`, 160, 1],
  ])("%s", (_, text, units, segments) => {
    const count = countSegments(text);
    expect(count.encoding).toBe("GSM-7");
    expect(count.units).toBe(units);
    expect(count.segments).toBe(segments);
  });

  it("keeps an escape pair that ends exactly at septet 153 in segment 1", () => {
    const text = `${a(151)}€${a(10)}`;
    expect(splitSegments(text)).toEqual([`${a(151)}€`, a(10)]);
    expect(countSegments(text)).toMatchObject({ segments: 2, units: 163, remainingInSegment: 143 });
  });

  it("moves an escape pair that would straddle septets 153/154 whole into segment 2", () => {
    const text = `${a(152)}€${a(10)}`;
    expect(splitSegments(text)).toEqual([a(152), `€${a(10)}`]);
    expect(countSegments(text)).toMatchObject({ segments: 2, units: 164, remainingInSegment: 141 });
  });

  it("starts segment 2 with a basic char when 153 chars precede an escape pair", () => {
    expect(splitSegments(`${a(153)}€${a(10)}`)).toEqual([a(153), `€${a(10)}`]);
  });

  it("needs a third segment for 306 septets when an escape pair leaves segment 1 a septet short", () => {
    const text = `${a(152)}€${a(152)}`;
    expect(countSegments(text)).toMatchObject({ units: 306, segments: 3 });
  });

  it.each([
    ["only extension chars", "{}[]~|^\\€", 18, 1],
    ["form feed is an extension char", "\f", 2, 1],
    ["CR and LF are basic chars", "a\r\nb\nc\r", 7, 1],
    ["the empty string is one segment of 0 units", "", 0, 1],
  ])("%s", (_, text, units, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding: "GSM-7", units, segments });
  });

  it("reports the empty string as one empty segment with the whole capacity left", () => {
    expect(countSegments("")).toEqual({
      encoding: "GSM-7",
      segments: 1,
      units: 0,
      unitsPerSegment: 160,
      remainingInSegment: 160,
    });
    expect(splitSegments("")).toEqual([""]);
  });

  it("counts septets and room left", () => {
    expect(countSegments("Prix: 5€ {promo}")).toEqual({
      encoding: "GSM-7",
      segments: 1,
      units: 19,
      unitsPerSegment: 160,
      remainingInSegment: 141,
    });
    expect(countSegments(a(200))).toMatchObject({ unitsPerSegment: 153, remainingInSegment: 106 });
  });
});

describe("countSegments: characters libraries often get wrong", () => {
  it.each([..."ÇßØø¤§¿¡àÄÖÑÜäöñüåÅÆæÉéèùìòΔΦΓΛΩΠΨΣΘΞ£¥$@_"])("%s is GSM-7 and costs one septet", (ch) => {
    expect(countSegments(ch)).toMatchObject({ encoding: "GSM-7", units: 1 });
  });

  it.each([..."çÀÈÊêâîôûëïœŒ`°áíóú–’…\t"])("%s forces UCS-2", (ch) => {
    expect(countSegments(`Bonjour ${ch}`)).toMatchObject({ encoding: "UCS-2", units: 9 });
  });

  it("switches the whole message to UCS-2 for one non-GSM char", () => {
    const count = countSegments(`${a(100)}ç`);
    expect(count).toMatchObject({ encoding: "UCS-2", units: 101, segments: 2, unitsPerSegment: 67 });
  });

  it("counts an extension char as one UCS-2 unit once the message is UCS-2", () => {
    expect(countSegments("€ç")).toMatchObject({ encoding: "UCS-2", units: 2 });
  });
});

describe("countSegments: UCS-2 boundaries", () => {
  it.each([
    ["70 units fill one segment", zh(70), 70, 1],
    ["71 units need two", zh(71), 71, 2],
    ["134 units fill two concatenated", zh(134), 134, 2],
    ["135 units need three", zh(135), 135, 3],
    ["1600 BMP chars need 24", zh(1600), 1600, 24],
    ["35 emoji are 70 units, one segment", EMOJI.repeat(35), 70, 1],
    ["36 emoji are 72 units, two segments", EMOJI.repeat(36), 72, 2],
    ["67 emoji: 33 fit per concatenated segment", EMOJI.repeat(67), 134, 3],
    ["68 units + emoji fill one segment exactly", `${zh(68)}${EMOJI}`, 70, 1],
    ["69 units + emoji need two", `${zh(69)}${EMOJI}`, 71, 2],
  ])("%s", (_, text, units, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding: "UCS-2", units, segments });
  });

  it("moves an emoji that would straddle units 67/68 whole into the next segment", () => {
    const text = `${zh(66)}${EMOJI}${zh(10)}`;
    expect(splitSegments(text)).toEqual([zh(66), `${EMOJI}${zh(10)}`]);
    expect(countSegments(text)).toMatchObject({ units: 78, segments: 2, remainingInSegment: 55 });
  });

  it("keeps an emoji that ends exactly at unit 67 in segment 1", () => {
    const text = `${zh(65)}${EMOJI}${zh(10)}`;
    expect(splitSegments(text)).toEqual([`${zh(65)}${EMOJI}`, zh(10)]);
  });

  it("counts each emoji code point as two units", () => {
    expect(countSegments(`Salut ${EMOJI}👍🏽`)).toMatchObject({ units: 12, remainingInSegment: 58 });
  });

  it("counts a lone surrogate as one unit and never pairs it across a boundary", () => {
    expect(countSegments("a\ud800b")).toMatchObject({ encoding: "UCS-2", units: 3 });
    const text = `${zh(66)}\udc00\ud800${zh(10)}`;
    expect(splitSegments(text)).toEqual([`${zh(66)}\udc00`, `\ud800${zh(10)}`]);
  });
});

describe("countSegments and splitSegments with transliteration", () => {
  it("counts the transliterated text", () => {
    const text = `« Réunion » ${a(150)} – l’équipe`;
    expect(countSegments(text)).toMatchObject({ encoding: "UCS-2", segments: 3 });
    expect(countSegments(text, { transliterate: true })).toMatchObject({ encoding: "GSM-7", segments: 2 });
  });

  it("splits the transliterated text", () => {
    expect(splitSegments("Ça coûte 5 €", { transliterate: true })).toEqual(["Ça coute 5 €"]);
  });
});
