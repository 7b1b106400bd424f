import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetCarriers } from "../../src/carriers/registry";
import { sealSecret } from "../../src/crypto/secret-box";
import { waitFor } from "../helpers";
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

  it("stays bound when its password is sealed afresh (a re-seal after a key rotation), not when it changes", async () => {
    const { slug, systemType } = await smppCarrier(unique("reseal"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const id = await gateway.send({ to: numbersFor(1).phones, message: "Mbote!", sender_id: "Lisoloo" });
    await gateway.dispatch();
    await waitForDeliveries(id, (d) => d.status === "delivered");
    const [bound] = await bindsOf(systemType);
    const storePassword = async (password: string) => {
      await env.DIRECTORY.prepare("UPDATE carriers SET password_enc = ?1 WHERE slug = ?2")
        .bind(await sealSecret(env.CREDENTIALS_KEY, password), slug)
        .run();
      forgetCarriers();
    };

    // The same password under a new ciphertext: the link stays, its alarm only sends enquire_link.
    await storePassword(env.SMSC_PASSWORD);
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    const binds = await bindsOf(systemType);
    expect(binds).toHaveLength(1);
    expect(binds[0]).toMatchObject({
      id: bound?.id,
      endedAt: null,
      enquireLinks: (bound?.enquireLinks ?? 0) + 1,
    });
    expect((await bindView(slug))[0]).toMatchObject({ state: "bound", error: null });

    // Another password: the bind lets the link go and binds again with it.
    await storePassword("0ther!pw");
    expect(await runDurableObjectAlarm(bindOf(env, slug, 0))).toBe(true);
    await waitFor(
      () => bindsOf(systemType),
      (list) => list[0]?.id === bound?.id && list[0]?.end === "unbind",
    );
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
