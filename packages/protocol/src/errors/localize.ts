import { type ErrorCode, errorByCode, errorCatalogue } from "./catalogue.js";
import { frenchFindingTexts } from "./details-fr.js";
import { frenchErrorMessages } from "./messages-fr.js";
import { frenchPatternText } from "./patterns-fr.js";
import { frenchRequestTexts } from "./texts-fr.js";

/** Languages the API answers in. */
export type Language = "en" | "fr";

/**
 * The catalogue message of a code in the given language.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { frenchErrorMessages, localizedErrorMessage } from "@lisoloo/protocol/errors";
 *
 * assert.equal(localizedErrorMessage("1201"), "Message not found");
 * assert.equal(localizedErrorMessage("1201", "fr"), "Message introuvable");
 * assert.equal(frenchErrorMessages["1202"], "Solde insuffisant"); // every catalogue code has one
 */
export function localizedErrorMessage(code: ErrorCode, language: Language = "en"): string {
  return language === "fr" ? frenchErrorMessages[code] : errorByCode(code).message;
}

// A Map, not an object lookup: a text such as "constructor" must not find Object's prototype. Built
// on first use rather than at import, so a bundle that only needs `localizedErrorMessage` does not
// carry every French text the gateway can write.
let frenchTexts: ReadonlyMap<string, string> | undefined;

function frenchTextOf(text: string): string | undefined {
  frenchTexts ??= new Map<string, string>([
    ...errorCatalogue.map((e) => [e.message, frenchErrorMessages[e.code]] as const),
    ...Object.entries(frenchFindingTexts),
    ...Object.entries(frenchRequestTexts),
  ]);
  return frenchTexts.get(text);
}

/**
 * Any English error text the API writes, in the given language: a catalogue message, a specific
 * top-level `message`, or a `details[].message`. A text without a translation is returned as it is,
 * so a client never loses a message, only its translation.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { localizedErrorText } from "@lisoloo/protocol/errors";
 *
 * // Any English text the API writes: a catalogue message, a specific message, a details[].message
 * assert.equal(localizedErrorText("Invalid phone number", "fr"), "Numéro de téléphone invalide");
 * assert.equal(localizedErrorText("Must not be empty", "fr"), "Ne doit pas être vide");
 * assert.equal(localizedErrorText('Unknown field "recipients"', "fr"), 'Champ inconnu "recipients"');
 * // A text it does not know comes back unchanged, and "en" never changes anything
 * assert.equal(localizedErrorText("Something new", "fr"), "Something new");
 * assert.equal(localizedErrorText("Must not be empty"), "Must not be empty");
 */
export function localizedErrorText(text: string, language: Language = "en"): string {
  if (language === "en") return text;
  return frenchTextOf(text) ?? frenchPatternText(text) ?? text;
}
