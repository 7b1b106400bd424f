import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { statusResponseSchema } from "@lisoloo/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { carrierFor, forgetCarriers, REGISTRY_TTL_MS, routingTable } from "../src/carriers/registry";
import { routeFor } from "../src/carriers/routing";
import worker from "../src/index";
import type { QueueMessage } from "../src/pipeline/messages";
import { ADMIN, ADMIN_TOKEN, admin, api, BASE, call, newMerchant, rows, waitFor } from "./helpers";
import {
  expectBilledByTheRule,
  expectLedgerBalanced,
  type Queues,
  recordingQueues,
  wrapD1,
} from "./wrap-bindings";

/** This deployment's bindings as a production deployment: routes and carriers come from D1 there. */
const production = {
  ...env,
  ENVIRONMENT: "production",
  ALLOW_HTTP_LOCALHOST_WEBHOOKS: "false",
} as Cloudflare.Env;

// Loopback, port 1: nothing listens there, so a bind attempt is refused at once and no test reaches
// beyond this machine.
const smpp = { host: "127.0.0.1", port: 1, system_id: "lisoloo", password: "s3cret12" };

/** Carriers created once for this file (they cannot be deleted); routes are emptied before each test. */
async function ensureCarrier(slug: string, extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/carriers", { slug, kind: "smpp", smpp, ...extra });
  if (res.status === 409) return;
  expect(res.status).toBe(201);
}

/** An HTTP relay carrier (its relay is never called: no test sends through it while it is enabled). */
async function ensureRelay(slug: string) {
  const res = await admin("POST", "/carriers", {
    slug,
    kind: "http_relay",
    http_relay: {
      sendsms_url: "http://relay.example.net:13013/cgi-bin/sendsms",
      username: "u",
      password: "p",
    },
  });
  if (res.status !== 409) expect(res.status).toBe(201);
}

// Carriers and routes are the directory's: one table for every shard.
beforeEach(async () => {
  await env.DIRECTORY.prepare("DELETE FROM carrier_routes").run();
  forgetCarriers();
  for (const slug of ["vodacom-cd", "orange-cd", "airtel-cd", "africell-cd"]) await ensureCarrier(slug);
});

afterEach(() => vi.restoreAllMocks());

