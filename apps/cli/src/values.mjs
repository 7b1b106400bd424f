// Turning typed words into request values, with a usage error naming the flag when one is wrong.

/** A mistake in how a command was typed: shown with the command's usage, exit status 2. */
export class UsageError extends Error {}

/**
 * @param {string} flag
 * @param {string | undefined} text
 * @returns {number | undefined}
 */
export function number(flag, text) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got "${text}"`);
  return value;
}

/**
 * @param {string} flag
 * @param {string | undefined} text
 */
export function integer(flag, text) {
  const value = number(flag, text);
  if (value !== undefined && !Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number`);
  return value;
}

/** `none` clears a field that the API lets operators reset. @param {string | undefined} text */
export function orNull(text) {
  return text === "none" ? null : text;
}

/** `send=100` pairs into `{ send: 100 }`. @param {string[] | undefined} pairs */
export function rateLimits(pairs) {
  if (!pairs || pairs.length === 0) return undefined;
  /** @type {Record<string, number>} */
  const limits = {};
  for (const pair of pairs) {
    const match = /^(send|status|balance|preview)=(\d+)$/.exec(pair);
    if (!match)
      throw new UsageError(
        `--rate-limit takes bucket=N with bucket send, status, balance or preview, got "${pair}"`,
      );
    limits[/** @type {string} */ (match[1])] = Number(match[2]);
  }
  return limits;
}

/** @param {string | undefined} list */
export function countries(list) {
  if (list === undefined || list === "none") return list === "none" ? null : undefined;
  return list
    .split(",")
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
}

const walletAliases = /** @type {Record<string, string>} */ ({
  lisoloo_sms: "LISOLOO_SMS",
  prepaid: "LISOLOO_SMS",
  lisoloo_post_paid: "LISOLOO_POST_PAID",
  postpaid: "LISOLOO_POST_PAID",
});

/** @param {string} text */
export function walletType(text) {
  const type = walletAliases[text.toLowerCase()];
  if (!type)
    throw new UsageError(
      `wallet must be LISOLOO_SMS (prepaid) or LISOLOO_POST_PAID (postpaid), got "${text}"`,
    );
  return type;
}

/** Drops the keys left undefined, so a PATCH only carries what was asked. @param {Record<string, unknown>} body */
export function defined(body) {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
