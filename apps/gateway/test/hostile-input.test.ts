import { errorByCode, errorEnvelopeSchema, httpStatusOf } from "@lisoloo/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/auth/key-format";
import { ADMIN, ADMIN_TOKEN, admin, api, BASE, call, newMerchant, rows, rowsIn, SHARDS } from "./helpers";

/**
 * Hostile input across every merchant endpoint and the operator API: malformed headers, path tricks,
 * query junk, bodies no client should send, and every wrong method. Each row says exactly what it
 * gets; every row also must hold the invariants a hostile request may never break: no 5xx, the
 * error envelope (with its catalogue code, the HTTP status it maps to, the request id, and named
 * findings for validation errors) on every 4xx, and nothing written for a body that was refused.
 */

/** Ids and keys the rows point at, created once. */
type World = {
  /** Reads: a merchant with one send of 3 recipients (cursors, status). */
  reader: { apiKey: string; merchantId: string; keyId: string; sendId: string; cursor: string };
  /** Writes: every body it sends is refused, so it must end with no send and an untouched wallet. */
  writer: { apiKey: string; merchantId: string };
  /** Another merchant: its message id and cursor are foreign to the reader. */
  other: { sendId: string; cursor: string };
  /** A marker in the names of operator bodies that must all be refused. */
  marker: string;
};

type Expected = { status: number; code?: string; field?: string };

/** Request headers; null leaves a header out (a default one included). */
type Headers_ = Record<string, string | null>;

type Row = {
  name: string;
  method: string;
  url: (w: World) => string;
  headers: (w: World) => Headers_;
  body?: (w: World) => BodyInit;
  expected: Expected;
};

/** Codes whose contract names the offending fields: their `details` may never be empty. */
const NAMED_FINDINGS = new Set(["1101", "1102", "1103", "1104", "1105", "1106", "1109", "1110", "1203"]);

const LIMITS = { send: 100_000, status: 100_000, balance: 100_000, preview: 100_000 };
const PHONE = "+243998857000";
const valid = { to: [PHONE], message: "Hi" };
const json = (value: unknown) => () => JSON.stringify(value);
const text = (value: string) => () => new TextEncoder().encode(value);

function expectation(expected: number | Expected): Expected {
  return typeof expected === "number" ? { status: expected } : expected;
}

/** A row against the merchant API, as the reader (GET) or the writer (bodies). */
function merchant(
  name: string,
  method: string,
  path: string | ((w: World) => string),
  expected: number | Expected,
  options: {
    as?: "reader" | "writer";
    headers?: Headers_ | ((w: World) => Headers_);
    body?: (w: World) => BodyInit;
  } = {},
): Row {
  const as = options.as ?? (options.body ? "writer" : "reader");
  return {
    name,
    method,
    url: (w) => `${BASE}${typeof path === "string" ? path : path(w)}`,
    headers: (w) => ({
      "app-key": w[as].apiKey,
      ...(options.body ? { "content-type": "application/json" } : {}),
      ...(typeof options.headers === "function" ? options.headers(w) : options.headers),
    }),
    body: options.body,
    expected: expectation(expected),
  };
}

/** A row against the operator API, with the admin token unless `headers` replaces it. */
function operator(
  name: string,
  method: string,
  path: string | ((w: World) => string),
  expected: number | Expected,
  options: { headers?: Headers_; body?: (w: World) => BodyInit } = {},
): Row {
  return {
    name,
    method,
    url: (w) => `${ADMIN}${typeof path === "string" ? path : path(w)}`,
    headers: () => ({
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(options.body ? { "content-type": "application/json" } : {}),
      ...options.headers,
    }),
    body: options.body,
    expected: expectation(expected),
  };
}

const id = (w: World) => w.reader.sendId;
const recipients = (query: string) => (w: World) => `/status/${w.reader.sendId}/recipients${query}`;
const deep = (depth: number, inner: string) => `${'{"a":'.repeat(depth)}${inner}${"}".repeat(depth)}`;
/** A valid body with a deeply nested unknown field `a`. */
const deepBody = (depth: number) => `{"to":["+243998857000"],"message":"Hi","a":${deep(depth, "1")}}`;

// —— methods: every route, every method it does not serve ——————————————————————————————————————
const merchantRoutes: [string, string | ((w: World) => string)][] = [
  ["POST", "/send"],
  ["POST", "/preview"],
  ["GET", (w) => `/status/${id(w)}`],
  ["GET", (w) => `/status/${id(w)}/recipients`],
  ["GET", "/balance"],
  ["GET", "/health"],
  ["DELETE", (w) => `/cancel/${id(w)}`],
  ["POST", (w) => `/pause/${id(w)}`],
  ["POST", (w) => `/resume/${id(w)}`],
];
const operatorRoutes: [string[], string | ((w: World) => string)][] = [
  [["POST"], "/merchants"],
  [["GET", "PATCH"], (w) => `/merchants/${w.reader.merchantId}`],
  [["GET", "POST"], (w) => `/merchants/${w.reader.merchantId}/keys`],
  [["GET"], (w) => `/keys/${w.reader.keyId}`],
  [["POST"], (w) => `/keys/${w.reader.keyId}/regenerate`],
  [["POST"], (w) => `/keys/${w.reader.keyId}/suspend`],
  [["PUT", "DELETE"], (w) => `/keys/${w.reader.keyId}/webhook`],
  [["POST"], (w) => `/keys/${w.reader.keyId}/webhook/ping`],
  [["POST"], (w) => `/keys/${w.reader.keyId}/webhook/rotate-secret`],
  [["GET"], (w) => `/merchants/${w.reader.merchantId}/wallets`],
  [["POST"], (w) => `/merchants/${w.reader.merchantId}/wallets/LISOLOO_SMS/topups`],
  [["GET"], (w) => `/messages/${id(w)}/webhooks`],
  [["POST"], "/webhooks/evt_unknown/replay"],
];
const label = (path: string | ((w: World) => string)) =>
  typeof path === "string" ? path : path(placeholder).replaceAll(/[0-9a-f]{24}|(mch|key)_\w+/g, "{id}");
