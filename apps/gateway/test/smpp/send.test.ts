import { splitSegments } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { rows } from "../helpers";
import { expectBilledByTheRule, expectLedgerBalanced } from "../wrap-bindings";
import {
  bindView,
  isFinal,
  liveMerchant,
  numbersFor,
  productionGateway,
  type SubmitRecord,
  script,
  smppCarrier,
  submitsTo,
  waitForDeliveries,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

/** The parts the SMSC received for one destination, in UDH order, checked for one message. */
function expectParts(parts: SubmitRecord[], message: string, dataCoding: number) {
  const segments = splitSegments(message);
  expect(parts).toHaveLength(segments.length);
  const sorted = [...parts].sort((a, b) => (a.udh?.seq ?? 0) - (b.udh?.seq ?? 0));
  const reference = sorted[0]?.udh?.ref;
  sorted.forEach((p, i) => {
    expect(p.status).toBe(0);
    expect(p.data_coding).toBe(dataCoding);
    expect(p.esm_class & 0x40).toBe(0x40);
    expect(p.registered_delivery).toBe(1);
    expect(p.udh).toMatchObject({ ref: reference, total: segments.length, seq: i + 1 });
    expect(p.text).toBe(segments[i]);
  });
  expect(sorted.map((p) => p.text).join("")).toBe(message);
}

describe("sending through SMPP", () => {
  it("hands 1000-recipient sends of multi-segment GSM-7 and UCS-2 messages to the SMSC, part by part", async () => {
    const { slug } = await smppCarrier(unique("bulk"), { binds: 2, window: 20 });
    const { merchantId, liveKey } = await liveMerchant(1000);
    const gateway = productionGateway(liveKey);
    // GSM-7 with extension characters (two septets each, never split from their escape) over two
    // segments, and UCS-2 (Lingala tones, an emoji as a surrogate pair) over three.
    const gsm = `Rappel: votre facture de 12 500 FC est due le 30/06. Payez via M-Pesa {ref: 4471} ou Orange Money [€]. ${"Merci de votre confiance. ".repeat(3)}`;
    const ucs2 = `Mbɔ́tɛ! Lisoloo ekomi 🎉 ${"Tótóndi yɔ́ mingi mpô na bondimi na yɔ́. ".repeat(4)}`;
    expect(splitSegments(gsm)).toHaveLength(2);
    expect(splitSegments(ucs2)).toHaveLength(3);
    const first = numbersFor(1000);
    const second = numbersFor(1000);
    const gsmId = await gateway.send({ to: first.phones, message: gsm, sender_id: "Lisoloo" });
    const ucsId = await gateway.send({ to: second.phones, message: ucs2, sender_id: "+243990000001" });
    await gateway.dispatch();

    for (const [id, phones, message, dataCoding] of [
      [gsmId, first.phones, gsm, 0],
      [ucsId, second.phones, ucs2, 8],
    ] as const) {
      const done = await waitForDeliveries(id, isFinal, 120_000);
      expect(done.filter((d) => d.status !== "delivered")).toEqual([]);
      const submits = await submitsTo(phones);
      const byPhone = new Map<string, SubmitRecord[]>();
      for (const s of submits)
        byPhone.set(s.destination_addr, [...(byPhone.get(s.destination_addr) ?? []), s]);
      expect(byPhone.size).toBe(1000);
      for (const parts of byPhone.values()) expectParts(parts, message, dataCoding);
      // Every part's id is stored under the carrier, and the delivery's own id is its first part's.
      const stored = await rows<{ n: number; firsts: number }>(
        `SELECT count(*) AS n, sum(d.carrier_message_id = p.carrier_message_id AND p.part_index = 1) AS firsts
         FROM carrier_message_parts p JOIN deliveries d ON d.id = p.delivery_id WHERE d.send_id = ? AND p.carrier = ?`,
        id,
        slug,
      );
      expect(stored[0]).toEqual({ n: submits.length, firsts: 1000 });
      expect((await gateway.status(id)).status).toBe("delivered");
      await expectBilledByTheRule(id);
    }
    const sample = (await submitsTo(second.phones.slice(0, 1)))[0];
    expect(sample).toMatchObject({ source_addr_ton: 1, source_addr_npi: 1, source_addr: "243990000001" });
    await expectLedgerBalanced(merchantId);
    // Spread over both binds by delivery id.
    const binds = await bindView(slug);
    expect(binds.map((b) => b.state)).toEqual(["bound", "bound"]);
    expect(binds.every((b) => b.submits_last_minute > 0)).toBe(true);
  }, 240_000);

  it("rides out throttling (0x58) of a burst: every message once, nothing lost, nothing twice", async () => {
    const { slug } = await smppCarrier(unique("throttle"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { prefix, phones } = numbersFor(60);
    await script({ destination: prefix, maxSubmitsPerSecond: 20 });
    const id = await gateway.send({ to: phones, message: "Promo: -20% ce week-end", sender_id: "Lisoloo" });
    const { result } = await gateway.dispatch();
    expect(result.explicitAcks).toHaveLength(1);
    const done = await waitForDeliveries(id, isFinal);
    expect(done.filter((d) => d.status !== "delivered")).toEqual([]);
    const submits = await submitsTo(phones);
    expect(submits.filter((s) => s.status === 0x58).length).toBeGreaterThan(0);
    const accepted = submits.filter((s) => s.status === 0);
    expect(accepted).toHaveLength(60);
    expect(new Set(accepted.map((s) => s.destination_addr)).size).toBe(60);
    // The chunk needed no second hand-over: the bind retried inside its call.
    expect(gateway.held.sent.filter((m) => m.type === "dispatch")).toHaveLength(1);
    expect((await bindView(slug))[0]?.resubmissions).toBe(0);
  });

  it("fails a part the SMSC refuses for good (0x0B): failed 1501, refunded, the status kept", async () => {
    await smppCarrier(unique("refuse"));
    const { merchantId, liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(3);
    const [bad, half, good] = phones as [string, string, string];
    // One destination refused outright; one whose first part goes through and second is refused.
    await script([
      { destination: bad, submitStatus: 0x0b },
      { destination: half, failNext: { count: 1, status: 0x0b } },
    ]);
    const message = `Facture ${"détaillée ".repeat(20)}`;
    const id = await gateway.send({ to: phones, message, sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => [d.phone, d.status, d.error_code, d.error_message])).toEqual([
      [bad, "failed", "1501", "ESME_RINVDSTADR (0x0000000B)"],
      [half, "failed", "1501", "ESME_RINVDSTADR (0x0000000B)"],
      [good, "delivered", null, null],
    ]);
    expect(done.map((d) => d.refunded_micros > 0)).toEqual([true, true, false]);
    const status = await gateway.status(id);
    expect(status).toMatchObject({ status: "partially_delivered", delivered: 1, failed: 2 });
    await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
  });

  it("retries a full SMSC queue (0x14) and a system error (0x08) inside the bind", async () => {
    await smppCarrier(unique("busy"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(2);
    await script([
      { destination: phones[0] as string, queueFullNext: 2 },
      { destination: phones[1] as string, failNext: { count: 1, status: 0x08 } },
    ]);
    const id = await gateway.send({ to: phones, message: "Encore", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(["delivered", "delivered"]);
    const statuses = async (phone: string) => (await submitsTo([phone])).map((s) => s.status);
    expect(await statuses(phones[0] as string)).toEqual([0x14, 0x14, 0]);
    expect(await statuses(phones[1] as string)).toEqual([0x08, 0]);
  });
});
