/** What a finding says about a string that holds a lone surrogate. */
export const ILL_FORMED_TEXT_MESSAGE =
  "Must be well-formed Unicode: it contains a lone surrogate (\\uD800 to \\uDFFF)";

/**
 * Whether a string is well-formed UTF-16: every surrogate is half of a pair. A lone surrogate is no
 * character at all: JSON can carry one (`"a\ud800b"`), but it has no UTF-8 form, so it can be neither
 * stored as it was sent nor delivered as an SMS. `String.prototype.isWellFormed` answers the same
 * question where it exists (ES2024); not every runtime this package runs in has it.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { isWellFormedText } from "@lisoloo/protocol/schemas";
 *
 * // A lone surrogate can travel in JSON ("\ud800") but has no UTF-8 form: the API refuses it (1110)
 * assert.equal(isWellFormedText("Bonjour 😀"), true);
 * assert.equal(isWellFormedText("a\ud800b"), false);
 * assert.equal(isWellFormedText("\udc00"), false);
 */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit > 0xdbff) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Options of a refinement that refuses ill-formed text with `1110`, before the field's own rules:
 * put it first on a string schema, so a lone surrogate is reported as what it is, once.
 *
 * @example z.string().refine(isWellFormedText, wellFormedTextCheck).min(1)
 */
export const wellFormedTextCheck = {
  error: ILL_FORMED_TEXT_MESSAGE,
  params: { code: "1110" },
  abort: true,
} as const;