const placeholder: World = {
  reader: { apiKey: "", merchantId: "mch_x", keyId: "key_x", sendId: "0".repeat(24), cursor: "" },
  writer: { apiKey: "", merchantId: "" },
  other: { sendId: "", cursor: "" },
  marker: "",
};
const methodRows: Row[] = [
  ...merchantRoutes.flatMap(([served, path]) =>
    ["TRACE", "PATCH", "PUT", "OPTIONS", served === "GET" ? "POST" : "GET"]
      .filter((m) => m !== served)
      .map((m) => merchant(`${m} ${label(path)}`, m, path, { status: 405, code: "1404" })),
  ),
  ...operatorRoutes.flatMap(([served, path]) =>
    ["TRACE", "PATCH", "OPTIONS"]
      .filter((m) => !served.includes(m))
      .map((m) => operator(`${m} ${label(path)}`, m, path, { status: 405, code: "1404" })),
  ),
  ...["/openapi.json", "/docs"].flatMap((path) =>
    ["TRACE", "PATCH", "POST"].map((m) => ({
      name: `${m} ${path}`,
      method: m,
      url: () => `http://gateway.test${path}`,
      headers: () => ({}),
      expected: { status: 405, code: "1404" },
    })),
  ),
  merchant("DELETE on an unknown route", "DELETE", "/nothing-here", { status: 404, code: "1403" }),
  merchant("TRACE on an unknown route", "TRACE", "/nothing-here", { status: 404, code: "1403" }),
];

// —— app-key and admin token ——————————————————————————————————————————————————————————————————————
const invalidKey = { status: 401, code: "1001", field: "app-key" };
const keyVariants: [string, (key: string) => Headers_][] = [
  ["no app-key", () => ({ "app-key": null })],
  ["an empty app-key", () => ({ "app-key": "" })],
  ["a blank app-key", () => ({ "app-key": " \t " })],
  ["the key upper-cased", (key) => ({ "app-key": key.toUpperCase() })],
  ["the key with an inner space", (key) => ({ "app-key": `${key.slice(0, 12)} ${key.slice(12)}` })],
  ["two keys joined by a comma", (key) => ({ "app-key": `${key}, ${key}` })],
  ["a key of 10 000 characters", () => ({ "app-key": `sk_test_${"a".repeat(10_000)}` })],
  ["a Latin-1 key", () => ({ "app-key": `sk_test_${"é".repeat(32)}` })],
  ["a key with a tab inside", () => ({ "app-key": `sk_test_${"a".repeat(16)}\t${"a".repeat(15)}` })],
  ["a live key on the sandbox", () => ({ "app-key": generateApiKey("production") })],
  ["a key nobody issued", () => ({ "app-key": generateApiKey("sandbox") })],
  ["a Bearer scheme in app-key", (key) => ({ "app-key": `Bearer ${key}` })],
  ["the key in Authorization", (key) => ({ "app-key": null, authorization: `Bearer ${key}` })],
  ["the key in a Cookie", (key) => ({ "app-key": null, cookie: `app-key=${key}` })],
];
const keyRows: Row[] = [
  ...keyVariants.map(([name, headers]) =>
    merchant(`GET /balance with ${name}`, "GET", "/balance", invalidKey, {
      headers: (w) => headers(w.reader.apiKey),
    }),
  ),
  merchant(
    "GET /balance with the key in the query string",
    "GET",
    (w) => `/balance?app-key=${w.reader.apiKey}`,
    invalidKey,
    {
      headers: { "app-key": null },
    },
  ),
  merchant("GET /balance with the key padded by spaces (trimmed)", "GET", "/balance", 200, {
    headers: (w) => ({ "app-key": `  ${w.reader.apiKey}  ` }),
  }),
  ...(
    [
      ["no Authorization", { authorization: null }],
      ["a wrong token", { authorization: "Bearer nope" }],
      ["the scheme only", { authorization: "Bearer" }],
      ["Basic credentials", { authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }],
      ["the token without a scheme", { authorization: ADMIN_TOKEN }],
      ["a token of 10 000 characters", { authorization: `Bearer ${"t".repeat(10_000)}` }],
      ["a Latin-1 token", { authorization: `Bearer ${ADMIN_TOKEN}é` }],
      ["an app-key instead", { authorization: null, "app-key": generateApiKey("sandbox") }],
    ] as [string, Headers_][]
  ).map(([name, headers]) =>
    operator(
      `operator API with ${name}`,
      "GET",
      (w) => `/merchants/${w.reader.merchantId}`,
      { status: 401, code: "1001" },
      { headers },
    ),
  ),
  operator(
    "operator API with a lower-case bearer scheme",
    "GET",
    (w) => `/merchants/${w.reader.merchantId}`,
    200,
    {
      headers: { authorization: `bearer ${ADMIN_TOKEN}` },
    },
  ),
];

