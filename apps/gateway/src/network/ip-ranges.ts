/**
 * Which IP literals a webhook may target. Inputs are the host spellings that WHATWG `new URL()`
 * produces for `https:` URLs: IPv4 always as four dotted decimals (decimal, octal, hex and short
 * forms are normalised by the parser), IPv6 in brackets, compressed, lowercase, without a dotted tail.
 * The parsers below still accept a dotted IPv6 tail so they do not depend on that last detail.
 */

/** A blocked CIDR block and how to name it in a refusal. */
type BlockedRange = readonly [base: string, prefix: number, label: string];

// IANA IPv4 special-purpose registry, minus the few globally reachable anycast entries
// (AS112, AMT) that no webhook receiver lives on anyway.
const blockedIpv4: readonly BlockedRange[] = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private network address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address"],
  ["172.16.0.0", 12, "a private network address"],
  ["192.0.0.0", 24, "an IETF protocol assignment address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a deprecated 6to4 relay address"],
  ["192.168.0.0", 16, "a private network address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  // 240.0.0.0/4 is "reserved for future use" and contains the limited broadcast 255.255.255.255.
  ["240.0.0.0", 4, "a reserved or broadcast address"],
];

/** Parses exactly four dotted decimal octets into an unsigned 32-bit number, else null. */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function inIpv4Range(value: number, base: string, prefix: number): boolean {
  const baseValue = parseIpv4(base) ?? 0;
  const shift = 32 - prefix;
  // Division instead of `>>>` keeps the arithmetic exact for every prefix length, 0 and 32 included.
  return Math.floor(value / 2 ** shift) === Math.floor(baseValue / 2 ** shift);
}

/**
 * Why an IPv4 address (as an unsigned 32-bit number) must not receive webhooks, or null when it is
 * a public unicast address.
 *
 * @example ipv4Refusal(parseIpv4("10.1.2.3") ?? 0) // "a private network address (10.0.0.0/8)"
 */
export function ipv4Refusal(value: number): string | null {
  for (const [base, prefix, label] of blockedIpv4) {
    if (inIpv4Range(value, base, prefix)) return `${label} (${base}/${prefix})`;
  }
  return null;
}

/** Parses an IPv6 address (no brackets, no zone id) into a 128-bit bigint, else null. */
export function parseIpv6(text: string): bigint | null {
  let groups: string[];
  const doubleColon = text.indexOf("::");
  if (doubleColon !== text.lastIndexOf("::")) return null;
  const expandTail = (side: string): string[] | null => {
    if (side === "") return [];
    const pieces = side.split(":");
    const last = pieces.at(-1) ?? "";
    if (last.includes(".")) {
      const v4 = parseIpv4(last);
      if (v4 === null) return null;
      pieces.splice(-1, 1, (v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
    }
    return pieces;
  };
  if (doubleColon === -1) {
    const all = expandTail(text);
    if (all === null || all.length !== 8) return null;
    groups = all;
  } else {
    const head = text.slice(0, doubleColon);
    const left = head === "" ? [] : head.split(":");
    const right = expandTail(text.slice(doubleColon + 2));
    if (right === null || left.length + right.length > 7) return null;
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  }
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

// Checked in order; anything that survives must still lie in 2000::/3, the only block IANA
// allocates for global unicast.
const blockedIpv6: readonly BlockedRange[] = [
  ["::", 128, "the unspecified address"],
  ["::1", 128, "a loopback address"],
  ["::ffff:0:0", 96, "an IPv4-mapped IPv6 address"],
  ["::", 96, "an IPv4-compatible IPv6 address"],
  ["64:ff9b:1::", 48, "a local-use NAT64 address"],
  ["100::", 64, "a discard-only address"],
  // Teredo hides the client's IPv4 address (XOR-obfuscated) and the protocol is obsolete.
  ["2001::", 32, "a Teredo tunnelling address"],
  ["2001:db8::", 32, "a documentation address"],
  ["2001::", 23, "an IETF protocol assignment address"],
  ["3fff::", 20, "a documentation address"],
  ["5f00::", 16, "a segment-routing address"],
  ["fc00::", 7, "a unique local (private) address"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a deprecated site-local address"],
  ["ff00::", 8, "a multicast address"],
];

function inIpv6Range(value: bigint, base: string, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === (parseIpv6(base) ?? 0n) >> shift;
}

/**
 * Why an IPv6 address must not receive webhooks, or null when it is public global unicast.
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses carry an IPv4 address and are judged by it.
 *
 * @example ipv6Refusal(parseIpv6("fd00::1") ?? 0n) // "a unique local (private) address (fc00::/7)"
 */
export function ipv6Refusal(value: bigint): string | null {
  if (inIpv6Range(value, "64:ff9b::", 96)) {
    return embeddedIpv4Refusal(Number(value & 0xffffffffn), "NAT64 (64:ff9b::/96)");
  }
  if (inIpv6Range(value, "2002::", 16)) {
    return embeddedIpv4Refusal(Number((value >> 80n) & 0xffffffffn), "6to4 (2002::/16)");
  }
  for (const [base, prefix, label] of blockedIpv6) {
    if (inIpv6Range(value, base, prefix)) return `${label} (${base}/${prefix})`;
  }
  if (!inIpv6Range(value, "2000::", 3)) return "not a global unicast address (outside 2000::/3)";
  return null;
}

function embeddedIpv4Refusal(v4: number, scheme: string): string | null {
  const refusal = ipv4Refusal(v4);
  return refusal === null ? null : `a ${scheme} address embedding ${formatIpv4(v4)}, ${refusal}`;
}
