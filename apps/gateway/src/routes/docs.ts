import { Hono } from "hono";
import pkg from "../../package.json";
import type { AppEnv } from "../env";
import { apiServer, buildOpenApiDocument } from "../openapi/document";
import { docsPageHtml, docsScript, docsStyle } from "./docs-page";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

/**
 * Only the page's own inline style and script run, it talks only to this origin, and nothing else
 * loads: a third-party script could read the app-key typed into the page.
 */
let policy: Promise<string> | undefined;
function contentSecurityPolicy(): Promise<string> {
  policy ??= Promise.all([sha256Base64(docsScript), sha256Base64(docsStyle)]).then(
    ([script, style]) =>
      `default-src 'none'; script-src 'sha256-${script}'; style-src 'sha256-${style}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  return policy;
}

let built: ReturnType<typeof buildOpenApiDocument> | undefined;
let served: { origin: string; text: string } | undefined;

/**
 * The document as JSON text for a request to `origin`. The schemas never change while an isolate
 * lives, so it is built once; only `servers` follows the origin. The text is kept for the last origin
 * only: behind one host name that is every request, and a forged Host header cannot grow a cache.
 */
function openApiJson(origin: string): string {
  if (served?.origin === origin) return served.text;
  built ??= buildOpenApiDocument({ version: pkg.version, now: new Date(), origin });
  served = { origin, text: JSON.stringify({ ...built, servers: [apiServer(origin)] }) };
  return served.text;
}

/** `GET /openapi.json` and `GET /docs`, outside the API prefix, without authentication. */
export const docsRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) =>
    c.body(openApiJson(new URL(c.req.url).origin), 200, {
      "content-type": "application/json",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
    }),
  )
  .get("/docs", async (c) =>
    c.html(docsPageHtml(), 200, {
      "content-security-policy": await contentSecurityPolicy(),
      "cache-control": "public, max-age=300",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    }),
  );
