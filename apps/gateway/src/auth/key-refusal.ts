import { ApiError } from "../errors/api-error";
import type { KeyEnvironment, KeyShape } from "./key-format";

/**
 * Why an app-key was refused. The form of a key and its environment are public knowledge (the
 * format is documented, the prefix names the environment), so saying which is wrong gives nothing
 * away. Whether a well-formed key exists does not: unknown, revoked and replaced keys are all
 * `not_accepted`, with one text.
 */
export type KeyRefusal =
  | { reason: "missing"; authorizationSent: boolean }
  | { reason: "malformed"; shape: Exclude<KeyShape, { ok: true }> }
  | { reason: "other_environment"; deployment: KeyEnvironment }
  | { reason: "not_accepted" };

function malformed(shape: Exclude<KeyShape, { ok: true }>): string {
  switch (shape.problem) {
    case "prefix":
      return "Malformed key: must start with sk_test_ or sk_live_";
    case "length":
      return `Malformed key: expected 32 letters and digits after ${shape.prefix}, got ${shape.length}`;
    case "characters":
      return "Malformed key: only letters and digits may follow the prefix";
    case "checksum":
      return "Malformed key: its checksum does not match, so a character was mistyped or changed";
  }
}

function explain(refusal: KeyRefusal): string {
  switch (refusal.reason) {
    case "missing":
      return refusal.authorizationSent
        ? "The app-key header is missing; the key goes in app-key, not in Authorization"
        : "The app-key header is missing";
    case "malformed":
      return malformed(refusal.shape);
    case "other_environment":
      return refusal.deployment === "sandbox"
        ? "A production key (sk_live_): this deployment serves the sandbox and accepts only sk_test_ keys"
        : "A sandbox key (sk_test_): this deployment serves production and accepts only sk_live_ keys";
    case "not_accepted":
      return "Key not accepted: it is unknown here, or it was revoked or regenerated";
  }
}

/**
 * The 401 `1001` for a refused key: the documented message "Missing or invalid app-key", and one
 * `details` entry on the `app-key` field saying which of the refusals it is.
 *
 * @example throw keyRefused({ reason: "not_accepted" });
 */
export function keyRefused(refusal: KeyRefusal): ApiError {
  return new ApiError("1001", {
    details: [{ field: "app-key", message: explain(refusal), code: "INVALID_APP_KEY" }],
  });
}
