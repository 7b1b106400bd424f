import type { ScriptInput } from "@lisoloo/smsc-simulator";
import { describe, expect, it } from "vitest";
import {
  deliveriesOf,
  isFinal,
  liveMerchant,
  numbersFor,
  productionGateway,
  script,
  smppCarrier,
  waitForDeliveries,
} from "../smpp/harness";
import { expectBilledByTheRule, expectLedgerBalanced } from "../wrap-bindings";
import {
  kannelSkipped,
  kannelSubmitsTo,
  queryOf,
  type RecordedReport,
  relayCarrier,
  replay,
  scriptKannelSmsc,
  waitForReports,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

const title = `HTTP relay and SMPP, side by side${kannelSkipped ? ` (skipped: ${kannelSkipped})` : ""}`;

describe.skipIf(kannelSkipped !== "")(title, () => {
  it("a 1000-recipient multi-segment send ends the same through Kannel as straight over SMPP", async () => {
    const message = `Rappel: votre facture de 12 500 FC est due le 30/06. Payez via M-Pesa {ref: 4471} ou Orange Money [€]. ${"Merci de votre confiance. ".repeat(3)}`;
    const { phones } = numbersFor(1000);
    // The same numbers on both SMSCs (each its own simulator): every tenth undeliverable, every
    // tenth refused at submit (0x0B), the rest delivered.
    const rules = phones.flatMap((destination, i): ScriptInput[] =>
      i % 10 === 3
        ? [{ destination, receipt: "UNDELIV" }]
        : i % 10 === 7
          ? [{ destination, submitStatus: 0x0b }]
          : [],
    );
    const { merchantId, liveKey } = await liveMerchant(1000);

    await smppCarrier(unique("side-smpp"), { window: 20 });
    await script(rules);
    const smpp = productionGateway(liveKey);
    const smppId = await smpp.send({ to: phones, message, sender_id: "Lisoloo" });
    await smpp.dispatch();
    const overSmpp = await waitForDeliveries(smppId, isFinal, 180_000);

    const slug = await relayCarrier(unique("side-relay"), { concurrency: 10 });
    await scriptKannelSmsc(rules);
    const relay = productionGateway(liveKey);
    const relayId = await relay.send({ to: phones, message, sender_id: "Lisoloo" });
    await relay.dispatch();
    // Each delivery's final report (1, 2 or 16), then every report replayed into the Worker.
    const isFinalReport = (r: RecordedReport) => ["1", "2", "16"].includes(queryOf(r).get("type") ?? "");
    const reports = await waitForReports(slug, (list) => list.filter(isFinalReport).length === 1000, 180_000);
    for (let i = 0; i < reports.length; i += 25)
      await Promise.all(
        reports.slice(i, i + 25).map(async (r) => expect((await replay(r)).status).toBe(200)),
      );
    const throughRelay = await waitForDeliveries(relayId, isFinal, 180_000);

    const outcome = (d: (typeof overSmpp)[0]) => [d.phone, d.status, d.error_code, d.refunded_micros];
    expect(throughRelay.map(outcome)).toEqual(overSmpp.map(outcome));
    const count = (status: string) => throughRelay.filter((d) => d.status === status).length;
    expect(["delivered", "undelivered", "failed"].map(count)).toEqual([800, 100, 100]);
    // Kannel cut each message into the same two segments the SMPP connector sends.
    const submits = await kannelSubmitsTo(phones);
    expect(submits.filter((s) => s.status === 0)).toHaveLength(900 * 2);
    for (const id of [smppId, relayId]) await expectBilledByTheRule(id);
    await expectLedgerBalanced(merchantId);
    expect((await deliveriesOf(relayId)).every((d) => d.carrier_message_id === `relay:${d.id}`)).toBe(true);
  }, 600_000);
});
