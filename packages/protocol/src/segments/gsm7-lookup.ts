import { GSM7_ESCAPE, gsm7BasicAlphabet, gsm7ExtensionTable } from "./gsm7-alphabet.js";

// Every GSM character is below U+20AD (`€` is the highest), so two 8 KiB tables indexed by UTF-16
// code unit answer "is it GSM, what does it cost, which septet" with one load each. An index past
// the end reads `undefined`, which callers fold into "not GSM".
const SIZE = 0x20ad;

/** Septets a UTF-16 code unit costs in GSM-7: 0 when it is not in the alphabet, 1 basic, 2 extension. */
export const gsm7Cost = new Uint8Array(SIZE);

/** The septet of a code unit (after the escape for extension characters); meaningful where cost > 0. */
export const gsm7Septet = new Uint8Array(SIZE);

/** Basic-table characters by septet, and extension characters by septet ("" where none). */
export const basicBySeptet: readonly string[] = Array.from(gsm7BasicAlphabet);
export const extensionBySeptet: readonly string[] = buildExtensionBySeptet();

for (let septet = 0; septet < gsm7BasicAlphabet.length; septet++) {
  if (septet === GSM7_ESCAPE) continue;
  const code = gsm7BasicAlphabet.charCodeAt(septet);
  gsm7Cost[code] = 1;
  gsm7Septet[code] = septet;
}
for (const [septet, character] of gsm7ExtensionTable) {
  const code = character.charCodeAt(0);
  gsm7Cost[code] = 2;
  gsm7Septet[code] = septet;
}

function buildExtensionBySeptet(): string[] {
  const table = new Array<string>(128).fill("");
  for (const [septet, character] of gsm7ExtensionTable) table[septet] = character;
  return table;
}
