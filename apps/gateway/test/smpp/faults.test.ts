import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { splitSegments } from "@lisoloo/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SmppBind } from "../../src/carriers/smpp/bind";
import { admin, rows, waitFor } from "../helpers";
import { expectBilledByTheRule, expectLedgerBalanced, runCron } from "../wrap-bindings";
import {
  bindOf,
  bindsOf,
  bindView,
  deliveriesOf,
  isFinal,
  liveMerchant,
  numbersFor,
  productionGateway,
  receiptsFor,
  rowsOfSend,
  script,
  smppCarrier,
  smsc,
  submitsTo,
  waitForDeliveries,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

afterEach(() => vi.restoreAllMocks());

/** Every log line written while the test runs. */
function logLines() {
  const lines: string[] = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  return lines;
}

describe("an SMSC that drops the bind", () => {
  it("with submits in the window: binds again, sends them again, counts and logs each", async () => {
    const { slug, systemType } = await smppCarrier(unique("drop"));
    const lines = logLines();
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { prefix, phones } = numbersFor(8);
    // Answers held, so all eight are outstanding when the connection goes.
    await script({ destination: prefix, submitRespDelayMs: 60_000 });
    const id = await gateway.send({ to: phones, message: "Dropped?", sender_id: "Lisoloo" });
    const dispatching = gateway.dispatch();
    await waitFor(
      () => submitsTo(phones),
      (list) => list.length === 8 && list.every((s) => s.outcome === "pending"),
    );
    await script({ destination: prefix, submitRespDelayMs: null });
    const [bind] = await bindsOf(systemType);
    expect(await smsc("/__drop", { bindId: bind?.id })).toEqual({ dropped: 1 });

    const { result, queued } = await dispatching;
    expect(result.explicitAcks).toHaveLength(1);
    // Nothing came back to the pipeline: the bind resubmitted within the call.
    expect(queued.filter((m) => m.type === "dispatch")).toEqual([]);
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(phones.map(() => "delivered"));

    // Each was submitted twice: the copy the drop cut off unanswered, and the one answered after.
    const submits = await submitsTo(phones);
    expect(submits).toHaveLength(16);
    for (const phone of phones) {
      const mine = submits.filter((s) => `+${s.destination_addr}` === phone);
      expect(mine.map((s) => s.outcome)).toEqual(["unanswered", "answered"]);
      expect(mine[0]?.bindId).toBe(bind?.id);
      expect(mine[1]?.bindId).not.toBe(bind?.id);
    }
    const binds = await bindsOf(systemType);
    expect(binds.map((b) => b.end)).toEqual(["dropped", null]);
    const [view] = await bindView(slug);
    expect(view).toMatchObject({ state: "bound", error: null, resubmissions: 8, window_in_use: 0 });
    expect(view?.last_error_at).not.toBeNull();
    const resubmits = lines.filter((l) => l.includes('"smpp.resubmit"'));
    expect(resubmits).toHaveLength(8);
    for (const d of done) expect(resubmits.some((l) => l.includes(`"delivery_id":${d.id},`))).toBe(true);
  });
});

describe("a bind object reset mid-send (a deploy, an eviction)", () => {
  it("loses nothing: the alarm binds again and parts already taken are never sent again", async () => {
    // One part every five seconds, so the reset lands between a message's parts.
    const { slug, systemType } = await smppCarrier(unique("evict"), { throughput: 0.2 });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(2);
    const message = `Bonjour, ${"votre rendez-vous est confirmé. ".repeat(8)}`;
    expect(splitSegments(message).length).toBeGreaterThan(1);
    const id = await gateway.send({ to: phones, message, sender_id: "Lisoloo" });
    const dispatching = gateway.dispatch();
    const ids = (
      await waitFor(
        () => deliveriesOf(id),
        (list) => list.length === 2,
      )
    ).map((d) => d.id);
    await waitFor(
      () =>
        rowsOfSend(
          id,
          "SELECT part_index FROM carrier_message_parts WHERE delivery_id IN (?, ?)",
          ids[0],
          ids[1],
        ),
      (list) => list.length === 1,
    );
    // …and its receipt is queued (acknowledged), so the reset loses no receipt either.
    await waitFor(
      () => receiptsFor(phones),
      (list) => list.length === 1 && list[0]?.acknowledged === true,
    );
    // workerd logs the reset as an uncaught `broken.outputGateBroken`: that is the reset, not a failure.
    await runInDurableObject(bindOf(env, slug, 0), (_bind: SmppBind, state) => {
      try {
        state.abort("reset for the test");
      } catch {
        // abort() ends the call that made it
      }
    }).catch(() => undefined);

    const first = await dispatching;
    expect(first.result.explicitAcks).toHaveLength(1);
    const again = first.queued.filter((m) => m.type === "dispatch");
    expect(again).toEqual([expect.objectContaining({ attempt: 2, claim: expect.any(String) })]);
    expect((await deliveriesOf(id)).map((d) => d.status)).toEqual(["processing", "processing"]);

    // The rebuilt object has no socket; its alarm binds again.
    await admin("PATCH", `/carriers/${slug}`, { smpp: { throughput: null } });
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    await waitFor(
      () => bindsOf(systemType),
      (list) => list.length === 2 && list[1]?.status === 0,
    );
    expect((await bindView(slug))[0]?.state).toBe("bound");

    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(["delivered", "delivered"]);
    // Every part went to the SMSC exactly once, the first before the reset, the rest after it.
    const submits = await submitsTo(phones);
    const seen = submits.map((s) => `${s.destination_addr}/${s.udh?.seq}`);
    expect(seen).toHaveLength(2 * splitSegments(message).length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(submits.every((s) => s.status === 0)).toBe(true);
  });
});

describe("a bind the SMSC refuses (wrong password)", () => {
  it("shows why, keeps the sends pending and retrying, then fails them refunded when their validity ends", async () => {
    const { slug, systemType } = await smppCarrier(unique("badpw"), { password: "wrong123" });
    const { merchantId, liveKey } = await liveMerchant(10);
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(2);
    const id = await gateway.send({
      to: phones,
      message: "Jamais",
      sender_id: "Lisoloo",
      validity_period: 60,
    });
    const first = await gateway.dispatch();
    expect(first.result.explicitAcks).toHaveLength(1);
    // Transient: handed over again later, under the same claim.
    const retry = first.queued.filter((m) => m.type === "dispatch");
    expect(retry).toEqual([expect.objectContaining({ attempt: 2, claim: expect.any(String) })]);
    const pending = await rows<{
      status: string;
      submitting_at: number | null;
      carrier_message_id: string | null;
    }>("SELECT status, submitting_at, carrier_message_id FROM deliveries WHERE send_id = ?", id);
    expect(pending).toEqual(
      phones.map(() => ({ status: "processing", submitting_at: null, carrier_message_id: null })),
    );
    expect((await gateway.status(id)).status).toBe("processing");

    const [view] = await bindView(slug);
    expect(view).toMatchObject({ state: "failed", error: "Bind refused: ESME_RINVPASWD (0x0000000E)" });
    expect(view?.last_error_at).not.toBeNull();
    expect((await bindsOf(systemType)).every((b) => b.status === 0x0e)).toBe(true);

    // Tried again: still refused, still pending, and handed over once more.
    const second = await gateway.dispatch();
    expect(second.queued.filter((m) => m.type === "dispatch")).toEqual([
      expect.objectContaining({ attempt: 3 }),
    ]);
    expect(await submitsTo(phones)).toEqual([]);

    // The validity ends: no carrier took them, so they fail 1501 and are refunded.
    await runCron(Date.now() + 2 * 60_000, gateway.bindings);
    const done = await deliveriesOf(id);
    expect(done.map((d) => [d.status, d.error_code])).toEqual(phones.map(() => ["failed", "1501"]));
    expect(done.every((d) => d.refunded_micros > 0)).toBe(true);
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    // A late hand-over finds nothing left to send.
    const late = await gateway.dispatch();
    expect(late.queued.filter((m) => m.type === "dispatch")).toEqual([]);
    expect(await submitsTo(phones)).toEqual([]);
  });
});

describe("a carrier disabled while bound", () => {
  it("unbinds at the next alarm and stops its alarms", async () => {
    const { slug, systemType } = await smppCarrier(unique("off"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const id = await gateway.send({ to: numbersFor(1).phones, message: "Avant", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await waitForDeliveries(id, isFinal);
    expect((await admin("PATCH", `/carriers/${slug}`, { enabled: false })).status).toBe(200);
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    // The SMSC records the end once it has read the unbind.
    await waitFor(
      () => bindsOf(systemType),
      (list) => list.length === 1 && list[0]?.end === "unbind",
    );
    expect((await bindView(slug))[0]).toMatchObject({ state: "failed", error: "Carrier disabled" });
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(false);
  });
});
