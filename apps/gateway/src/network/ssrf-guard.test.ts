import { localizedErrorText } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "./ssrf-guard";

// [url, a fragment the reason must contain]
const hostile: ReadonlyArray<readonly [string, string]> = [
  // scheme and credentials
  ["http://example.com/hooks", "https://"],
  ["ftp://example.com/hooks", "https://"],
  ["javascript:alert(1)", "https://"],
  ["//example.com/hooks", "not a valid absolute URL"],
  ["https://", "not a valid absolute URL"],
  ["https://user:pass@example.com/hooks", "user name or password"],
  ["https://user@example.com/hooks", "user name or password"],
  ["https://:secret@example.com/hooks", "user name or password"],
  // loopback, spelled every way the URL parser accepts
  ["https://127.0.0.1/", "loopback"],
  ["https://127.255.255.254:8443/x", "loopback"],
  ["https://2130706433/", "loopback"],
  ["https://0177.0.0.1/", "loopback"],
  ["https://0x7f.1/", "loopback"],
  ["https://0x7F000001/", "loopback"],
  ["https://127.1/", "loopback"],
  ["https://127.0.0.1./", "loopback"],
  ["https://%31%32%37.0.0.1/", "loopback"],
  ["https://[::1]/", "loopback"],
  ["https://[0:0:0:0:0:0:0:1]:443/", "loopback"],
  // local names
  ["https://localhost/", "local or internal name"],
  ["https://localhost./", "local or internal name"],
  ["https://LOCALHOST:8443/", "local or internal name"],
  ["https://api.localhost/", "local or internal name"],
  ["https://ｌｏｃａｌｈｏｓｔ/", "local or internal name"],
  ["https://loca%6Chost/", "local or internal name"],
  ["https://printer.local/", "local or internal name"],
  ["https://metadata.google.internal/computeMetadata/v1/", "local or internal name"],
  ["https://router.home.arpa/", "local or internal name"],
  ["https://intranet/", "not a fully qualified"],
  // private, link-local, CGNAT and the other special-purpose IPv4 blocks
  ["https://10.0.0.1/", "private network address (10.0.0.0/8)"],
  ["https://167772161/", "private network address (10.0.0.0/8)"],
  ["https://172.16.0.1/", "private network address (172.16.0.0/12)"],
  ["https://172.31.255.255/", "private network address (172.16.0.0/12)"],
  ["https://192.168.1.1/", "private network address (192.168.0.0/16)"],
  ["https://0xc0.0xa8.1.1/", "private network address (192.168.0.0/16)"],
  ["https://169.254.169.254/latest/meta-data", "link-local"],
  ["https://100.64.0.1/", "carrier-grade NAT"],
  ["https://100.127.255.255/", "carrier-grade NAT"],
  ["https://0.0.0.0/", "this network"],
  ["https://0/", "this network"],
  ["https://224.0.0.251/", "multicast"],
  ["https://239.255.255.250/", "multicast"],
  ["https://255.255.255.255/", "broadcast"],
  ["https://240.0.0.1/", "reserved"],
  ["https://198.18.0.1/", "benchmarking"],
  ["https://198.19.255.255/", "benchmarking"],
  ["https://192.0.2.10/", "documentation"],
  ["https://198.51.100.7/", "documentation"],
  ["https://203.0.113.99/", "documentation"],
  ["https://192.0.0.8/", "IETF protocol assignment"],
  // IPv6
  ["https://[::]/", "unspecified"],
  ["https://[fe80::1%25eth0]/", "not a valid absolute URL"],
  ["https://[fc00::1]/", "unique local"],
  ["https://[fd12:3456:789a::1]/", "unique local"],
  ["https://[fe80::1]/", "link-local"],
  ["https://[febf:ffff::1]/", "link-local"],
  ["https://[fec0::1]/", "site-local"],
  ["https://[ff02::1]/", "multicast"],
  ["https://[::ffff:127.0.0.1]/", "IPv4-mapped"],
  ["https://[::ffff:7f00:1]/", "IPv4-mapped"],
  ["https://[::ffff:10.0.0.1]/", "IPv4-mapped"],
  ["https://[::ffff:8.8.8.8]/", "IPv4-mapped"],
  ["https://[::127.0.0.1]/", "IPv4-compatible"],
  ["https://[64:ff9b::127.0.0.1]/", "NAT64 (64:ff9b::/96) address embedding 127.0.0.1"],
  ["https://[64:ff9b::a9fe:a9fe]/", "embedding 169.254.169.254"],
  ["https://[64:ff9b:1::1]/", "local-use NAT64"],
  ["https://[2002:c0a8:101::1]/", "6to4 (2002::/16) address embedding 192.168.1.1"],
  ["https://[2002:7f00:1::]/", "embedding 127.0.0.1"],
  ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"],
  ["https://[2001:db8::1]/", "documentation"],
  ["https://[3fff::1]/", "documentation"],
  ["https://[2001:2::1]/", "IETF protocol assignment"],
  ["https://[100::1]/", "discard-only"],
  ["https://[5f00::1]/", "segment-routing"],
  ["https://[1::1]/", "not a global unicast"],
  ["https://[4000::1]/", "not a global unicast"],
];

