import { type ErrorCode, errorByCode } from "./catalogue.js";
import { frenchErrorMessages } from "./messages-fr.js";

/** Languages the API answers in. */
export type Language = "en" | "fr";

/**
 * The catalogue message of a code in the given language.
 * @example localizedErrorMessage("1201", "fr") // "Message introuvable"
 */
export function localizedErrorMessage(code: ErrorCode, language: Language = "en"): string {
  return language === "fr" ? frenchErrorMessages[code] : errorByCode(code).message;
}
