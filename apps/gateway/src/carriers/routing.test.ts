import { describe, expect, it } from "vitest";
import { drcRoutes, type RoutingTable, routeFor } from "./routing";
import { hostProblem } from "./settings";

const drc: RoutingTable = { routes: drcRoutes, defaultRoute: "default-cd" };

describe("routeFor", () => {
  it.each([
    ["+243812345678", "vodacom-cd"],
    ["+243891234567", "orange-cd"],
    ["+243971234567", "airtel-cd"],
    ["+243901234567", "africell-cd"],
    ["+243861234567", "default-cd"],
    ["+33612345678", "default-cd"],
    ["+2438", "default-cd"],
  ])("routes %s to %s (the DRC table)", (phone, slug) => {
    expect(routeFor(phone, drc)).toBe(slug);
  });

  it("takes the longest prefix, whatever the order the table lists them in", () => {
    const table: RoutingTable = {
      routes: { "+2438123": "c", "+243": "a", "+24381": "b", "+243812345678901": "d" },
      defaultRoute: "z",
    };
    expect(routeFor("+243812345678901", table)).toBe("d");
    expect(routeFor("+243812399999", table)).toBe("c");
    expect(routeFor("+243819999999", table)).toBe("b");
    expect(routeFor("+243999999999", table)).toBe("a");
    expect(routeFor("+24", table)).toBe("z");
  });

  it("a prefix as long as the number itself matches it", () => {
    expect(routeFor("+24381", { routes: { "+24381": "b" }, defaultRoute: "z" })).toBe("b");
  });
});

describe("hostProblem", () => {
  it.each(["smsc.example.net", "smsc", "SMSC-1.Example.NET", "196.1.2.3", "0.0.0.0", "2001:db8::1", "::1"])(
    "accepts %s",
    (host) => {
      expect(hostProblem(host)).toBeNull();
    },
  );

  it.each([
    ["", "Must not be empty"],
    ["smpp://smsc.example.net", "No scheme: the host name or IP address alone"],
    ["smsc.example.net/x", "No path: the host name or IP address alone"],
    ["smsc.example.net:2775", "No port here: give it as port"],
    ["[::1]:2775", "No port here: give it as port"],
    ["[::1]", "An IPv6 address without its brackets (2001:db8::1)"],
    ["2001:db8:::1", "Not a valid IPv6 address"],
    ["256.1.1.1", "Not a valid IPv4 address"],
    ["1.2.3", "Not a valid IPv4 address"],
    ["smsc.123", "A host name cannot end in a numeric label"],
    ["-smsc.example.net", expect.stringMatching(/^A host name is dot-separated labels/)],
    ["smsc example.net", expect.stringMatching(/^A host name is dot-separated labels/)],
    [`${"a".repeat(64)}.net`, expect.stringMatching(/^A host name is dot-separated labels/)],
  ])("refuses %j: %s", (host, problem) => {
    expect(hostProblem(host)).toEqual(problem);
  });
});
