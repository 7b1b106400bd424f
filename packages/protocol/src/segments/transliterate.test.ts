import { describe, expect, it } from "vitest";
import { isGsm7 } from "./gsm7-codec.js";
import { transliterate } from "./transliterate.js";
import { transliterationTable } from "./transliteration-table.js";

describe("transliterationTable", () => {
  const entries = Object.entries(transliterationTable);

  it.each(entries)("%j is not GSM and maps to GSM-7 %j", (from, to) => {
    expect([...from]).toHaveLength(1);
    expect(isGsm7(from)).toBe(false);
    expect(isGsm7(to)).toBe(true);
    expect(transliterate(from)).toEqual({
      text: to,
      replacements: [{ from, to, count: 1 }],
      unmapped: [],
    });
  });

  it("leaves out every letter GSM already has", () => {
    for (const ch of "éèùìòàÇÉÄÖÜÑÅäöüñåÆæØøß") expect(transliterationTable[ch]).toBeUndefined();
  });
});

describe("transliterate", () => {
  it("reports each kind of change once with its count, in order of first occurrence", () => {
    expect(transliterate("« Ça coûte 5 € — c’est sûr, l’hôtel… »")).toEqual({
      text: "\" Ça coute 5 € - c'est sur, l'hotel... \"",
      replacements: [
        { from: "«", to: '"', count: 1 },
        { from: "û", to: "u", count: 2 },
        { from: "—", to: "-", count: 1 },
        { from: "’", to: "'", count: 2 },
        { from: "ô", to: "o", count: 1 },
        { from: "…", to: "...", count: 1 },
        { from: "»", to: '"', count: 1 },
      ],
      unmapped: [],
    });
  });

  it.each([
    ["ç but not Ç", "Ça, ç", "Ça, c"],
    ["œ and Œ into two letters", "Œuvre, cœur", "OEuvre, coeur"],
    ["spaces of every width", "1\u00a0000\u202f€\u3000ok\u2009!", "1 000 € ok !"],
    ["zero-width characters away", "a\u200bb\u200dc\ufeffd\u00ade", "abcde"],
    ["Lingala open vowels", "Mbɔ́tɛ Ɛ Ɔ", "Mbote E O"],
    ["a combining cedilla into the GSM Ç", "C\u0327a va", "Ça va"],
    ["a decomposed é into the GSM é", "e\u0301te", "éte"],
    ["a decomposed ê into e", "e\u0302tre", "etre"],
    ["letters outside the table to their base letter", "Ōdź ā ş", "Odz a s"],
    ["the Ohm and Angstrom signs into the GSM Ω and Å", "\u2126 \u212b", "Ω Å"],
    ["a combining accent with no base away", "\u0301abc", "abc"],
  ])("turns %s", (_, input, output) => {
    const result = transliterate(input);
    expect(result.text).toBe(output);
    expect(isGsm7(result.text)).toBe(true);
  });

  it("records a decomposed sequence as one replacement", () => {
    expect(transliterate("e\u0302 e\u0302").replacements).toEqual([{ from: "e\u0302", to: "e", count: 2 }]);
  });

  it("changes nothing when a character has no GSM form, and names it", () => {
    expect(transliterate("Merci 🙏 à bientôt ° 🙏")).toEqual({
      text: "Merci 🙏 à bientôt ° 🙏",
      replacements: [],
      unmapped: ["🙏", "°"],
    });
  });

  it("returns a GSM text as it is", () => {
    const text = "Votre code: 1234. Ça expire à 12h [€5]";
    expect(transliterate(text)).toEqual({ text, replacements: [], unmapped: [] });
  });
});