describe("PUT /admin/v1/routes and GET /admin/v1/routes", () => {
  it("starts empty: no routes, no default route", async () => {
    const res = await admin("GET", "/routes");
    expect(res.body).toEqual({ status_code: 200, success: true, data: { routes: {}, default_route: null } });
  });

  it("replaces the whole table, and shows it as written", async () => {
    const first = await admin("PUT", "/routes", {
      routes: { "+24381": "vodacom-cd", "+24382": "vodacom-cd", "+24380": "orange-cd" },
      default_route: "vodacom-cd",
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      routes: { "+24380": "orange-cd", "+24381": "vodacom-cd", "+24382": "vodacom-cd" },
      default_route: "vodacom-cd",
    });
    expect((await admin("GET", "/routes")).body.data).toEqual(first.body.data);

    // The second table is all there is afterwards: nothing of the first survives.
    const second = await admin("PUT", "/routes", {
      routes: { "+24397": "airtel-cd", "+24390": "africell-cd" },
      default_route: null,
    });
    expect(second.status).toBe(200);
    expect((await admin("GET", "/routes")).body.data).toEqual({
      routes: { "+24390": "africell-cd", "+24397": "airtel-cd" },
      default_route: null,
    });
    expect(await rows("SELECT prefix, carrier_slug FROM carrier_routes ORDER BY prefix")).toEqual([
      { prefix: "+24390", carrier_slug: "africell-cd" },
      { prefix: "+24397", carrier_slug: "airtel-cd" },
    ]);
  });

  it("accepts a route to a disabled carrier (its sends fail until it is enabled again)", async () => {
    await ensureCarrier("disabled-cd", { enabled: false });
    const res = await admin("PUT", "/routes", { routes: { "+24389": "disabled-cd" }, default_route: null });
    expect(res.status).toBe(200);
  });

  const refusals: [string, unknown, "1109" | "1110", string[]][] = [
    [
      "routes to carriers that do not exist",
      {
        routes: { "+24381": "vodacom-cd", "+24399": "nobody-cd", "+24398": "ghost" },
        default_route: "vodacom-cd",
      },
      "1110",
      ['routes["+24398"]', 'routes["+24399"]'],
    ],
    [
      "a default route to a carrier that does not exist",
      { routes: {}, default_route: "nobody-cd" },
      "1110",
      ["default_route"],
    ],
    [
      "a prefix without its +",
      { routes: { "24381": "vodacom-cd" }, default_route: null },
      "1110",
      ['routes["24381"]'],
    ],
    [
      "a prefix of 16 digits",
      { routes: { [`+${"1".repeat(16)}`]: "vodacom-cd" }, default_route: null },
      "1110",
      [`routes["+${"1".repeat(16)}"]`],
    ],
    ["a bare +", { routes: { "+": "vodacom-cd" }, default_route: null }, "1110", ['routes["+"]']],
    [
      "a prefix with a space",
      { routes: { "+243 81": "vodacom-cd" }, default_route: null },
      "1110",
      ['routes["+243 81"]'],
    ],
    [
      "a slug in capitals",
      { routes: { "+24381": "Vodacom" }, default_route: null },
      "1110",
      ['routes["+24381"]'],
    ],
    [
      "a slug that is not a string",
      { routes: { "+24381": 7 }, default_route: null },
      "1110",
      ['routes["+24381"]'],
    ],
    ["no default_route", { routes: {} }, "1109", ["default_route"]],
    ["no routes", { default_route: "vodacom-cd" }, "1109", ["routes"]],
    ["routes as a list", { routes: ["+24381"], default_route: null }, "1110", ["routes"]],
    ["an unknown field", { routes: {}, default_route: null, defaultRoute: "x" }, "1110", ["defaultRoute"]],
    [
      "more than 1000 routes",
      {
        routes: Object.fromEntries(
          Array.from({ length: 1001 }, (_, i) => [`+1${String(i).padStart(4, "0")}`, "vodacom-cd"]),
        ),
        default_route: null,
      },
      "1110",
      ["routes"],
    ],
  ];

  it.each(refusals)(
    "refuses %s, naming each field, and keeps the table",
    async (_label, body, code, fields) => {
      const kept = { routes: { "+24381": "vodacom-cd" }, default_route: "orange-cd" };
      await admin("PUT", "/routes", kept);
      const res = await admin("PUT", "/routes", body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe(code);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(fields);
      expect((await admin("GET", "/routes")).body.data).toEqual(kept);
    },
  );

  it("says which carrier is missing and how to add it", async () => {
    const res = await admin("PUT", "/routes", { routes: { "+24381": "nobody-cd" }, default_route: null });
    expect(res.body.details).toEqual([
      {
        field: 'routes["+24381"]',
        message: 'No carrier "nobody-cd": create it first (POST /admin/v1/carriers)',
        code: "INVALID_FIELD_FORMAT",
      },
    ]);
  });

  it("is atomic: a write that fails half-way leaves the old table whole", async () => {
    await ensureCarrier("doomed-cd");
    const old = { routes: { "+24381": "vodacom-cd", "+24380": "orange-cd" }, default_route: "vodacom-cd" };
    await admin("PUT", "/routes", old);
    // The carrier goes away between the check and the write (as if deleted by hand): the batch's
    // INSERT then breaks the foreign key, after its DELETE already ran.
    const directory = wrapD1(env.DIRECTORY, async (sql, _params, position) => {
      if (position === 1 && sql.includes("INSERT INTO carrier_routes"))
        await env.DIRECTORY.prepare("DELETE FROM carriers WHERE slug = 'doomed-cd'").run();
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${ADMIN}/routes`, {
        method: "PUT",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ routes: { "+24397": "doomed-cd" }, default_route: null }),
      }),
      { ...env, DIRECTORY: directory },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(String(logged.mock.calls[0]?.[0])).toContain("FOREIGN KEY constraint failed");
    expect((await admin("GET", "/routes")).body.data).toEqual({
      routes: { "+24380": "orange-cd", "+24381": "vodacom-cd" },
      default_route: "vodacom-cd",
    });
  });

  it("two replacements at once leave one of them whole, never a mix", async () => {
    const a = { routes: { "+24381": "vodacom-cd", "+24382": "vodacom-cd" }, default_route: "vodacom-cd" };
    const b = { routes: { "+24380": "orange-cd", "+24397": "airtel-cd" }, default_route: null };
    const answers = await Promise.all([admin("PUT", "/routes", a), admin("PUT", "/routes", b)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const final = (await admin("GET", "/routes")).body.data;
    expect([a, b]).toContainEqual(final);
  });
});

describe("the database keeps the carrier tables' rules", () => {
  const now = Date.now();
  it.each([
    [
      "a route to a carrier that does not exist",
      "INSERT INTO carrier_routes VALUES ('+1', 'nobody', ?1)",
      /FOREIGN KEY/,
    ],
    ["a prefix without its +", "INSERT INTO carrier_routes VALUES ('1', 'vodacom-cd', ?1)", /CHECK/],
    ["a prefix with a letter", "INSERT INTO carrier_routes VALUES ('+24a', 'vodacom-cd', ?1)", /CHECK/],
    [
      "a prefix of 16 digits",
      `INSERT INTO carrier_routes VALUES ('+${"1".repeat(16)}', 'vodacom-cd', ?1)`,
      /CHECK/,
    ],
    [
      "a second default route",
      "INSERT INTO carrier_routes VALUES ('', 'vodacom-cd', ?1), ('', 'orange-cd', ?1)",
      /UNIQUE/,
    ],
    ["an unknown kind", "INSERT INTO carriers VALUES ('k-1', 'kannel', 1, '{}', NULL, ?1, ?1)", /CHECK/],
    ["a slug in capitals", "INSERT INTO carriers VALUES ('K-1', 'smpp', 1, '{}', NULL, ?1, ?1)", /CHECK/],
    [
      "a slug starting with a dash",
      "INSERT INTO carriers VALUES ('-k', 'smpp', 1, '{}', NULL, ?1, ?1)",
      /CHECK/,
    ],
    [
      "settings that are not JSON",
      "INSERT INTO carriers VALUES ('k-2', 'smpp', 1, 'host=x', NULL, ?1, ?1)",
      /CHECK|malformed/,
    ],
    [
      "a password inside the settings",
      `INSERT INTO carriers VALUES ('k-3', 'smpp', 1, '{"password":"x"}', NULL, ?1, ?1)`,
      /CHECK/,
    ],
    [
      "enabled that is not 0 or 1",
      "INSERT INTO carriers VALUES ('k-4', 'smpp', 2, '{}', NULL, ?1, ?1)",
      /CHECK/,
    ],
    ["removing a carrier that routes name", "DELETE FROM carriers WHERE slug = 'vodacom-cd'", /FOREIGN KEY/],
  ])("refuses %s", async (_label, sql, error) => {
    await admin("PUT", "/routes", { routes: { "+24381": "vodacom-cd" }, default_route: null });
    const statement = env.DIRECTORY.prepare(sql);
    await expect((sql.includes("?1") ? statement.bind(now) : statement).run()).rejects.toThrow(error);
  });
});

describe("routing from D1", () => {
  it("the longest prefix wins, and the default route takes the rest", async () => {
    await admin("PUT", "/routes", {
      routes: { "+243": "airtel-cd", "+24381": "vodacom-cd", "+2438123": "orange-cd" },
      default_route: "africell-cd",
    });
    const table = await routingTable(production);
    expect(
      ["+243812345678", "+243819999999", "+243998857000", "+33612345678", "+24"].map((n) =>
        routeFor(n, table),
      ),
    ).toEqual(["orange-cd", "vodacom-cd", "airtel-cd", "africell-cd", "africell-cd"]);
  });

  it("without a default route, numbers no prefix covers are unrouted", async () => {
    await admin("PUT", "/routes", { routes: { "+24381": "vodacom-cd" }, default_route: null });
    const table = await routingTable(production);
    expect(routeFor("+33612345678", table)).toBe("unrouted");
    expect(await carrierFor(production, "unrouted")).toBeNull();
  });

  it("no carrier takes a send: unknown and disabled carriers alike; enabled ones of either kind do", async () => {
    await ensureCarrier("off-cd", { enabled: false });
    await ensureRelay("relay-cd");
    for (const slug of ["nobody-cd", "off-cd"]) expect(await carrierFor(production, slug)).toBeNull();
    // An enabled carrier has its connector, SMPP or HTTP relay.
    expect((await carrierFor(production, "vodacom-cd"))?.slug).toBe("vodacom-cd");
    expect((await carrierFor(production, "relay-cd"))?.slug).toBe("relay-cd");
  });

  it("the sandbox routes everything to its stub, whatever the tables say", async () => {
    await admin("PUT", "/routes", { routes: { "+24381": "vodacom-cd" }, default_route: "orange-cd" });
    expect(await routingTable(env)).toEqual({ routes: {}, defaultRoute: "sandbox" });
    expect(await carrierFor(env, "sandbox")).not.toBeNull();
    expect(await carrierFor(env, "vodacom-cd")).toBeNull();
  });

  it(`reads D1 once per ${REGISTRY_TTL_MS / 1000} s per isolate; an admin change applies at once`, async () => {
    let reads = 0;
    const directory = wrapD1(env.DIRECTORY, (sql) => {
      if (/FROM carrier(s|_routes)\b/.test(sql)) reads++;
    });
    const counted = { ...production, DIRECTORY: directory };
    await admin("PUT", "/routes", { routes: { "+24381": "vodacom-cd" }, default_route: null });
    for (let i = 0; i < 50; i++) {
      expect(routeFor("+243812345678", await routingTable(counted))).toBe("vodacom-cd");
      await carrierFor(counted, "vodacom-cd");
    }
    // Both tables in one batch, once.
    expect(reads).toBe(2);

    // Another isolate's change (here: written behind this one's back) shows once the period is over.
    await env.DIRECTORY.prepare(
      "UPDATE carrier_routes SET carrier_slug = 'orange-cd' WHERE prefix = '+24381'",
    ).run();
    expect(routeFor("+243812345678", await routingTable(counted))).toBe("vodacom-cd");
    const later = Date.now() + REGISTRY_TTL_MS;
    vi.spyOn(Date, "now").mockReturnValue(later);
    expect(routeFor("+243812345678", await routingTable(counted))).toBe("orange-cd");
    expect(reads).toBe(4);
    vi.restoreAllMocks();

    // A change through the admin API in this isolate applies at once.
    await admin("PUT", "/routes", { routes: { "+24381": "airtel-cd" }, default_route: null });
    expect(routeFor("+243812345678", await routingTable(counted))).toBe("airtel-cd");
  });
});

/** A merchant whose key was issued by the production deployment (`sk_live_`). */
async function liveMerchant() {
  const { merchantId } = await newMerchant({ wallets: { LISOLOO_SMS: 10 } });
  const issued = await worker.fetch(
    new Request(`${ADMIN}/merchants/${merchantId}/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
    production,
    createExecutionContext(),
  );
  return { merchantId, liveKey: ((await issued.json()) as { data: { api_key: string } }).data.api_key };
}

/** A request to the production deployment, its queue messages held for the test to hand over. */
async function productionFetch(queues: Queues, path: string, liveKey: string, body?: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "app-key": liveKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { ...production, ...queues },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
}

describe("a production send", () => {
  it("routed to a disabled carrier, or to none, fails 1501 and is refunded", async () => {
    await ensureCarrier("off-cd", { enabled: false });
    await admin("PATCH", "/carriers/off-cd", { enabled: false });
    await ensureRelay("relay-off-cd");
    await admin("PATCH", "/carriers/relay-off-cd", { enabled: false });
    await admin("PUT", "/routes", {
      routes: { "+24381": "off-cd", "+24397": "relay-off-cd" },
      default_route: null,
    });
    const { merchantId, liveKey } = await liveMerchant();
    const held = recordingQueues({ hold: true });

    const sent = await productionFetch(held.queues, "/send", liveKey, {
      to: ["+243812345678", "+243971234567", "+33612345678"],
      message: "Votre code est 123456",
    });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id as string;
    const balanceAfterDebit = (await productionFetch(held.queues, "/balance", liveKey)).body.data.balance;
    expect(balanceAfterDebit).toBeCloseTo(10 - 3 * 0.02, 6);

    // The consumer of the production deployment takes the dispatch chunks the send queued.
    const chunks = held.sent.filter(
      (m): m is Extract<QueueMessage, { type: "dispatch" }> => m.type === "dispatch",
    );
    expect(chunks.length).toBeGreaterThan(0);
    const batch = createMessageBatch(
      "lisoloo-send-production",
      chunks.map((body, i) => ({ id: `prod-${id}-${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...production, ...held.queues }, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(chunks.length);
    await waitOnExecutionContext(ctx);

    expect(
      await rows(
        "SELECT phone, status, error_code, carrier, carrier_message_id FROM deliveries WHERE send_id = ? ORDER BY phone",
        id,
      ),
    ).toEqual([
      // Disabled (an SMPP carrier, an HTTP relay), and no route at all.
      {
        phone: "+243812345678",
        status: "failed",
        error_code: "1501",
        carrier: "off-cd",
        carrier_message_id: null,
      },
      {
        phone: "+243971234567",
        status: "failed",
        error_code: "1501",
        carrier: "relay-off-cd",
        carrier_message_id: null,
      },
      {
        phone: "+33612345678",
        status: "failed",
        error_code: "1501",
        carrier: "unrouted",
        carrier_message_id: null,
      },
    ]);
    const status = statusResponseSchema.parse(
      (await productionFetch(held.queues, `/status/${id}`, liveKey)).body,
    ).data;
    expect(status).toMatchObject({ status: "failed", failed: 3, delivered: 0, pending: 0 });
    const balance = (await productionFetch(held.queues, "/balance", liveKey)).body.data.balance;
    expect(balance).toBe(10);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    // Nothing was handed to a carrier: no receipts came back through the queue.
    expect(held.sent.filter((m) => m.type === "receipts")).toEqual([]);
  });
});

describe("the sandbox", () => {
  it("still delivers everything through its stub while the tables route elsewhere", async () => {
    await ensureCarrier("off-cd", { enabled: false });
    await admin("PATCH", "/carriers/off-cd", { enabled: false });
    await admin("PUT", "/routes", { routes: { "+24381": "off-cd" }, default_route: "off-cd" });
    const { apiKey } = await newMerchant();
    const sent = await api(apiKey, "POST", "/send", { to: ["+243812345678", "+33612345678"], message: "Hi" });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id as string;
    await waitFor(
      async () => statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data,
      (d) => d.status === "delivered",
    );
    expect(await rows("SELECT DISTINCT carrier, status FROM deliveries WHERE send_id = ?", id)).toEqual([
      { carrier: "sandbox", status: "delivered" },
    ]);
  });
});

describe("operators only", () => {
  it.each([
    ["GET", "/carriers"],
    ["POST", "/carriers"],
    ["GET", "/carriers/vodacom-cd"],
    ["PATCH", "/carriers/vodacom-cd"],
    ["GET", "/routes"],
    ["PUT", "/routes"],
  ])("a merchant's key cannot %s /admin/v1%s", async (method, path) => {
    const { apiKey } = await newMerchant();
    const body =
      method === "GET" ? undefined : JSON.stringify({ enabled: false, routes: {}, default_route: null });
    for (const headers of <Record<string, string>[]>[
      { "app-key": apiKey },
      { authorization: `Bearer ${apiKey}` },
      { authorization: `Bearer ${apiKey}`, "app-key": apiKey },
    ]) {
      const res = await call(`${ADMIN}${path}`, {
        method,
        headers: { ...headers, "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_code: string }).error_code).toBe("1001");
    }
    expect((await admin("GET", "/routes")).body.data).toEqual({ routes: {}, default_route: null });
  });
});

describe("carrier passwords", () => {
  it("are never in an answer nor a log line, from create to a send routed to the carrier", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const smppPassword = "Zq9!w7Lp";
    const relayPassword = `relay-${crypto.randomUUID()}`;
    const answers: unknown[] = [];
    const record = async (res: Promise<{ status: number; body: unknown }>) => {
      const answer = await res;
      answers.push(answer.body);
      return answer;
    };
    const slug = `secret-${crypto.randomUUID().slice(0, 8)}`;
    const relay = `secret-relay-${crypto.randomUUID().slice(0, 8)}`;
    expect(
      (
        await record(
          admin("POST", "/carriers", { slug, kind: "smpp", smpp: { ...smpp, password: smppPassword } }),
        )
      ).status,
    ).toBe(201);
    await record(
      admin("POST", "/carriers", {
        slug: relay,
        kind: "http_relay",
        http_relay: {
          sendsms_url: "https://relay.example.net/cgi-bin/sendsms",
          username: "u",
          password: relayPassword,
        },
      }),
    );
    await record(admin("PATCH", `/carriers/${slug}`, { smpp: { password: smppPassword, window: 5 } }));
    await record(admin("PATCH", `/carriers/${relay}`, { http_relay: { password: relayPassword } }));
    // A refused write echoes nothing of what it refused.
    await record(admin("PATCH", `/carriers/${slug}`, { smpp: { password: `${smppPassword}-too-long` } }));
    await record(
      admin("POST", "/carriers", { slug: "Bad", kind: "smpp", smpp: { ...smpp, password: smppPassword } }),
    );
    await record(admin("GET", "/carriers"));
    await record(admin("GET", `/carriers/${slug}`));
    await record(admin("GET", `/carriers/${relay}`));
    await record(admin("PUT", "/routes", { routes: { "+24381": slug }, default_route: relay }));
    await record(admin("GET", "/routes"));
    await record(admin("GET", "/health"));

    const { liveKey } = await liveMerchant();
    const held = recordingQueues({ hold: true });
    const sent = await productionFetch(held.queues, "/send", liveKey, {
      to: ["+243812345678"],
      message: "Hi",
    });
    const batch = createMessageBatch(
      "lisoloo-send-production",
      held.sent.map((body, i) => ({
        id: `secret-${i}-${sent.body.data.message_id}`,
        timestamp: new Date(),
        attempts: 1,
        body,
      })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...production, ...held.queues }, ctx);
    await waitOnExecutionContext(ctx);

    const text = JSON.stringify(answers);
    expect(text).not.toContain(smppPassword);
    expect(text).not.toContain(relayPassword);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(smppPassword);
      expect(line).not.toContain(relayPassword);
    }
    const [row] = await rows<Record<string, unknown>>("SELECT * FROM carriers WHERE slug = ?", slug);
    expect(JSON.stringify(row)).not.toContain(smppPassword);
  });
});
