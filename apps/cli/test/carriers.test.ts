import { describe, expect, it } from "vitest";
import { type Answer, envelope, ok, standInPerFile } from "./admin-server";

const standIn = standInPerFile();
const { lisoloo } = standIn;

const PASSWORD = "s3cret12";

const smppCarrier = {
  slug: "vodacom-cd",
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
  has_connector: false,
  created_at: "2026-05-27T10:15:00.000Z",
  updated_at: "2026-05-27T10:15:00.000Z",
};
const relayCarrier = {
  slug: "airtel-relay",
  kind: "http_relay",
  enabled: false,
  http_relay: {
    sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
    username: "lisoloo",
    smsc: null,
    timeout_ms: 10000,
    concurrency: 10,
    receipt_basic_auth: false,
    password_set: true,
  },
  has_connector: true,
  created_at: "2026-05-27T10:15:00.000Z",
  updated_at: "2026-05-27T10:16:00.000Z",
};
const routes = {
  routes: { "+24380": "orange-cd", "+24381": "vodacom-cd", "+24382": "vodacom-cd" },
  default_route: "vodacom-cd",
};

type Case = { argv: string[]; route: string; answer: Answer; body?: unknown; printed: string[] };

const cases: [string, Case][] = [
  [
    "carriers create, SMPP with the fewest options",
    {
      argv: [
        "carriers",
        "create",
        "vodacom-cd",
        "--kind",
        "smpp",
        "--host",
        "smsc.example.net",
        "--port",
        "2775",
        "--system-id",
        "lisoloo",
        "--password-stdin",
      ],
      route: "POST /admin/v1/carriers",
      answer: ok(smppCarrier, 201),
      body: {
        slug: "vodacom-cd",
        kind: "smpp",
        smpp: { host: "smsc.example.net", port: 2775, system_id: "lisoloo", password: PASSWORD },
      },
      printed: [
        "Carrier vodacom-cd (smpp)",
        "password     set",
        "none yet: sends routed here fail 1501 (refunded)",
        "throughput   no cap",
        "Next: lisoloo routes set --route <+prefix>=vodacom-cd --default <carrier>",
      ],
    },
  ],
  [
    "carriers create, SMPP with every option",
    {
      argv: [
        "carriers",
        "create",
        "orange-cd",
        "--kind",
        "smpp",
        "--disabled",
        "--host",
        "196.1.2.3",
        "--port",
        "3550",
        "--tls",
        "--system-id",
        "LISOLOO",
        "--system-type",
        "VMA",
        "--binds",
        "4",
        "--window",
        "50",
        "--throughput",
        "25.5",
        "--receipt-id-format",
        "submit_hex_receipt_decimal",
        "--password-stdin",
      ],
      route: "POST /admin/v1/carriers",
      answer: ok({ ...smppCarrier, slug: "orange-cd", smpp: { ...smppCarrier.smpp, throughput: 25.5 } }, 201),
      body: {
        slug: "orange-cd",
        kind: "smpp",
        enabled: false,
        smpp: {
          host: "196.1.2.3",
          port: 3550,
          tls: true,
          system_id: "LISOLOO",
          system_type: "VMA",
          binds: 4,
          window: 50,
          throughput: 25.5,
          receipt_id_format: "submit_hex_receipt_decimal",
          password: PASSWORD,
        },
      },
      printed: ["25.5 messages/s per bind"],
    },
  ],
  [
    "carriers create, an HTTP relay",
    {
      argv: [
        "carriers",
        "create",
        "airtel-relay",
        "--kind",
        "http_relay",
        "--sendsms-url",
        "http://relay.example.net:13013/cgi-bin/sendsms",
        "--username",
        "lisoloo",
        "--smsc",
        "airtel",
        "--timeout-ms",
        "5000",
        "--concurrency",
        "4",
        "--receipt-basic-auth",
        "--password-stdin",
      ],
      route: "POST /admin/v1/carriers",
      answer: ok(
        { ...relayCarrier, http_relay: { ...relayCarrier.http_relay, receipt_basic_auth: true } },
        201,
      ),
      body: {
        slug: "airtel-relay",
        kind: "http_relay",
        http_relay: {
          sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
          username: "lisoloo",
          smsc: "airtel",
          timeout_ms: 5000,
          concurrency: 4,
          receipt_basic_auth: true,
          password: PASSWORD,
        },
      },
      printed: [
        "Carrier airtel-relay (http_relay)",
        "sendsms url  http://relay.example.net:13013/cgi-bin/sendsms",
        "dlr auth     signature and Basic",
      ],
    },
  ],
  [
    "carriers update, the kind told by the options",
    {
      argv: ["carriers", "update", "vodacom-cd", "--window", "20", "--throughput", "none", "--no-tls"],
      route: "PATCH /admin/v1/carriers/vodacom-cd",
      answer: ok(smppCarrier),
      body: { smpp: { window: 20, throughput: null, tls: false } },
      printed: ["Carrier vodacom-cd"],
    },
  ],
  [
    "carriers update, a new password only",
    {
      argv: ["carriers", "update", "vodacom-cd", "--kind", "smpp", "--password-stdin"],
      route: "PATCH /admin/v1/carriers/vodacom-cd",
      answer: ok(smppCarrier),
      body: { smpp: { password: PASSWORD } },
      printed: ["password     set"],
    },
  ],
  [
    "carriers update, a relay's smsc cleared",
    {
      argv: ["carriers", "update", "airtel-relay", "--smsc", "none", "--username", "gw"],
      route: "PATCH /admin/v1/carriers/airtel-relay",
      answer: ok(relayCarrier),
      body: { http_relay: { smsc: null, username: "gw" } },
      printed: ["smsc         (the relay chooses)"],
    },
  ],
  [
    "carriers update, Basic credentials on relay receipts turned off",
    {
      argv: ["carriers", "update", "airtel-relay", "--no-receipt-basic-auth"],
      route: "PATCH /admin/v1/carriers/airtel-relay",
      answer: ok(relayCarrier),
      body: { http_relay: { receipt_basic_auth: false } },
      printed: ["dlr auth     signature"],
    },
  ],
  [
    "carriers disable",
    {
      argv: ["carriers", "disable", "vodacom-cd"],
      route: "PATCH /admin/v1/carriers/vodacom-cd",
      answer: ok({ ...smppCarrier, enabled: false }),
      body: { enabled: false },
      printed: ["enabled      no"],
    },
  ],
  [
    "carriers enable",
    {
      argv: ["carriers", "enable", "airtel-relay"],
      route: "PATCH /admin/v1/carriers/airtel-relay",
      answer: ok({ ...relayCarrier, enabled: true }),
      body: { enabled: true },
      printed: ["enabled      yes", "connector    yes"],
    },
  ],
  [
    "carriers show, an SMPP carrier with its binds",
    {
      argv: ["carriers", "show", "vodacom-cd"],
      route: "GET /admin/v1/carriers/vodacom-cd",
      answer: ok({
        ...smppCarrier,
        binds: [
          {
            state: "bound",
            error: null,
            window_in_use: 3,
            submits_last_minute: 120,
            receipts_last_minute: 118,
          },
          {
            state: "failed",
            error: "connect ECONNREFUSED",
            window_in_use: 0,
            submits_last_minute: 0,
            receipts_last_minute: 0,
          },
        ],
      }),
      printed: [
        "host         smsc.example.net",
        "Binds",
        "BIND  STATE   WINDOW IN USE  SUBMITS/MIN  RECEIPTS/MIN  ERROR",
        "1     bound   3              120          118           —",
        "2     failed  0              0            0             connect ECONNREFUSED",
      ],
    },
  ],
  [
    "carriers show, an SMPP carrier without binds yet",
    {
      argv: ["carriers", "show", "vodacom-cd"],
      route: "GET /admin/v1/carriers/vodacom-cd",
      answer: ok({ ...smppCarrier, binds: [] }),
      printed: ["Binds\n(none)"],
    },
  ],
  [
    "carriers list",
    {
      argv: ["carriers", "list"],
      route: "GET /admin/v1/carriers",
      answer: ok([relayCarrier, smppCarrier]),
      printed: [
        "Carriers (2)",
        "SLUG          KIND        ENABLED  CONNECTOR  ENDPOINT",
        "airtel-relay  http_relay  no       yes        http://relay.example.net:13013/cgi-bin/sendsms",
        "vodacom-cd    smpp        yes      NONE       smsc.example.net:2775",
      ],
    },
  ],
  [
    "routes set, several prefixes to one carrier",
    {
      argv: [
        "routes",
        "set",
        "--route",
        "+24381,+24382=vodacom-cd",
        "--route",
        "+24380=orange-cd",
        "--default",
        "vodacom-cd",
      ],
      route: "PUT /admin/v1/routes",
      answer: ok(routes),
      body: {
        routes: { "+24381": "vodacom-cd", "+24382": "vodacom-cd", "+24380": "orange-cd" },
        default_route: "vodacom-cd",
      },
      printed: ["Routes (3; the longest prefix wins)", "+24380  orange-cd", "Default route: vodacom-cd"],
    },
  ],
  [
    "routes set, no default route",
    {
      argv: ["routes", "set", "--route", "+24381=vodacom-cd", "--default", "none"],
      route: "PUT /admin/v1/routes",
      answer: ok({ routes: { "+24381": "vodacom-cd" }, default_route: null }),
      body: { routes: { "+24381": "vodacom-cd" }, default_route: null },
      printed: ["Default route: none (numbers no prefix covers fail 1501, refunded)"],
    },
  ],
  [
    "routes show",
    {
      argv: ["routes", "show"],
      route: "GET /admin/v1/routes",
      answer: ok(routes),
      printed: ["PREFIX  CARRIER", "+24381  vodacom-cd", "+24382  vodacom-cd"],
    },
  ],
];

