import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { openSecret } from "../src/crypto/secret-box";
import { admin, rows } from "./helpers";

/** The smallest valid SMPP carrier: every other setting takes its default. */
const smppRequired = { host: "smsc.example.net", port: 2775, system_id: "lisoloo", password: "s3cret12" };
const relayRequired = {
  sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
  username: "lisoloo",
  password: "relay-pass",
};

const smppBody = (slug: string, smpp: Record<string, unknown> = {}) => ({
  slug,
  kind: "smpp",
  smpp: { ...smppRequired, ...smpp },
});
const relayBody = (slug: string, relay: Record<string, unknown> = {}) => ({
  slug,
  kind: "http_relay",
  http_relay: { ...relayRequired, ...relay },
});

/** A slug no other test of this file uses (carriers cannot be deleted). */
const slug = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

/** An SMPP bind nothing has sent through yet: it binds with the carrier's first send. */
const unbound = {
  state: "connecting",
  error: "Not bound: it binds with the carrier's next send, and stays bound",
  window_in_use: 0,
  submits_last_minute: 0,
  receipts_last_minute: 0,
  resubmissions: 0,
  orphans: 0,
  last_error_at: null,
};

// Routes name carriers (a foreign key; both are the directory's): each test starts from an empty routing table.
beforeEach(async () => {
  await env.DIRECTORY.prepare("DELETE FROM carrier_routes").run();
});

describe("operator API: carriers", () => {
  it("creates an SMPP carrier with the contract's defaults, and shows it without its password", async () => {
    const name = slug("vodacom");
    const created = await admin("POST", "/carriers", smppBody(name));
    expect(created.status).toBe(201);
    const view = {
      slug: name,
      kind: "smpp",
      enabled: true,
      smpp: {
        host: "smsc.example.net",
        port: 2775,
        tls: false,
        system_id: "lisoloo",
        system_type: "",
        binds: 1,
        window: 10,
        throughput: null,
        receipt_id_format: "same",
        password_set: true,
      },
      has_connector: true,
      created_at: iso,
      updated_at: iso,
    };
    expect(created.body).toEqual({ status_code: 201, success: true, data: view });
    // The single carrier's view adds its live SMPP binds, one per `binds`.
    const shown = await admin("GET", `/carriers/${name}`);
    expect(shown.status).toBe(200);
    expect(shown.body.data).toEqual({ ...created.body.data, binds: [unbound] });
    const listed = await admin("GET", "/carriers");
    expect(listed.body.data).toContainEqual(created.body.data);
  });

  it("creates an SMPP carrier with every setting given", async () => {
    const name = slug("orange");
    const smpp = {
      host: "196.1.2.3",
      port: 3550,
      tls: true,
      system_id: "LISOLOO-GW-0001",
      password: "p@ss-8ch",
      system_type: "VMA",
      binds: 4,
      window: 50,
      throughput: 25.5,
      receipt_id_format: "submit_hex_receipt_decimal",
    };
    const created = await admin("POST", "/carriers", { slug: name, kind: "smpp", enabled: false, smpp });
    expect(created.status).toBe(201);
    const { password: _password, ...visible } = smpp;
    expect(created.body.data).toMatchObject({
      slug: name,
      kind: "smpp",
      enabled: false,
      smpp: { ...visible, password_set: true },
    });
  });

  it("creates an HTTP relay carrier, with defaults and with every setting", async () => {
    const plain = slug("relay");
    const created = await admin("POST", "/carriers", relayBody(plain));
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      slug: plain,
      kind: "http_relay",
      enabled: true,
      http_relay: {
        sendsms_url: relayRequired.sendsms_url,
        username: "lisoloo",
        smsc: null,
        timeout_ms: 10_000,
        concurrency: 10,
        receipt_basic_auth: false,
        password_set: true,
      },
      has_connector: true,
      created_at: iso,
      updated_at: iso,
    });
    // No binds for a relay.
    expect((await admin("GET", `/carriers/${plain}`)).body.data).toEqual(created.body.data);

    const full = slug("relay");
    const every = await admin(
      "POST",
      "/carriers",
      relayBody(full, {
        sendsms_url: "https://relay.example.net/cgi-bin/sendsms",
        smsc: "airtel-smsc",
        timeout_ms: 60_000,
        concurrency: 100,
        receipt_basic_auth: true,
      }),
    );
    expect(every.status).toBe(201);
    expect(every.body.data.http_relay).toEqual({
      sendsms_url: "https://relay.example.net/cgi-bin/sendsms",
      username: "lisoloo",
      smsc: "airtel-smsc",
      timeout_ms: 60_000,
      concurrency: 100,
      receipt_basic_auth: true,
      password_set: true,
    });
  });

  it("stores the password sealed with CREDENTIALS_KEY and the settings without it", async () => {
    const name = slug("sealed");
    await admin("POST", "/carriers", smppBody(name, { password: "Xy7#pQ2!" }));
    const [row] = await rows<{ settings: string; password_enc: string }>(
      "SELECT settings, password_enc FROM carriers WHERE slug = ?",
      name,
    );
    expect(JSON.parse(row?.settings as string)).not.toHaveProperty("password");
    expect(row?.settings).not.toContain("Xy7#pQ2!");
    expect(row?.password_enc).not.toContain("Xy7#pQ2!");
    expect(await openSecret("test-credentials-key", row?.password_enc as string)).toBe("Xy7#pQ2!");
  });

  it("refuses a slug that is taken with 409 1204, naming the field", async () => {
    const name = slug("twice");
    expect((await admin("POST", "/carriers", smppBody(name))).status).toBe(201);
    const again = await admin("POST", "/carriers", relayBody(name));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error_code: "1204",
      message: "A carrier with this slug already exists",
      details: [{ field: "slug", code: "INVALID_STATE" }],
    });
    expect((await admin("GET", `/carriers/${name}`)).body.data.kind).toBe("smpp");
  });

  it("answers 404 1403 for a carrier it does not know", async () => {
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { enabled: false }],
    ] as const) {
      const res = await admin(method, "/carriers/no-such-carrier", body);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error_code: "1403", message: "Carrier not found" });
    }
  });
});

