import { describe, expect, it } from "vitest";
import { basicCredentialsValid, basicUserPass } from "./basic-auth";
import { dlrUrl, redactPassword } from "./connector";

const basic = (userPass: string) =>
  `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(userPass)))}`;
const relay = { username: "lisoloo", password: "p@ss:w/rd %41" };

describe("receipt_basic_auth", () => {
  it("puts the credentials in the dlr-url's userinfo, percent-encoded, and only when asked", async () => {
    const plain = await dlrUrl("https://sms.example.net", "key", "relay-cd", "DB_1", 7);
    expect(plain).toMatch(/^https:\/\/sms\.example\.net\/carriers\/relay-cd\/receipts\?s=DB_1&d=7&p=0&sig=/);
    const withAuth = await dlrUrl("https://sms.example.net", "key", "relay-cd", "DB_1", 7, relay);
    expect(withAuth).toBe(plain.replace("https://", "https://lisoloo:p%40ss%3Aw%2Frd%20%2541@"));
    const url = new URL(withAuth.replace(/%[dAT]$/, ""));
    expect([decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual([
      relay.username,
      relay.password,
    ]);
  });

  it("accepts the carrier's own credentials only", async () => {
    expect(basicUserPass(basic("a:b:c"))).toBe("a:b:c");
    expect(await basicCredentialsValid(basic("lisoloo:p@ss:w/rd %41"), relay)).toBe(true);
    // As written in the dlr-url, should a relay not decode the userinfo.
    expect(await basicCredentialsValid(basic("lisoloo:p%40ss%3Aw%2Frd%20%2541"), relay)).toBe(true);
    expect(await basicCredentialsValid(`basic  ${basic("lisoloo:p@ss:w/rd %41").slice(6)}`, relay)).toBe(
      true,
    );
    for (const header of [
      undefined,
      "",
      "Basic",
      "Basic !!!",
      "Bearer abc",
      basic("lisoloo:p@ss:w/rd %4"),
      basic("other:p@ss:w/rd %41"),
      basic("lisoloo"),
    ])
      expect(await basicCredentialsValid(header, relay), String(header)).toBe(false);
    expect(await basicCredentialsValid(basic("lisoloo:"), null)).toBe(false);
  });

  it("redacts every form of the password a sendsms request holds", async () => {
    const query = new URLSearchParams({
      password: relay.password,
      "dlr-url": await dlrUrl("https://sms.example.net", "key", "relay-cd", "DB_0", 7, relay),
    }).toString();
    const redacted = redactPassword(`fetch failed: http://relay/?${query}`, relay.password);
    expect(redacted).not.toContain(relay.password);
    expect(redacted).not.toContain(encodeURIComponent(relay.password));
    expect(redacted).not.toContain(
      new URLSearchParams({ v: encodeURIComponent(relay.password) }).toString().slice(2),
    );
    expect(redacted.match(/\[redacted\]/g)).toHaveLength(2);
  });
});
