import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BIND_STATE_TIMEOUT_MS } from "../../src/carriers/binds";
import worker from "../../src/index";
import { ADMIN, ADMIN_TOKEN, admin, call, rows } from "../helpers";
import {
  bindOf,
  bindView,
  isFinal,
  liveMerchant,
  numbersFor,
  productionBindings,
  productionGateway,
  realQueues,
  smppCarrier,
  waitForDeliveries,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

afterEach(() => vi.restoreAllMocks());

async function productionAdmin(path: string) {
  const res = await worker.fetch(
    new Request(`${ADMIN}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    productionBindings(realQueues()),
    createExecutionContext(),
  );
  type Health = { status: string; problems: string[]; carriers: { carriers: { slug: string }[] } };
  return { status: res.status, body: (await res.json()) as { data: Health } };
}

describe("SMPP carriers for operators", () => {
  it("show each bind in the carrier view and the health view, failed ones with why", async () => {
    const good = await smppCarrier(unique("view"), { binds: 2 });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    // Delivery ids decide the bind: two recipients in a row reach both.
    const id = await gateway.send({ to: numbersFor(2).phones, message: "Vue", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await waitForDeliveries(id, isFinal);
    const binds = await bindView(good.slug);
    expect(binds).toHaveLength(2);
    for (const bind of binds)
      expect(bind).toEqual({
        state: "bound",
        error: null,
        window_in_use: 0,
        submits_last_minute: 1,
        receipts_last_minute: 1,
        resubmissions: 0,
        orphans: 0,
        last_error_at: null,
      });

    const bad = await smppCarrier(unique("viewbad"), { password: "Wr0ng!pw" });
    const failing = await gateway.send({ to: numbersFor(1).phones, message: "Refusé", sender_id: "Lisoloo" });
    await gateway.dispatch();
    expect((await bindView(bad.slug))[0]).toMatchObject({
      state: "failed",
      error: "Bind refused: ESME_RINVPASWD (0x0000000E)",
    });
    const health = await productionAdmin("/health");
    expect(health.status).toBe(200);
    expect(health.body.data.status).toBe("degraded");
    expect(health.body.data.problems).toContain(
      `Carrier "${bad.slug}" bind #0 failed (the default route): Bind refused: ESME_RINVPASWD (0x0000000E)`,
    );
    const entry = health.body.data.carriers.carriers.find((c) => c.slug === bad.slug);
    expect(entry).toMatchObject({ kind: "smpp", has_connector: true, binds: [{ state: "failed" }] });
    expect(failing).toBeTruthy();
  });

  it("answer even while a bind is stuck: it shows as failed, saying it did not answer", async () => {
    const { slug } = await smppCarrier(unique("stuck"));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // The object takes no call until the test lets it (the same isolate runs both).
    let unblock: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const stuck = runInDurableObject(bindOf(env, slug, 0), (_bind, state) =>
      state.blockConcurrencyWhile(() => gate),
    );
    const view = await admin("GET", `/carriers/${slug}`);
    expect(view.status).toBe(200);
    expect(view.body.data.binds).toEqual([
      expect.objectContaining({
        state: "failed",
        error: `The bind did not say how it is: no answer within ${BIND_STATE_TIMEOUT_MS} ms`,
      }),
    ]);
    unblock();
    await stuck;
    expect((await bindView(slug))[0]?.state).toBe("connecting");
  });

  it("never show a carrier password, nor write one to a log line", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    const wrong = "Wr0ng!pw";
    const answers: unknown[] = [];
    const good = await smppCarrier(unique("pw"));
    const bad = await smppCarrier(unique("pwbad"), { password: wrong });
    await admin("PUT", "/routes", { routes: { "+2438": good.slug }, default_route: bad.slug });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const id = await gateway.send({
      to: [...numbersFor(2).phones, "+33612345678"],
      message: "Secrets",
      sender_id: "Lisoloo",
    });
    await gateway.dispatch();
    await waitForDeliveries(id, (d) => d.phone === "+33612345678" || isFinal(d));
    for (const path of [`/carriers/${good.slug}`, `/carriers/${bad.slug}`, "/carriers", "/health"])
      answers.push((await productionAdmin(path)).body);
    answers.push(await gateway.status(id));
    answers.push((await admin("PATCH", `/carriers/${bad.slug}`, { smpp: { password: wrong } })).body);

    const text = JSON.stringify(answers);
    expect(lines.some((l) => l.includes('"smpp.bound"'))).toBe(true);
    expect(lines.some((l) => l.includes('"smpp.bind_failed"'))).toBe(true);
    for (const secret of [env.SMSC_PASSWORD, wrong]) {
      expect(text).not.toContain(secret);
      for (const line of lines) expect(line).not.toContain(secret);
      const stored = await rows("SELECT * FROM carriers WHERE slug IN (?, ?)", good.slug, bad.slug);
      expect(JSON.stringify(stored)).not.toContain(secret);
    }
  });

  it.each([
    ["GET", "/carriers/any"],
    ["GET", "/health"],
    ["PATCH", "/carriers/any"],
  ])("a merchant's key cannot %s /admin/v1%s", async (method, path) => {
    const { liveKey } = await liveMerchant();
    for (const headers of <Record<string, string>[]>[
      { "app-key": liveKey },
      { authorization: `Bearer ${liveKey}` },
    ]) {
      const res = await call(`${ADMIN}${path}`, {
        method,
        headers: { ...headers, "content-type": "application/json" },
        body: method === "GET" ? undefined : JSON.stringify({ enabled: false }),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_code: string }).error_code).toBe("1001");
    }
  });
});