// —— Content-Type ——————————————————————————————————————————————————————————————————————————————————
const wrongType = { status: 400, code: "1106", field: "Content-Type" };
const typeRows: Row[] = [
  ...(
    [
      ["no Content-Type", null, wrongType],
      ["text/plain", "text/plain", wrongType],
      ["an empty Content-Type", "", wrongType],
      // curl's -d without -H labels JSON this way; the documentation's home page does so.
      ["curl's default form type over a JSON object", "application/x-www-form-urlencoded", 200],
      ["multipart/form-data", "multipart/form-data; boundary=x", wrongType],
      ["application/jsonp", "application/jsonp", wrongType],
      ["application/xml", "application/xml", wrongType],
      ["json without a type", "json", wrongType],
      ["a Content-Type of 5 000 characters", `text/${"x".repeat(5_000)}`, wrongType],
      ["a Latin-1 Content-Type", "application/jsön", wrongType],
      ["application/json", "application/json", 200],
      ["APPLICATION/JSON", "APPLICATION/JSON", 200],
      ["application/json; charset=utf-8", "application/json; charset=utf-8", 200],
      ["application/json;charset=UTF-8", "application/json;charset=UTF-8", 200],
      ["a +json suffix", "application/vnd.lisoloo+json", 200],
      ["padded application/json", "  application/json  ", 200],
    ] as [string, string | null, number | Expected][]
  ).map(([name, type, expected]) =>
    merchant(`POST /preview with ${name}`, "POST", "/preview", expected, {
      as: "reader",
      body: json(valid),
      headers: { "content-type": type },
    }),
  ),
];

// —— Idempotency-Key ——————————————————————————————————————————————————————————————————————————————
const badIdempotencyKey = { status: 400, code: "1110", field: "Idempotency-Key" };
const idempotencyRows: Row[] = [
  ...(
    [
      ["empty", ""],
      ["256 characters", "k".repeat(256)],
      ["10 000 characters", "k".repeat(10_000)],
      ["Latin-1", "clé-42"],
      ["a DEL character", "key\x7f"],
      ["a tab inside", "a\tb"],
    ] as [string, string][]
  ).map(([name, key]) =>
    merchant(`POST /send with an Idempotency-Key that is ${name}`, "POST", "/send", badIdempotencyKey, {
      body: json(valid),
      headers: { "idempotency-key": key },
    }),
  ),
  merchant(
    "POST /send with a valid Idempotency-Key and an invalid body",
    "POST",
    "/send",
    {
      status: 400,
      code: "1104",
      field: "to[0]",
    },
    {
      body: json({ to: ["nope"], message: "Hi" }),
      headers: { "idempotency-key": `hostile-${crypto.randomUUID()}` },
    },
  ),
  merchant(
    "POST /send with a valid Idempotency-Key and a deeply nested body",
    "POST",
    "/send",
    {
      status: 400,
      code: "1110",
      field: "a",
    },
    {
      body: text(deepBody(20_000)),
      headers: { "idempotency-key": `hostile-${crypto.randomUUID()}` },
    },
  ),
];

// —— paths ————————————————————————————————————————————————————————————————————————————————————————
const notFound = { status: 404, code: "1201" };
const pathRows: Row[] = [
  ...(
    [
      ["..%2Fbalance", "/status/..%2Fbalance"],
      ["%2e%2e%2fbalance", "/status/%2e%2e%2fbalance"],
      ["an encoded null", "/status/%00"],
      ["an id followed by an encoded null", "/status/507f1f77bcf86cd799439011%00"],
      ["an upper-case id", "/status/507F1F77BCF86CD799439011"],
      ["an id of 23 characters", "/status/507f1f77bcf86cd79943901"],
      ["an id of 10 000 characters", `/status/${"a".repeat(10_000)}`],
      ["a non-hex id", "/status/zzzzzzzzzzzzzzzzzzzzzzzz"],
      ["a percent-encoded id", "/status/%35%30%37f1f77bcf86cd799439011"],
      ["an encoded slash in the id", "/status/507f1f77bcf86cd7%2F9439011"],
      ["a Unicode id", "/status/%E2%80%AE507f1f77bcf86cd799439011"],
      ["an SQL-looking id", "/status/'%20OR%201=1--"],
      ["recipients of an unknown id", "/status/507f1f77bcf86cd799439011/recipients"],
      ["recipients of an encoded null", "/status/%00/recipients"],
    ] as [string, string][]
  ).map(([name, path]) => merchant(`GET /status with ${name}`, "GET", path, notFound)),
  merchant("GET /status of another merchant's send", "GET", (w) => `/status/${w.other.sendId}`, notFound),
  merchant("cancel of another merchant's send", "DELETE", (w) => `/cancel/${w.other.sendId}`, notFound),
  merchant("pause of an encoded null", "POST", "/pause/%00", notFound),
  merchant("resume of a 10 000-character id", "POST", `/resume/${"f".repeat(10_000)}`, notFound),
  merchant("cancel of ..%2F..%2Fadmin", "DELETE", "/cancel/..%2F..%2Fadmin", notFound),
  ...(
    [
      ["an empty id", "/status/"],
      ["an upper-case route", "/STATUS/507f1f77bcf86cd799439011"],
      ["a trailing slash on /balance", "/balance/"],
      ["a matrix parameter", "/balance;jsessionid=1"],
      ["a double slash", "//balance"],
      ["an encoded slash in the route", "/status%2F507f1f77bcf86cd799439011"],
      ["a route with an encoded null", "/bal%00ance"],
      ["a path of 20 000 characters", `/${"x".repeat(20_000)}`],
    ] as [string, string][]
  ).map(([name, path]) => merchant(`GET ${name}`, "GET", path, { status: 404, code: "1403" })),
  operator("an encoded path escape into the operator API", "GET", "/merchants/..%2F..%2Fkeys", {
    status: 404,
    code: "1403",
  }),
  operator("an unknown merchant", "GET", "/merchants/mch_nope", { status: 404, code: "1403" }),
  operator("an unknown key", "GET", `/keys/${"k".repeat(5_000)}`, { status: 404, code: "1403" }),
  operator(
    "an unknown wallet type",
    "POST",
    (w) => `/merchants/${w.reader.merchantId}/wallets/GOLD/topups`,
    {
      status: 404,
      code: "1403",
    },
    { body: json({ amount: 1 }) },
  ),
  operator(
    "an unknown wallet movement",
    "POST",
    (w) => `/merchants/${w.reader.merchantId}/wallets/LISOLOO_SMS/steals`,
    {
      status: 404,
      code: "1403",
    },
    { body: json({ amount: 1 }) },
  ),
  operator("webhooks of an unknown message", "GET", "/messages/%00/webhooks", { status: 404, code: "1201" }),
];

