import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  bindOf,
  bindsOf,
  bindView,
  deliveriesOf,
  isFinal,
  liveMerchant,
  numbersFor,
  productionGateway,
  smppCarrier,
  submitsTo,
  waitForDeliveries,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

describe("an SMPP bind", () => {
  it("binds as a transceiver with the carrier's account, and keeps the link up with enquire_link", async () => {
    const { slug, systemType } = await smppCarrier(unique("bind"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(1);
    const id = await gateway.send({ to: phones, message: "Mbote!", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await waitForDeliveries(id, (d) => d.status === "delivered");

    const [bind] = await bindsOf(systemType);
    expect(bind).toMatchObject({
      mode: "transceiver",
      systemId: "lisoloo",
      status: 0,
      interfaceVersion: 0x34,
    });
    expect(bind?.endedAt).toBeNull();
    const [view] = await bindView(slug);
    expect(view).toMatchObject({ state: "bound", error: null, window_in_use: 0, submits_last_minute: 1 });

    // The alarm keeps the link alive: each run sends an enquire_link on the same connection.
    const before = bind?.enquireLinks ?? 0;
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    const [after] = await bindsOf(systemType);
    expect(after?.enquireLinks).toBe(before + 1);
    expect(after?.id).toBe(bind?.id);
    // …and is armed again for the next one.
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    expect((await bindsOf(systemType))[0]?.enquireLinks).toBe(before + 2);
  });

  it("delivers a single-segment GSM-7 message and stores the carrier's id", async () => {
    const { slug } = await smppCarrier(unique("single"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(3);
    const id = await gateway.send({ to: phones, message: "Votre code est 123456", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(["delivered", "delivered", "delivered"]);
    const submits = await submitsTo(phones);
    expect(submits).toHaveLength(3);
    for (const d of done) {
      const submit = submits.find((s) => `+${s.destination_addr}` === d.phone);
      expect(d.carrier_message_id).toBe(submit?.messageId);
      expect(submit).toMatchObject({
        source_addr_ton: 5,
        source_addr_npi: 0,
        source_addr: "Lisoloo",
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        registered_delivery: 1,
        data_coding: 0,
        esm_class: 0,
        text: "Votre code est 123456",
      });
    }
    const parts = await deliveriesOf(id);
    expect(parts.every((d) => d.parts === null)).toBe(true);
    expect((await gateway.status(id)).status).toBe("delivered");
    expect(slug).toBeTruthy();
  });
});