const ordinary = [
  "https://example.com/hooks",
  "https://api.merchant.cd:8443/sms?x=1",
  "https://8.8.8.8/",
  "https://[2606:4700::1111]/",
  "https://hooks.example.org/lisoloo/v1#fragment",
  "https://EXAMPLE.COM/Hooks",
  "https://example.com./hooks",
  "https://bücher.example/hooks",
  "https://xn--bcher-kva.example/hooks",
  "https://1.1.1.1:443/webhook",
  "https://localhost.example.com/hooks",
  "https://internal-tools.example.net/hooks",
  "https://local.merchant.cd/hooks",
  "https://[2001:4860:4860::8888]/hooks",
  "https://[64:ff9b::808:808]/",
  "https://[2002:808:808::1]/",
  "https://webhook.site/0f4b1d8e-22a5-4b53-9d4e-9f2e0ad6c5c1",
];

// The first and last addresses of a blocked range are refused; the neighbours outside are not.
const boundaries: ReadonlyArray<readonly [string, boolean]> = [
  ["9.255.255.255", true],
  ["10.0.0.0", false],
  ["10.255.255.255", false],
  ["11.0.0.0", true],
  ["100.63.255.255", true],
  ["100.64.0.0", false],
  ["100.128.0.0", true],
  ["126.255.255.255", true],
  ["128.0.0.0", true],
  ["169.253.255.255", true],
  ["169.255.0.0", true],
  ["172.15.255.255", true],
  ["172.16.0.0", false],
  ["172.32.0.0", true],
  ["192.167.255.255", true],
  ["192.169.0.0", true],
  ["198.17.255.255", true],
  ["198.18.0.0", false],
  ["198.20.0.0", true],
  ["223.255.255.255", true],
  ["224.0.0.0", false],
];

describe("checkWebhookUrl", () => {
  it.each(hostile)("refuses %s", (url, reason) => {
    expect(checkWebhookUrl(url)).toContain(reason);
  });

  // The reason is a 1105 detail; Accept-Language: fr must get it in French, whatever the range.
  it.each(hostile)("has a French reason for %s", (url) => {
    const reason = checkWebhookUrl(url) ?? "";
    expect(localizedErrorText(reason, "fr")).not.toBe(reason);
  });

  it.each(ordinary)("accepts %s", (url) => {
    expect(checkWebhookUrl(url)).toBeNull();
  });

  it.each(boundaries)("judges the range edge https://%s/ (accepted: %s)", (ip, accepted) => {
    const reason = checkWebhookUrl(`https://${ip}/`);
    if (accepted) expect(reason).toBeNull();
    else expect(reason).toMatch(/^URL host \S+ is /);
  });

  it.each([
    ["https://2130706433/", "127.0.0.1"],
    ["https://0177.0.0.1/", "127.0.0.1"],
    ["https://0x7f.1/", "127.0.0.1"],
    ["https://127.1/", "127.0.0.1"],
    ["https://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
    ["https://[64:ff9b::10.0.0.1]/", "[64:ff9b::a00:1]"],
  ])("relies on the runtime's URL parser normalising %s to %s", (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
  });

  it("names the offending host in the reason", () => {
    expect(checkWebhookUrl("https://169.254.169.254/latest/meta-data")).toBe(
      "URL host 169.254.169.254 is a link-local address (169.254.0.0/16)",
    );
  });
});

describe("checkWebhookUrl with the development allowance", () => {
  const dev = { allowHttpLocalhost: true };

  it.each([
    "http://localhost/hooks",
    "http://localhost:8787/hooks",
    "http://127.0.0.1/",
    "http://127.0.0.1:9999/webhook?x=1",
    "http://LOCALHOST:3000/",
  ])("accepts %s", (url) => {
    expect(checkWebhookUrl(url, dev)).toBeNull();
    expect(checkWebhookUrl(url)).not.toBeNull();
  });

  it.each([
    ["http://example.com/hooks", "https://"],
    ["http://127.0.0.2/", "https://"],
    ["http://10.0.0.1/", "https://"],
    ["http://[::1]/", "https://"],
    ["http://localhost./", "https://"],
    ["http://api.localhost/", "https://"],
    ["http://user:pass@localhost:8787/", "user name or password"],
    ["https://localhost:8787/", "local or internal name"],
    ["https://127.0.0.1/", "loopback"],
    ["https://10.0.0.1/", "private network"],
  ])("still refuses %s", (url, reason) => {
    expect(checkWebhookUrl(url, dev)).toContain(reason);
  });
});
