import { describe, expect, it } from "vitest";
import { bound, connect, receiptFields, textOf, until, useSmsc } from "./client";

describe("delivery receipts", () => {
  it("sends DELIVRD as text and TLVs, and records that the client acknowledged it", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    const resp = await client.submit({
      destination_addr: "243810000001",
      short_message: "Your code is 4821",
    });
    await until(() => smsc.receipts()[0]?.acknowledged);

    const [pdu] = client.receipts;
    expect(pdu).toMatchObject({
      esm_class: 0x04,
      source_addr: "243810000001",
      destination_addr: "Lisoloo",
      receipted_message_id: resp.message_id,
      message_state: 2,
    });
    const fields = receiptFields(textOf(pdu as never));
    expect(fields).toMatchObject({
      id: resp.message_id,
      sub: "001",
      dlvrd: "001",
      stat: "DELIVRD",
      err: "000",
      text: "Your",
    });
    expect(fields["submit date"]).toMatch(/^\d{10}$/);
    expect(fields["done date"]).toMatch(/^\d{10}$/);

    expect(smsc.receipts()).toMatchObject([
      {
        messageId: resp.message_id,
        receiptId: resp.message_id,
        stat: "DELIVRD",
        final: true,
        form: "both",
        status: "acknowledged",
        acknowledged: true,
        attempts: [{ bindId: 1, outcome: "acknowledged", respStatus: 0 }],
      },
    ]);
  });

  it.each([
    { stat: "UNDELIV", state: 5 },
    { stat: "EXPIRED", state: 3 },
    { stat: "REJECTD", state: 8 },
    { stat: "DELETED", state: 4 },
    { stat: "UNKNOWN", state: 7 },
  ] as const)("sends $stat (message_state $state) for a scripted destination", async ({ stat, state }) => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ destination: "243810000009", receipt: stat });
    await client.submit({ destination_addr: "243810000009", short_message: "x" });
    await until(() => client.receipts.length === 1);
    const [pdu] = client.receipts;
    expect(pdu?.message_state).toBe(state);
    expect(receiptFields(textOf(pdu as never))).toMatchObject({ stat, dlvrd: "000", err: "001" });
  });

  it("sends ACCEPTD then ENROUTE then the final state, in order", async () => {
    const smsc = await useSmsc({ script: { receipt: ["ACCEPTD", "ENROUTE", "DELIVRD"], receiptErr: "000" } });
    const client = await bound(smsc);
    await client.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => client.receipts.length === 3);
    expect(client.receipts.map((p) => p.message_state)).toEqual([6, 1, 2]);
    expect(smsc.receipts().map((r) => [r.stat, r.final])).toEqual([
      ["ACCEPTD", false],
      ["ENROUTE", false],
      ["DELIVRD", true],
    ]);
  });

  it.each([
    { form: "text" as const, tlv: false, text: true },
    { form: "tlv" as const, tlv: true, text: false },
  ])("sends receipts as $form only", async ({ form, tlv, text }) => {
    const smsc = await useSmsc({ script: { receiptForm: form } });
    const client = await bound(smsc);
    const resp = await client.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => client.receipts.length === 1);
    const [pdu] = client.receipts;
    expect("receipted_message_id" in (pdu ?? {})).toBe(tlv);
    expect("message_state" in (pdu ?? {})).toBe(tlv);
    expect(textOf(pdu as never) !== "").toBe(text);
    if (text) expect(receiptFields(textOf(pdu as never)).id).toBe(resp.message_id);
  });

  it("sends no receipt when scripted, or when registered_delivery asks for none", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ destination: "243810000001", receipt: "none" });
    await client.submit({ destination_addr: "243810000001", short_message: "none" });
    await client.submit({ destination_addr: "243810000002", short_message: "none", registered_delivery: 0 });
    // A third, ordinary submit gets its receipt; the first two, sent before it, never will.
    const third = await client.submit({ destination_addr: "243810000003", short_message: "one" });
    await until(() => client.receipts.length === 1);
    expect(client.receipts[0]?.receipted_message_id).toBe(third.message_id);
    expect(smsc.receipts()).toHaveLength(1);
  });

  it("duplicates receipts when scripted", async () => {
    const smsc = await useSmsc({ script: { receiptCopies: 2 } });
    const client = await bound(smsc);
    const resp = await client.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => smsc.receipts().filter((r) => r.acknowledged).length === 2);
    expect(client.receipts.map((p) => p.receipted_message_id)).toEqual([resp.message_id, resp.message_id]);
    expect(smsc.receipts().map((r) => r.copy)).toEqual([1, 2]);
  });

  it("lets the receipt overtake the submit_sm_resp", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ receiptBeforeResp: true });
    const resp = await client.submit({ destination_addr: "243810000001", short_message: "race" });
    await until(() => client.receipts.length === 1);
    expect(client.received.slice(1).map((p) => p.command)).toEqual(["deliver_sm", "submit_sm_resp"]);
    expect(client.receipts[0]?.receipted_message_id).toBe(resp.message_id);
    expect(smsc.receipts()[0]?.beforeResp).toBe(true);
  });

  it.each([
    {
      idFormat: "hex" as const,
      receiptIdFormat: "other" as const,
      convert: (id: string) => String(Number.parseInt(id, 16)),
    },
    {
      idFormat: "decimal" as const,
      receiptIdFormat: "other" as const,
      convert: (id: string) => Number(id).toString(16),
    },
    { idFormat: "decimal" as const, receiptIdFormat: "same" as const, convert: (id: string) => id },
  ])(
    "writes the receipt id $receiptIdFormat than a $idFormat submit id",
    async ({ idFormat, receiptIdFormat, convert }) => {
      const smsc = await useSmsc({ idFormat, script: { receiptIdFormat } });
      const client = await bound(smsc);
      const resp = await client.submit({ destination_addr: "243810000001", short_message: "x" });
      await until(() => client.receipts.length === 1);
      const expected = convert(String(resp.message_id));
      expect(client.receipts[0]?.receipted_message_id).toBe(expected);
      expect(receiptFields(textOf(client.receipts[0] as never)).id).toBe(expected);
      if (receiptIdFormat === "other") expect(expected).not.toBe(resp.message_id);
    },
  );

  it("records receipts the client never acknowledged", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc, { ack: false });
    await client.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => client.receipts.length === 1);
    expect(smsc.receipts()[0]).toMatchObject({ status: "pending", acknowledged: false });
    await client.close();
    await until(() => smsc.receipts()[0]?.status === "lost");
    expect(smsc.receipts()[0]?.attempts).toMatchObject([{ outcome: "lost", respStatus: null }]);
  });

  it("records a deliver_sm_resp with an error status as rejected", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc, { ackStatus: 0x08 });
    await client.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => smsc.receipts()[0]?.status === "rejected");
    expect(smsc.receipts()[0]?.attempts).toMatchObject([{ outcome: "rejected", respStatus: 0x08 }]);
  });

  it("resends unacknowledged receipts on the next bind when configured", async () => {
    const smsc = await useSmsc({ resendUnacknowledged: true });
    const first = await bound(smsc, { ack: false });
    const resp = await first.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => first.receipts.length === 1);
    await first.close();
    await until(() => smsc.receipts()[0]?.status === "queued");

    const second = await connect(smsc);
    await second.bind();
    await until(() => smsc.receipts()[0]?.acknowledged);
    expect(second.receipts.map((p) => p.receipted_message_id)).toEqual([resp.message_id]);
    expect(smsc.receipts()[0]?.attempts.map((a) => [a.bindId, a.outcome])).toEqual([
      [1, "lost"],
      [2, "acknowledged"],
    ]);
  });

  it("queues receipts that fall due while no bind can take them, when configured", async () => {
    const smsc = await useSmsc({ script: { resendUnacknowledged: true, receiptDelayMs: 50 } });
    const transmitter = await connect(smsc);
    await transmitter.bind("transmitter");
    await transmitter.submit({ destination_addr: "243810000001", short_message: "x" });
    await until(() => smsc.receipts()[0]?.status === "queued");
    const receiver = await connect(smsc);
    await receiver.bind("receiver");
    await until(() => smsc.receipts()[0]?.acknowledged);
    expect(receiver.receipts).toHaveLength(1);
  });
});