// —— query strings ————————————————————————————————————————————————————————————————————————————————
const badLimit = { status: 400, code: "1110", field: "limit" };
const badCursor = { status: 400, code: "1110", field: "cursor" };
const queryRows: Row[] = [
  ...[
    "-1",
    "0",
    "1001",
    "1e3",
    "0x10",
    "5.5",
    "5.0",
    "+5",
    "%205",
    "abc",
    "",
    "99999999999999999999",
    "Infinity",
    "NaN",
    "1%00",
  ].map((limit) =>
    merchant(`recipients with limit=${limit}`, "GET", recipients(`?limit=${limit}`), badLimit),
  ),
  merchant("recipients with limit=1000", "GET", recipients("?limit=1000"), 200),
  merchant("recipients with limit=5&limit=6 (the first counts)", "GET", recipients("?limit=5&limit=6"), 200),
  ...(
    [
      ["!!!", "!!!"],
      ["an encoded null", "%00"],
      ["a single character", "a"],
      ["plain base64 of a position", btoa("1.2")],
      ["the old layout", btoa("0.0").replace(/=+$/, "")],
      ["a wrong tag", btoa("0.0.00000000").replace(/=+$/, "")],
      ["10 000 characters", "A".repeat(10_000)],
      ["a Unicode cursor", "%C3%A9t%C3%A9"],
      ["base64 that is not UTF-8", btoa("\xff\xfe\xfd")],
      ["a JSON object", encodeURIComponent('{"seq":0}')],
    ] as [string, string][]
  ).map(([name, cursor]) =>
    merchant(`recipients with a cursor that is ${name}`, "GET", recipients(`?cursor=${cursor}`), badCursor),
  ),
  merchant(
    "recipients with another send's cursor",
    "GET",
    (w) => `/status/${w.reader.sendId}/recipients?cursor=${w.other.cursor}`,
    badCursor,
  ),
  merchant(
    "recipients with a cursor and padding",
    "GET",
    (w) => `/status/${w.reader.sendId}/recipients?cursor=${w.reader.cursor}%3D`,
    badCursor,
  ),
  merchant(
    "recipients with a cursor one character off",
    "GET",
    (w) => {
      const c = w.reader.cursor;
      const last = c.at(-1) === "A" ? "B" : "A";
      return `/status/${w.reader.sendId}/recipients?cursor=${c.slice(0, -1)}${last}`;
    },
    badCursor,
  ),
  merchant(
    "recipients with its own cursor",
    "GET",
    (w) => `/status/${w.reader.sendId}/recipients?limit=1&cursor=${w.reader.cursor}`,
    200,
  ),
  merchant("recipients with an empty cursor (the first page)", "GET", recipients("?cursor="), 200),
  merchant("GET /balance with junk in the query", "GET", "/balance?limit=-1&cursor=!!!&__proto__[x]=1", 200),
  merchant(
    "GET /status with junk in the query",
    "GET",
    (w) => `/status/${w.reader.sendId}?limit=1e3&%00=%00`,
    200,
  ),
  merchant("GET /health with a 5 000-character query", "GET", `/health?${"q".repeat(5_000)}`, 200),
];

// —— bodies ———————————————————————————————————————————————————————————————————————————————————————
const send = (name: string, body: () => BodyInit, expected: number | Expected) =>
  merchant(`POST /send with ${name}`, "POST", "/send", expected, { body });
const recipientsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => `+24381${String(i).padStart(7, "0")}`);
const bodyRows: Row[] = [
  ...(
    [
      ["an array", "[]"],
      ["an array of the body", JSON.stringify([valid])],
      ["a string", '"hello"'],
      ["a number", "42"],
      ["null", "null"],
      ["true", "true"],
      ["an empty body", ""],
      ["whitespace only", " \n\t "],
      ["a syntax error", "{to:[1]}"],
      ["a trailing comma", '{"to":["+243998857000"],"message":"Hi",}'],
      ["a comment", '{"to":["+243998857000"], /* hi */ "message":"Hi"}'],
      ["NaN", '{"to":["+243998857000"],"message":"Hi","validity_period":NaN}'],
      ["two objects", '{"message":"Hi"}{"to":["+243998857000"]}'],
      ["single quotes", "{'to':['+243998857000'],'message':'Hi'}"],
      ["a deep array", `${"[".repeat(60_000)}${"]".repeat(60_000)}`],
    ] as [string, string][]
  ).map(([name, raw]) => send(name, text(raw), { status: 400, code: "1106", field: "body" })),
  send(
    "invalid UTF-8 in a string",
    () =>
      new Uint8Array([...new TextEncoder().encode('{"to":["+243998857000"],"message":"'), 0xff, 0x22, 0x7d]),
    {
      status: 400,
      code: "1106",
      field: "body",
    },
  ),
  send("an overlong UTF-8 slash", () => new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]), {
    status: 400,
    code: "1106",
    field: "body",
  }),
  send("UTF-16 bytes", () => new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), {
    status: 400,
    code: "1106",
    field: "body",
  }),
  send("an empty object", json({}), { status: 400, code: "1109", field: "to" }),
  send("a deeply nested object", text(deepBody(20_000)), { status: 400, code: "1110", field: "a" }),
  send("a deeply nested to", text(`{"to":${"[".repeat(50_000)}${"]".repeat(50_000)},"message":"Hi"}`), {
    status: 400,
    code: "1104",
    field: "to[0]",
  }),
  send(
    "nested junk in recurring_schedule",
    text(
      `{"to":["${PHONE}"],"message":"Hi","sending_type":"recurring","recurring_schedule":{"end_date":"2099-01-01","frequency":"daily","times":["08:00"],"a":${deep(5_000, "1")}}}`,
    ),
    {
      status: 400,
      code: "1110",
      field: "recurring_schedule.a",
    },
  ),
  send("10 000 recipients", json({ to: recipientsOf(10_000), message: "Hi" }), {
    status: 400,
    code: "1203",
    field: "to",
  }),
  send("1001 recipients", json({ to: recipientsOf(1001), message: "Hi" }), {
    status: 400,
    code: "1203",
    field: "to",
  }),
  send("to as a string", json({ to: PHONE, message: "Hi" }), { status: 400, code: "1101", field: "to" }),
  send("to as an object", json({ to: { 0: PHONE }, message: "Hi" }), {
    status: 400,
    code: "1101",
    field: "to",
  }),
  send("an empty to", json({ to: [], message: "Hi" }), { status: 400, code: "1101", field: "to" }),
  send("a number in to", json({ to: [243998857000], message: "Hi" }), {
    status: 400,
    code: "1104",
    field: "to[0]",
  }),
  send("null in to", json({ to: [null], message: "Hi" }), { status: 400, code: "1104", field: "to[0]" }),
  send("16 digits", json({ to: ["+2439988570001234"], message: "Hi" }), {
    status: 400,
    code: "1104",
    field: "to[0]",
  }),
  send("a phone with a lone surrogate", json({ to: [`${PHONE}\ud800`], message: "Hi" }), {
    status: 400,
    code: "1110",
    field: "to[0]",
  }),
  send("a message as a number", json({ to: [PHONE], message: 42 }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("a message as an array", json({ to: [PHONE], message: ["Hi"] }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("an empty message", json({ to: [PHONE], message: "" }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("1601 characters", json({ to: [PHONE], message: "x".repeat(1601) }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("a lone high surrogate", json({ to: [PHONE], message: "a\ud800b" }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("a lone low surrogate", json({ to: [PHONE], message: "\udc00" }), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("a lone surrogate as a JSON escape", text(`{"to":["${PHONE}"],"message":"\\ud83d"}`), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("a duplicate message key (the last wins)", text(`{"to":["${PHONE}"],"message":"Hi","message":""}`), {
    status: 400,
    code: "1110",
    field: "message",
  }),
  send("validity_period as a string", json({ ...valid, validity_period: "60" }), {
    status: 400,
    code: "1110",
    field: "validity_period",
  }),
  send("validity_period past a double", text(`{"to":["${PHONE}"],"message":"Hi","validity_period":1e400}`), {
    status: 400,
    code: "1110",
    field: "validity_period",
  }),
  send("validity_period 60.5", json({ ...valid, validity_period: 60.5 }), {
    status: 400,
    code: "1110",
    field: "validity_period",
  }),
  send("a negative validity_period", json({ ...valid, validity_period: -60 }), {
    status: 400,
    code: "1110",
    field: "validity_period",
  }),
  send("transliterate as a string", json({ ...valid, transliterate: "true" }), {
    status: 400,
    code: "1110",
    field: "transliterate",
  }),
  send("transliterate as 1", json({ ...valid, transliterate: 1 }), {
    status: 400,
    code: "1110",
    field: "transliterate",
  }),
  send("a numeric sender_id", json({ ...valid, sender_id: 42 }), {
    status: 400,
    code: "1102",
    field: "sender_id",
  }),
  send("a sender_id of 12 letters", json({ ...valid, sender_id: "ABCDEFGHIJKL" }), {
    status: 400,
    code: "1102",
    field: "sender_id",
  }),
  send("a sender_id with a lone surrogate", json({ ...valid, sender_id: "SHOP\ud800" }), {
    status: 400,
    code: "1110",
    field: "sender_id",
  }),
  send("a null sending_type", json({ ...valid, sending_type: null }), {
    status: 400,
    code: "1110",
    field: "sending_type",
  }),
  send("sending_type in capitals", json({ ...valid, sending_type: "IMMEDIATE" }), {
    status: 400,
    code: "1110",
    field: "sending_type",
  }),
  send("scheduled without dates", json({ ...valid, sending_type: "scheduled" }), {
    status: 400,
    code: "1109",
    field: "scheduled_dates",
  }),
  send("recurring without a schedule", json({ ...valid, sending_type: "recurring" }), {
    status: 400,
    code: "1109",
    field: "recurring_schedule",
  }),
  send("dates with immediate", json({ ...valid, scheduled_dates: [{ date: "2099-01-01", time: "08:00" }] }), {
    status: 400,
    code: "1110",
    field: "scheduled_dates",
  }),
  send(
    "a date in the past",
    json({ ...valid, sending_type: "scheduled", scheduled_dates: [{ date: "2000-01-01", time: "08:00" }] }),
    {
      status: 400,
      code: "1103",
      field: "scheduled_dates[0]",
    },
  ),
  send(
    "a date in year 275760",
    json({ ...valid, sending_type: "scheduled", scheduled_dates: [{ date: "275760-09-13", time: "00:00" }] }),
    {
      status: 400,
      code: "1103",
      field: "scheduled_dates[0].date",
    },
  ),
  send(
    "a recurring schedule ending in 9999",
    json({
      ...valid,
      sending_type: "recurring",
      recurring_schedule: { end_date: "9999-12-31", frequency: "daily", times: ["08:00"] },
    }),
    { status: 400, code: "1103", field: "recurring_schedule" },
  ),
  send(
    "a recurring interval past a double",
    text(
      `{"to":["${PHONE}"],"message":"Hi","sending_type":"recurring","recurring_schedule":{"end_date":"2099-01-01","frequency":"daily","times":["08:00"],"interval":1e400}}`,
    ),
    {
      status: 400,
      code: "1110",
      field: "recurring_schedule.interval",
    },
  ),
  send(
    "a callback_url of 200 000 characters",
    json({ ...valid, callback_url: `https://example.com/${"x".repeat(200_000)}` }),
    {
      status: 400,
      code: "1105",
      field: "callback_url",
    },
  ),
  send("a javascript: callback_url", json({ ...valid, callback_url: "javascript:alert(1)" }), {
    status: 400,
    code: "1105",
    field: "callback_url",
  }),
  send("a callback_url with credentials", json({ ...valid, callback_url: "https://u:p@example.com/h" }), {
    status: 400,
    code: "1105",
    field: "callback_url",
  }),
  send(
    "a callback_url to the metadata service",
    json({ ...valid, callback_url: "https://169.254.169.254/latest" }),
    {
      status: 400,
      code: "1105",
      field: "callback_url",
    },
  ),
  send("a callback_url to an IPv6 loopback", json({ ...valid, callback_url: "https://[::1]/h" }), {
    status: 400,
    code: "1105",
    field: "callback_url",
  }),
  send("a callback_url as an object", json({ ...valid, callback_url: { href: "https://example.com" } }), {
    status: 400,
    code: "1105",
    field: "callback_url",
  }),
  send(
    "__proto__ at the top",
    text(`{"to":["${PHONE}"],"message":"Hi","__proto__":{"sending_type":"scheduled","polluted":1}}`),
    {
      status: 400,
      code: "1110",
      field: "__proto__",
    },
  ),
  send(
    "constructor.prototype at the top",
    text(`{"to":["${PHONE}"],"message":"Hi","constructor":{"prototype":{"polluted":1}}}`),
    {
      status: 400,
      code: "1110",
      field: "constructor",
    },
  ),
  send("toString at the top", json({ ...valid, toString: "x" }), {
    status: 400,
    code: "1110",
    field: "toString",
  }),
  send("hasOwnProperty at the top", json({ ...valid, hasOwnProperty: 1 }), {
    status: 400,
    code: "1110",
    field: "hasOwnProperty",
  }),
  send(
    "__proto__ in a scheduled date",
    text(
      `{"to":["${PHONE}"],"message":"Hi","sending_type":"scheduled","scheduled_dates":[{"date":"2099-01-01","time":"08:00","__proto__":{"polluted":1}}]}`,
    ),
    {
      status: 400,
      code: "1110",
      field: "scheduled_dates[0].__proto__",
    },
  ),
  send(
    "__proto__ in the recurring schedule",
    text(
      `{"to":["${PHONE}"],"message":"Hi","sending_type":"recurring","recurring_schedule":{"end_date":"2099-01-01","frequency":"daily","times":["08:00"],"__proto__":{"interval":0}}}`,
    ),
    {
      status: 400,
      code: "1110",
      field: "recurring_schedule.__proto__",
    },
  ),
  send("an unknown field", json({ ...valid, recipients: [PHONE] }), {
    status: 400,
    code: "1110",
    field: "recipients",
  }),
  send("an empty key", json({ ...valid, "": 1 }), { status: 400, code: "1110", field: '[""]' }),
  send("a body of 256 KiB and one byte", () => `${JSON.stringify(valid)}${" ".repeat(256 * 1024)}`, {
    status: 413,
    code: "1304",
  }),
  send("a chunked body over 256 KiB", () => chunked(300 * 1024), { status: 413, code: "1304" }),
  merchant(
    "POST /send with a Content-Length of 10 GB",
    "POST",
    "/send",
    { status: 413, code: "1304" },
    {
      body: json(valid),
      headers: { "content-length": "10000000000" },
    },
  ),
];

/** A body without a Content-Length, streamed in 16 KiB chunks of spaces. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(16 * 1024, bytes - sent);
      controller.enqueue(new Uint8Array(size).fill(0x20));
      sent += size;
    },
  });
}

const operatorBodyRows: Row[] = [
  ...(
    [
      ["an array", "[]"],
      ["null", "null"],
      ["a syntax error", "{"],
      ["invalid UTF-8", "\u00ff"],
    ] as [string, string][]
  ).map(([name, raw]) =>
    operator(
      `POST /merchants with ${name}`,
      "POST",
      "/merchants",
      { status: 400, code: "1106" },
      {
        body: name === "invalid UTF-8" ? () => new Uint8Array([0x7b, 0xff, 0x7d]) : text(raw),
      },
    ),
  ),
  ...(
    [
      ["no name", {}, "1109", "name"],
      ["a negative wallet", { name: "m", wallets: { LISOLOO_SMS: -1 } }, "1110", "wallets.LISOLOO_SMS"],
      ["an unknown wallet", { name: "m", wallets: { GOLD: 1 } }, "1110", "wallets.GOLD"],
      ["a rate limit of 0", { name: "m", rate_limits: { send: 0 } }, "1110", "rate_limits.send"],
      ["a made-up time zone", { name: "m", time_zone: "Mars/Olympus" }, "1110", "time_zone"],
      ["a lower-case currency", { name: "m", currency: "usd" }, "1110", "currency"],
      ["__proto__", null, "1110", "__proto__"],
    ] as [string, Record<string, unknown> | null, string, string][]
  ).map(([name, body, code, field]) =>
    operator(
      `POST /merchants with ${name}`,
      "POST",
      "/merchants",
      { status: 400, code, field },
      {
        body: (w) => {
          const named = `hostile ${w.marker}`;
          if (name === "__proto__") return `{"name":"${named}","__proto__":{"unit_price":0}}`;
          return JSON.stringify(
            "name" in (body ?? {}) ? { ...body, name: body?.name === "m" ? named : body?.name } : body,
          );
        },
      },
    ),
  ),
  operator(
    "PATCH a merchant with an array",
    "PATCH",
    (w) => `/merchants/${w.reader.merchantId}`,
    { status: 400, code: "1106" },
    {
      body: text("[]"),
    },
  ),
  operator(
    "a negative top-up",
    "POST",
    (w) => `/merchants/${w.reader.merchantId}/wallets/LISOLOO_SMS/topups`,
    {
      status: 400,
      code: "1110",
      field: "amount",
    },
    { body: json({ amount: -5 }) },
  ),
  operator(
    "a top-up over 256 KiB",
    "POST",
    (w) => `/merchants/${w.reader.merchantId}/wallets/LISOLOO_SMS/topups`,
    {
      status: 413,
      code: "1304",
    },
    { body: () => chunked(300 * 1024) },
  ),
  operator(
    "a webhook URL of 3 000 characters",
    "PUT",
    (w) => `/keys/${w.reader.keyId}/webhook`,
    {
      status: 400,
      code: "1110",
      field: "webhook_url",
    },
    { body: json({ webhook_url: `https://example.com/${"x".repeat(3_000)}` }) },
  ),
  operator(
    "a webhook URL to a private address",
    "PUT",
    (w) => `/keys/${w.reader.keyId}/webhook`,
    {
      status: 400,
      code: "1105",
      field: "webhook_url",
    },
    { body: json({ webhook_url: "https://10.0.0.1/hook" }) },
  ),
  operator(
    "a regenerate grace of a year",
    "POST",
    (w) => `/keys/${w.reader.keyId}/regenerate`,
    {
      status: 400,
      code: "1110",
      field: "grace_seconds",
    },
    { body: json({ grace_seconds: 365 * 24 * 3600 }) },
  ),
];

const table: Row[] = [
  ...methodRows,
  ...keyRows,
  ...typeRows,
  ...idempotencyRows,
  ...pathRows,
  ...queryRows,
  ...bodyRows,
  ...operatorBodyRows,
];

let world: World;
let writerBalance: number;

beforeAll(async () => {
  const reader = await newMerchant({ rate_limits: LIMITS });
  const sent = await api(reader.apiKey, "POST", "/send", {
    to: [PHONE, "+243998857001", "+243998857002"],
    message: "Hi",
  });
  const sendId = sent.body.data.message_id as string;
  const page = await api(reader.apiKey, "GET", `/status/${sendId}/recipients?limit=1`);
  const other = await newMerchant({ rate_limits: LIMITS });
  const otherSent = await api(other.apiKey, "POST", "/send", { to: [PHONE, "+243998857001"], message: "Hi" });
  const otherId = otherSent.body.data.message_id as string;
  const otherPage = await api(other.apiKey, "GET", `/status/${otherId}/recipients?limit=1`);
  const writer = await newMerchant({ rate_limits: LIMITS });
  world = {
    reader: { ...reader, sendId, cursor: page.body.data.next_cursor as string },
    writer,
    other: { sendId: otherId, cursor: otherPage.body.data.next_cursor as string },
    marker: crypto.randomUUID(),
  };
  writerBalance = await walletSum(writer.merchantId);
});

async function walletSum(merchantId: string): Promise<number> {
  const [row] = await rows<{ total: number }>(
    "SELECT SUM(balance_micros) AS total FROM wallets WHERE merchant_id = ?",
    merchantId,
  );
  return row?.total ?? 0;
}

/** Sends one row and checks what it got against the row and the invariants. */
async function check(row: Row): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(row.headers(world)))
    if (value !== null) headers.set(name, value);
  const body = row.body?.(world);
  const res = await call(row.url(world), {
    method: row.method,
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const raw = await res.text();

  expect(res.status, raw.slice(0, 500)).toBeLessThan(500);
  expect(res.status, raw.slice(0, 500)).toBe(row.expected.status);
  if (res.status < 400) return;

  const envelope = errorEnvelopeSchema.parse(JSON.parse(raw));
  expect(envelope.status_code).toBe(res.status);
  expect(httpStatusOf(errorByCode(envelope.error_code as "1001").code)).toBe(res.status);
  expect(envelope.detail).toBe(envelope.message);
  expect(res.headers.get("x-request-id")).toBe(envelope.request_id);
  if (row.expected.code) expect(envelope.error_code, raw.slice(0, 500)).toBe(row.expected.code);
  if (NAMED_FINDINGS.has(envelope.error_code))
    expect(envelope.details?.length, raw.slice(0, 500)).toBeGreaterThan(0);
  if (row.expected.field)
    expect(
      envelope.details?.map((d) => d.field),
      raw.slice(0, 500),
    ).toContain(row.expected.field);
}

describe(`hostile input: ${table.length} requests`, () => {
  it.each(table.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    await check(row);
  });

  it("wrote nothing for any refused body: no send, no debit, no merchant, no pollution", async () => {
    expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", world.writer.merchantId)).toEqual([]);
    expect(
      await rows(
        "SELECT id FROM wallet_ledger WHERE merchant_id = ? AND reason != 'topup'",
        world.writer.merchantId,
      ),
    ).toEqual([]);
    expect(await walletSum(world.writer.merchantId)).toBe(writerBalance);
    // In every shard: a merchant made by a refused request could be in either.
    for (const db of Object.values(SHARDS))
      expect(await rowsIn(db, "SELECT id FROM merchants WHERE name LIKE ?", `%${world.marker}%`)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await admin("GET", `/merchants/${world.reader.merchantId}`)).body.data.unit_price).toBe(0.02);
  });
});

/**
 * The operator API's own validation (src/admin): a value of the wrong type is named as such, not as
 * missing; an amount or unit price past 6 decimal places is refused (money is kept in micro-units);
 * `default_sender_id` obeys the sender rule, since every send without a `sender_id` goes out with it.
 */
const operatorValidation: Row[] = [
  ...(
    [
      ["a numeric name", '{"name":5}', "name"],
      ["a unit_price as a string", '{"name":"m","unit_price":"0.02"}', "unit_price"],
      ["a unit_price past a double", '{"name":"m","unit_price":1e400}', "unit_price"],
      ["a deeply nested name", `{"name":${deep(5_000, "1")}}`, "name"],
      ["a unit_price of 7 decimal places", '{"name":"m","unit_price":0.0000001}', "unit_price"],
      [
        "a default_sender_id with a lone surrogate",
        '{"name":"m","default_sender_id":"SHOP\\ud800"}',
        "default_sender_id",
      ],
      [
        "a default_sender_id of 14 characters",
        '{"name":"m","default_sender_id":"MY COMPANY LTD"}',
        "default_sender_id",
      ],
    ] as [string, string, string][]
  ).map(([name, raw, field]) =>
    operator(
      `POST /merchants with ${name}`,
      "POST",
      "/merchants",
      { status: 400, code: "1110", field },
      { body: text(raw) },
    ),
  ),
  ...(
    [
      ["a top-up as a string", "topups", { amount: "5" }],
      ["a top-up of 7 decimal places", "topups", { amount: 0.0000001 }],
      ["an adjustment of 7 decimal places", "adjustments", { amount: -0.0000001, note: "x" }],
    ] as [string, string, Record<string, unknown>][]
  ).map(([name, movement, body]) =>
    operator(
      name,
      "POST",
      (w) => `/merchants/${w.reader.merchantId}/wallets/LISOLOO_SMS/${movement}`,
      {
        status: 400,
        code: "1110",
        field: "amount",
      },
      { body: json(body) },
    ),
  ),
];

describe("the operator API's validation", () => {
  for (const row of operatorValidation) it(row.name, () => check(row));
});
