import type { Language } from "@lisoloo/protocol";
import type { Context } from "hono";
import type { AppEnv } from "../env";

const SUPPORTED: readonly Language[] = ["en", "fr"];

/**
 * The language an `Accept-Language` header prefers among those the API speaks (CONTRACT §3):
 * the highest `q` wins, the earlier tag on a tie, English when neither is asked for.
 *
 * @example preferredLanguage("fr-FR,fr;q=0.9,en;q=0.8") // "fr"
 * @example preferredLanguage("de-DE, fr;q=0.5") // "fr"
 * @example preferredLanguage("fr;q=0.2, en") // "en"
 */
export function preferredLanguage(header: string | undefined): Language {
  let best: Language = "en";
  let bestQuality = 0;
  for (const range of (header ?? "").split(",")) {
    const [tag = "", ...params] = range.split(";");
    const primary = tag.trim().toLowerCase().split("-")[0] as Language;
    if (!SUPPORTED.includes(primary)) continue;
    const q = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (quality > bestQuality) {
      best = primary;
      bestQuality = quality;
    }
  }
  return best;
}

/** The language of the request's error messages. */
export function requestLanguage(c: Context<AppEnv>): Language {
  return preferredLanguage(c.req.header("accept-language"));
}
