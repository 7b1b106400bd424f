import type { ReceiptCredentials } from "./connector";

const encoder = new TextEncoder();

/** SHA-256 of `text`: equal-length inputs for `timingSafeEqual`, whatever lengths were given. */
async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

/** `user:pass` from an `Authorization: Basic …` header, or null when there is none or it is malformed. */
export function basicUserPass(header: string | undefined): string | null {
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(header ?? "");
  if (!match) return null;
  try {
    const bytes = Uint8Array.from(atob(match[1] as string), (ch) => ch.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Whether an `Authorization` header carries `expected` (`receipt_basic_auth`), compared in constant
 * time over digests. The dlr-url holds them percent-encoded; a relay that sends the userinfo as
 * written rather than decoded is accepted too (the same secret either way). No `expected` (no
 * password stored) matches nothing.
 * @example await basicCredentialsValid("Basic bGlzb2xvbzpwdw==", { username: "lisoloo", password: "pw" }) // true
 */
export async function basicCredentialsValid(
  header: string | undefined,
  expected: ReceiptCredentials | null,
): Promise<boolean> {
  const given = basicUserPass(header);
  if (given === null || expected === null) return false;
  const forms = [
    `${expected.username}:${expected.password}`,
    `${encodeURIComponent(expected.username)}:${encodeURIComponent(expected.password)}`,
  ];
  const seen = await digest(given);
  let valid = false;
  // Every form is compared, so the time taken does not say which one matched.
  for (const form of forms) if (crypto.subtle.timingSafeEqual(seen, await digest(form))) valid = true;
  return valid;
}
