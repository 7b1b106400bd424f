import { ipv4Refusal, ipv6Refusal, parseIpv4, parseIpv6 } from "./ip-ranges";

/**
 * The webhook URL rules of CONTRACT §8, applied when a `callback_url` or `webhook_url` is stored.
 *
 * The check is purely syntactic. A public name that resolves to a private address (DNS rebinding)
 * cannot be caught here: a Worker has no DNS API to resolve before `fetch`, and the answer could change
 * between check and use anyway. That gap is closed by the platform: `fetch` from a deployed Worker
 * leaves through Cloudflare's network and cannot reach private networks or the account's own origin
 * infrastructure. What this guard adds is refusing the URLs whose intent is plain on their face.
 */

export type WebhookUrlOptions = {
  /** Local development only: also accept `http://localhost[:port]` and `http://127.0.0.1[:port]`. */
  allowHttpLocalhost?: boolean;
};

// Names that by definition never leave the local machine or network (RFC 6761, RFC 6762, RFC 8375)
// plus `.internal`, which cloud providers use for metadata and VPC DNS.
const privateSuffixes = ["localhost", "local", "internal", "home.arpa"] as const;

const devHosts = new Set(["localhost", "127.0.0.1"]);

/**
 * Checks a webhook destination. Returns null when the URL is acceptable, otherwise an English
 * sentence saying why not (suitable as the `detail` of error 1105).
 *
 * IPv4 literals in decimal, octal, hex or short form (`2130706433`, `0177.0.0.1`, `0x7f.1`,
 * `127.1`), percent-encoded and full-width hosts are normalised by the WHATWG URL parser before they
 * are judged, so they cannot slip past as names.
 *
 * @example
 * checkWebhookUrl("https://api.merchant.cd:8443/sms?x=1") // null
 * checkWebhookUrl("https://169.254.169.254/latest/meta-data")
 * // "URL host 169.254.169.254 is a link-local address (169.254.0.0/16)"
 * checkWebhookUrl("http://localhost:8787/hook", { allowHttpLocalhost: true }) // null
 */
export function checkWebhookUrl(url: string, options: WebhookUrlOptions = {}): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "URL is not a valid absolute URL";
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return "URL must not contain a user name or password";
  }
  if (options.allowHttpLocalhost === true && parsed.protocol === "http:" && devHosts.has(parsed.hostname)) {
    return null;
  }
  if (parsed.protocol !== "https:") return "URL must use https://";
  return hostRefusal(parsed.hostname);
}

function hostRefusal(hostname: string): string | null {
  if (hostname.startsWith("[")) {
    const v6 = parseIpv6(hostname.slice(1, -1));
    if (v6 === null) return "URL host is not a valid IPv6 address";
    const refusal = ipv6Refusal(v6);
    return refusal === null ? null : `URL host ${hostname} is ${refusal}`;
  }
  // The parser turns any host whose last label is numeric into dotted decimal (or fails), so a
  // four-part dotted decimal is the only IPv4 spelling left to recognise.
  const v4 = parseIpv4(hostname);
  if (v4 !== null) {
    const refusal = ipv4Refusal(v4);
    return refusal === null ? null : `URL host ${hostname} is ${refusal}`;
  }
  // `localhost.` and `localhost` are the same name to a resolver; compare without the root dot(s).
  const name = hostname.replace(/\.+$/, "");
  for (const suffix of privateSuffixes) {
    if (name === suffix || name.endsWith(`.${suffix}`)) {
      return `URL host ${hostname} is a local or internal name (.${suffix})`;
    }
  }
  // A single-label name is resolved through the caller's search domains: it can only mean a
  // machine on some private network, never a merchant's public endpoint.
  if (!name.includes(".")) return `URL host ${hostname} is not a fully qualified domain name`;
  return null;
}