describe("operator API: changing a carrier", () => {
  it("disables and enables it, leaving everything else as it was", async () => {
    const name = slug("toggle");
    const created = (await admin("POST", "/carriers", smppBody(name))).body.data;
    const [before] = await rows<{ password_enc: string }>(
      "SELECT password_enc FROM carriers WHERE slug = ?",
      name,
    );
    const disabled = await admin("PATCH", `/carriers/${name}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.data).toEqual({ ...created, enabled: false, updated_at: iso });
    expect(Date.parse(disabled.body.data.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));
    expect((await admin("PATCH", `/carriers/${name}`, { enabled: true })).body.data.enabled).toBe(true);
    expect(await rows("SELECT password_enc FROM carriers WHERE slug = ?", name)).toEqual([before]);
  });

  it("merges a settings object into the stored settings; null clears a nullable one", async () => {
    const name = slug("merge");
    await admin("POST", "/carriers", smppBody(name, { throughput: 10, system_type: "VMA" }));
    const patched = await admin("PATCH", `/carriers/${name}`, { smpp: { window: 20, binds: 2 } });
    expect(patched.status).toBe(200);
    expect(patched.body.data.smpp).toEqual({
      host: "smsc.example.net",
      port: 2775,
      tls: false,
      system_id: "lisoloo",
      system_type: "VMA",
      binds: 2,
      window: 20,
      throughput: 10,
      receipt_id_format: "same",
      password_set: true,
    });
    const cleared = await admin("PATCH", `/carriers/${name}`, {
      smpp: { throughput: null, host: "10.20.30.40", receipt_id_format: "submit_decimal_receipt_hex" },
    });
    expect(cleared.body.data.smpp).toMatchObject({
      throughput: null,
      host: "10.20.30.40",
      receipt_id_format: "submit_decimal_receipt_hex",
      window: 20,
    });
    expect((await admin("GET", `/carriers/${name}`)).body.data.smpp).toEqual(cleared.body.data.smpp);

    const relay = slug("merge-relay");
    await admin("POST", "/carriers", relayBody(relay, { smsc: "one" }));
    const relayed = await admin("PATCH", `/carriers/${relay}`, {
      http_relay: { smsc: null, concurrency: 3 },
    });
    expect(relayed.body.data.http_relay).toMatchObject({
      smsc: null,
      concurrency: 3,
      username: "lisoloo",
      receipt_basic_auth: false,
    });
    const basic = await admin("PATCH", `/carriers/${relay}`, { http_relay: { receipt_basic_auth: true } });
    expect(basic.body.data.http_relay).toEqual({ ...relayed.body.data.http_relay, receipt_basic_auth: true });
    const wrong = await admin("PATCH", `/carriers/${relay}`, { http_relay: { receipt_basic_auth: "yes" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ details: [{ field: "http_relay.receipt_basic_auth" }] });
  });

  it("replaces the password only when one is given", async () => {
    const name = slug("rotate");
    await admin("POST", "/carriers", smppBody(name, { password: "first-pw" }));
    const sealed = async () =>
      (await rows<{ p: string }>("SELECT password_enc AS p FROM carriers WHERE slug = ?", name))[0]
        ?.p as string;
    const first = await sealed();
    await admin("PATCH", `/carriers/${name}`, { smpp: { port: 2776 } });
    expect(await sealed()).toBe(first);
    const changed = await admin("PATCH", `/carriers/${name}`, { smpp: { password: "second" } });
    expect(changed.status).toBe(200);
    expect(changed.body.data.smpp).toMatchObject({ password_set: true, port: 2776 });
    expect(JSON.stringify(changed.body)).not.toContain("second");
    expect(await openSecret("test-credentials-key", await sealed())).toBe("second");
  });

  it("an empty PATCH changes nothing", async () => {
    const name = slug("same");
    const created = (await admin("POST", "/carriers", smppBody(name))).body.data;
    const res = await admin("PATCH", `/carriers/${name}`, {});
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(created);
  });

  it.each([
    ["the other kind's settings", { http_relay: { username: "x" } }, "1110", ["http_relay"]],
    ["a new slug", { slug: "other" }, "1110", ["slug"]],
    ["a new kind", { kind: "http_relay" }, "1110", ["kind"]],
    ["a bad port", { smpp: { port: 0 } }, "1110", ["smpp.port"]],
    ["a host with a port", { smpp: { host: "smsc.example.net:2775" } }, "1110", ["smpp.host"]],
    ["a password too long for SMPP", { smpp: { password: "123456789" } }, "1110", ["smpp.password"]],
    ["a null password", { smpp: { password: null } }, "1110", ["smpp.password"]],
    ["enabled as a string", { enabled: "no" }, "1110", ["enabled"]],
    ["an unknown setting", { smpp: { address_range: "" } }, "1110", ["smpp.address_range"]],
    ["an unknown field", { colour: "red" }, "1110", ["colour"]],
  ])("refuses a PATCH with %s, naming the field", async (_label, body, code, fields) => {
    const name = slug("patch-bad");
    const created = (await admin("POST", "/carriers", smppBody(name))).body.data;
    const res = await admin("PATCH", `/carriers/${name}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(code);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(fields);
    expect((await admin("GET", `/carriers/${name}`)).body.data).toEqual({ ...created, binds: [unbound] });
  });
});

type Refusal = [string, Record<string, unknown>, "1109" | "1110", string[]];

const longHost = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`;

/** Every field of a carrier that can be wrong, and the field the answer must name. */
const refusals: Refusal[] = [
  ["no slug", { kind: "smpp", smpp: smppRequired }, "1109", ["slug"]],
  ["a slug in capitals", smppBody("Vodacom-CD"), "1110", ["slug"]],
  ["a slug with an underscore", smppBody("vodacom_cd"), "1110", ["slug"]],
  ["a slug starting with a dash", smppBody("-vodacom"), "1110", ["slug"]],
  ["a slug of 64 characters", smppBody("v".repeat(64)), "1110", ["slug"]],
  ["the sandbox stub's slug", smppBody("sandbox"), "1110", ["slug"]],
  ["the slug of unrouted numbers", smppBody("unrouted"), "1110", ["slug"]],
  ["no kind", { slug: "x-kind", smpp: smppRequired }, "1109", ["kind"]],
  ["an unknown kind", { slug: "x-kind", kind: "kannel", smpp: smppRequired }, "1110", ["kind"]],
  ["an SMPP carrier without its settings", { slug: "x-none", kind: "smpp" }, "1109", ["smpp"]],
  ["a relay without its settings", { slug: "x-none", kind: "http_relay" }, "1109", ["http_relay"]],
  [
    "the settings of the other kind too",
    { ...smppBody("x-both"), http_relay: relayRequired },
    "1110",
    ["http_relay"],
  ],
  ["no host", smppBody("x", { host: undefined }), "1109", ["smpp.host"]],
  ["an empty host", smppBody("x", { host: "" }), "1110", ["smpp.host"]],
  ["a host with a scheme", smppBody("x", { host: "smpp://smsc.example.net" }), "1110", ["smpp.host"]],
  ["a host with a port", smppBody("x", { host: "smsc.example.net:2775" }), "1110", ["smpp.host"]],
  ["an IPv6 host with a port", smppBody("x", { host: "[2001:db8::1]:2775" }), "1110", ["smpp.host"]],
  ["an IPv6 host in brackets", smppBody("x", { host: "[2001:db8::1]" }), "1110", ["smpp.host"]],
  ["a host with a path", smppBody("x", { host: "smsc.example.net/bind" }), "1110", ["smpp.host"]],
  ["a host with an empty label", smppBody("x", { host: "smsc..example.net" }), "1110", ["smpp.host"]],
  ["a host with an underscore", smppBody("x", { host: "smsc_1.example.net" }), "1110", ["smpp.host"]],
  ["a label ending in a dash", smppBody("x", { host: "smsc-.example.net" }), "1110", ["smpp.host"]],
  ["a host name of 254 characters", smppBody("x", { host: `${longHost}.e` }), "1110", ["smpp.host"]],
  ["an IPv4 address out of range", smppBody("x", { host: "196.300.1.1" }), "1110", ["smpp.host"]],
  ["an IPv4 address of three parts", smppBody("x", { host: "196.1.1" }), "1110", ["smpp.host"]],
  ["a broken IPv6 address", smppBody("x", { host: "2001:db8:::1:" }), "1110", ["smpp.host"]],
  ["no port", smppBody("x", { port: undefined }), "1109", ["smpp.port"]],
  ["port 0", smppBody("x", { port: 0 }), "1110", ["smpp.port"]],
  ["port 65536", smppBody("x", { port: 65_536 }), "1110", ["smpp.port"]],
  ["a fractional port", smppBody("x", { port: 2775.5 }), "1110", ["smpp.port"]],
  ["a port as a string", smppBody("x", { port: "2775" }), "1110", ["smpp.port"]],
  ["tls as a string", smppBody("x", { tls: "yes" }), "1110", ["smpp.tls"]],
  ["no system_id", smppBody("x", { system_id: undefined }), "1109", ["smpp.system_id"]],
  ["an empty system_id", smppBody("x", { system_id: "" }), "1110", ["smpp.system_id"]],
  ["a system_id of 16 characters", smppBody("x", { system_id: "s".repeat(16) }), "1110", ["smpp.system_id"]],
  ["a system_id that is not ASCII", smppBody("x", { system_id: "lisolooé" }), "1110", ["smpp.system_id"]],
  ["no password", smppBody("x", { password: undefined }), "1109", ["smpp.password"]],
  ["an empty password", smppBody("x", { password: "" }), "1110", ["smpp.password"]],
  ["a password of 9 characters", smppBody("x", { password: "123456789" }), "1110", ["smpp.password"]],
  // 8 characters but 9 octets in UTF-8, and a C-Octet String is ASCII anyway.
  ["a password that is not ASCII", smppBody("x", { password: "pässwort" }), "1110", ["smpp.password"]],
  ["a password with a NUL", smppBody("x", { password: "ab\u0000cd" }), "1110", ["smpp.password"]],
  [
    "a system_type of 13 characters",
    smppBody("x", { system_type: "t".repeat(13) }),
    "1110",
    ["smpp.system_type"],
  ],
  ["0 binds", smppBody("x", { binds: 0 }), "1110", ["smpp.binds"]],
  ["11 binds", smppBody("x", { binds: 11 }), "1110", ["smpp.binds"]],
  ["a window of 0", smppBody("x", { window: 0 }), "1110", ["smpp.window"]],
  ["a window of 101", smppBody("x", { window: 101 }), "1110", ["smpp.window"]],
  ["a throughput of 0", smppBody("x", { throughput: 0 }), "1110", ["smpp.throughput"]],
  ["a negative throughput", smppBody("x", { throughput: -5 }), "1110", ["smpp.throughput"]],
  ["a throughput as a word", smppBody("x", { throughput: "fast" }), "1110", ["smpp.throughput"]],
  [
    "an unknown receipt id format",
    smppBody("x", { receipt_id_format: "hex" }),
    "1110",
    ["smpp.receipt_id_format"],
  ],
  ["an unknown SMPP setting", smppBody("x", { address_range: "" }), "1110", ["smpp.address_range"]],
  ["an unknown field", { ...smppBody("x-field"), colour: "red" }, "1110", ["colour"]],
  ["enabled as a string", { ...smppBody("x-enabled"), enabled: "yes" }, "1110", ["enabled"]],
  ["no sendsms_url", relayBody("x", { sendsms_url: undefined }), "1109", ["http_relay.sendsms_url"]],
  [
    "a sendsms_url that is not a URL",
    relayBody("x", { sendsms_url: "relay" }),
    "1110",
    ["http_relay.sendsms_url"],
  ],
  [
    "an ftp sendsms_url",
    relayBody("x", { sendsms_url: "ftp://relay.example.net/sendsms" }),
    "1110",
    ["http_relay.sendsms_url"],
  ],
  [
    "credentials in the sendsms_url",
    relayBody("x", { sendsms_url: "http://user:pw@relay.example.net:13013/cgi-bin/sendsms" }),
    "1110",
    ["http_relay.sendsms_url"],
  ],
  ["no username", relayBody("x", { username: undefined }), "1109", ["http_relay.username"]],
  ["an empty username", relayBody("x", { username: "" }), "1110", ["http_relay.username"]],
  ["no relay password", relayBody("x", { password: undefined }), "1109", ["http_relay.password"]],
  ["an empty relay password", relayBody("x", { password: "" }), "1110", ["http_relay.password"]],
  ["an empty smsc", relayBody("x", { smsc: "" }), "1110", ["http_relay.smsc"]],
  ["a timeout under a second", relayBody("x", { timeout_ms: 999 }), "1110", ["http_relay.timeout_ms"]],
  ["a timeout over a minute", relayBody("x", { timeout_ms: 60_001 }), "1110", ["http_relay.timeout_ms"]],
  ["a concurrency of 0", relayBody("x", { concurrency: 0 }), "1110", ["http_relay.concurrency"]],
  ["a concurrency of 101", relayBody("x", { concurrency: 101 }), "1110", ["http_relay.concurrency"]],
  [
    "a receipt_basic_auth that is not a boolean",
    relayBody("x", { receipt_basic_auth: "true" }),
    "1110",
    ["http_relay.receipt_basic_auth"],
  ],
  [
    "every mistake at once",
    { slug: "Bad Slug", kind: "smpp", smpp: { host: "https://x", port: -1, system_id: "", password: "" } },
    "1110",
    ["slug", "smpp.host", "smpp.port", "smpp.system_id", "smpp.password"],
  ],
];

describe("operator API: carrier validation", () => {
  it.each(refusals)("refuses %s, naming the field", async (_label, body, code, fields) => {
    const res = await admin("POST", "/carriers", body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, status_code: 400, error_code: code });
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([...fields].sort());
    for (const detail of res.body.details) expect(detail.message).toEqual(expect.any(String));
  });

  it("says what is wrong with a host in words an operator can act on", async () => {
    const messages = async (host: string) =>
      (await admin("POST", "/carriers", smppBody("x-host", { host }))).body.details[0].message;
    expect(await messages("smsc.example.net:2775")).toBe("No port here: give it as port");
    expect(await messages("smpp://smsc.example.net")).toBe("No scheme: the host name or IP address alone");
    expect(await messages("[2001:db8::1]")).toBe("An IPv6 address without its brackets (2001:db8::1)");
    expect(await messages("196.300.1.1")).toBe("Not a valid IPv4 address");
  });

  it.each([
    ["an IPv4 address", { host: "196.1.2.3" }],
    ["an IPv6 address", { host: "2001:db8::1" }],
    ["a one-label host name", { host: "smsc" }],
    ["the smallest and largest ports", { port: 1 }],
    ["port 65535", { port: 65_535 }],
    ["a system_id of 15 characters", { system_id: "s".repeat(15) }],
    ["a password of exactly 8 characters", { password: "12345678" }],
    ["a password of 1 character", { password: "x" }],
    ["a system_type of 12 characters", { system_type: "t".repeat(12) }],
    ["10 binds and a window of 100", { binds: 10, window: 100 }],
    ["a fractional throughput", { throughput: 0.5 }],
  ])("accepts %s", async (_label, smpp) => {
    const res = await admin("POST", "/carriers", smppBody(slug("edge"), smpp));
    expect(res.status).toBe(201);
  });
});