describe("lisoloo carriers and routes: the request they make and what they print", () => {
  it.each(cases)("%s", async (_name, c) => {
    standIn.server.answer(c.route, c.answer);
    const result = await lisoloo(c.argv, { stdin: `${PASSWORD}\nignored\n` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(standIn.server.requests).toHaveLength(1);
    const [method, path] = c.route.split(" ");
    expect(standIn.server.requests[0]).toMatchObject({ method, path, body: c.body });
    for (const text of c.printed) expect(result.stdout).toContain(text);
    // The password is read from stdin only when asked, and never printed back.
    expect(result.stdinReads).toBe(c.argv.includes("--password-stdin") ? 1 : 0);
    expect(result.stdout).not.toContain(PASSWORD);
  });

  it("shows the API's refusal with every field it names", async () => {
    standIn.server.answer("POST /admin/v1/carriers", {
      status: 400,
      body: envelope(400, "1110", "Invalid field format", [
        { field: "smpp.host", message: "No port here: give it as port", code: "INVALID_FIELD_FORMAT" },
        { field: "smpp.password", message: "At most 8 characters", code: "INVALID_FIELD_FORMAT" },
      ]),
    });
    const result = await lisoloo(
      [
        "carriers",
        "create",
        "x",
        "--kind",
        "smpp",
        "--host",
        "h:1",
        "--port",
        "1",
        "--system-id",
        "a",
        "--password-stdin",
      ],
      { stdin: "too-long-pw\n" },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("  - smpp.host: No port here: give it as port [INVALID_FIELD_FORMAT]");
    expect(result.stderr).toContain("  - smpp.password: At most 8 characters");
    expect(result.stderr).not.toContain("too-long-pw");
  });
});

describe("lisoloo carriers and routes: mistakes", () => {
  const mistakes: [string, string[], string][] = [
    [
      "a password on the command line",
      ["carriers", "create", "x", "--kind", "smpp", "--password", "pw"],
      "Unknown option '--password'",
    ],
    [
      "create without --password-stdin",
      ["carriers", "create", "x", "--kind", "smpp", "--host", "h"],
      "--password-stdin is required",
    ],
    ["create without a kind", ["carriers", "create", "x", "--password-stdin"], "--kind is required"],
    [
      "an unknown kind",
      ["carriers", "create", "x", "--kind", "kannel", "--password-stdin"],
      '--kind must be smpp or http_relay, got "kannel"',
    ],
    [
      "options of both kinds",
      ["carriers", "update", "x", "--host", "h", "--sendsms-url", "http://r"],
      "--host is an smpp option and --sendsms-url an http_relay one",
    ],
    [
      "an option of the other kind",
      ["carriers", "create", "x", "--kind", "smpp", "--username", "u", "--password-stdin"],
      "--username is an http_relay option, not for --kind smpp",
    ],
    [
      "--tls and --no-tls",
      ["carriers", "update", "x", "--tls", "--no-tls"],
      "Give --tls or --no-tls, not both",
    ],
    [
      "--receipt-basic-auth and --no-receipt-basic-auth",
      ["carriers", "update", "x", "--receipt-basic-auth", "--no-receipt-basic-auth"],
      "Give --receipt-basic-auth or --no-receipt-basic-auth, not both",
    ],
    [
      "a port that is not a number",
      ["carriers", "update", "x", "--port", "smpp"],
      '--port must be a number, got "smpp"',
    ],
    ["fractional binds", ["carriers", "update", "x", "--binds", "1.5"], "--binds must be a whole number"],
    ["an update with nothing to change", ["carriers", "update", "x"], "Nothing to change"],
    [
      "a password whose kind is unknown",
      ["carriers", "update", "x", "--password-stdin"],
      "add --kind smpp or --kind http_relay",
    ],
    [
      "an empty password",
      ["carriers", "create", "x", "--kind", "smpp", "--password-stdin"],
      "standard input held no password",
    ],
    [
      "a route without =",
      ["routes", "set", "--route", "+24381", "--default", "none"],
      "--route takes +prefix=carrier",
    ],
    [
      "a route without a carrier",
      ["routes", "set", "--route", "+24381=", "--default", "none"],
      "--route takes +prefix=carrier",
    ],
    [
      "a prefix routed twice",
      ["routes", "set", "--route", "+24381=a", "--route", "+24381=b", "--default", "none"],
      "+24381 is routed twice: to a and to b",
    ],
    ["routes set without --default", ["routes", "set", "--route", "+24381=a"], "--default is required"],
    ["disable without a slug", ["carriers", "disable"], "Expected <slug>, got none"],
  ];

  it.each(mistakes)("%s is a usage error (exit 2) and sends nothing", async (_name, argv, message) => {
    const result = await lisoloo(argv, { stdin: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Usage: lisoloo ${argv[0]} ${argv[1]}`);
    expect(standIn.server.requests).toHaveLength(0);
  });
});

describe("lisoloo carriers and routes --help", () => {
  it.each([
    [
      ["carriers", "--help"],
      [
        "carriers create",
        "carriers update",
        "carriers disable",
        "carriers enable",
        "carriers show",
        "carriers list",
      ],
    ],
    [
      ["routes", "--help"],
      ["routes set", "routes show"],
    ],
    [
      ["carriers", "create", "--help"],
      [
        "Usage: lisoloo carriers create <slug> --kind <smpp|http_relay> [options]",
        "--host <host>",
        "--password-stdin",
        "--sendsms-url <url>",
        "--receipt-id-format <format>",
        "--receipt-basic-auth",
        "receipts must send them back",
      ],
    ],
    [
      ["carriers", "update", "-h"],
      [
        "Usage: lisoloo carriers update <slug> [options]",
        "--no-tls",
        "--receipt-basic-auth",
        "--no-receipt-basic-auth",
      ],
    ],
    [
      ["help", "carriers", "disable"],
      ["Usage: lisoloo carriers disable <slug> [options]", "fail 1501"],
    ],
    [
      ["routes", "set", "--help"],
      ["Usage: lisoloo routes set --default <carrier|none> [options]", "(repeatable)"],
    ],
    [["routes", "show", "--help"], ["Usage: lisoloo routes show [options]"]],
    [["carriers", "show", "--help"], ["Usage: lisoloo carriers show <slug> [options]"]],
    [["carriers", "list", "--help"], ["Usage: lisoloo carriers list [options]"]],
    [["carriers", "enable", "--help"], ["Usage: lisoloo carriers enable <slug> [options]"]],
  ])("%j", async (argv, texts) => {
    const result = await lisoloo(argv, { env: { ADMIN_TOKEN: undefined } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    for (const text of texts) expect(result.stdout).toContain(text);
    expect(standIn.server.requests).toHaveLength(0);
  });

  it("the full list names both groups", async () => {
    const result = await lisoloo(["--help"], { env: { ADMIN_TOKEN: undefined } });
    expect(result.stdout).toContain("carriers create");
    expect(result.stdout).toContain("routes set");
  });
});
