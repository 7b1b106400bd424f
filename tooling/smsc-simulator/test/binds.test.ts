import { describe, expect, it } from "vitest";
import { bound, connect, until, useSmsc } from "./client";

describe("binds", () => {
  it("binds a transceiver, answers enquire_link and unbind, and records the bind", async () => {
    const smsc = await useSmsc({ systemId: "acme", password: "pa55", smscSystemId: "SMSC-1" });
    const client = await connect(smsc);
    const resp = await client.bind("transceiver", { system_id: "acme", password: "pa55" });
    expect(resp.command).toBe("bind_transceiver_resp");
    expect(resp.command_status).toBe(0);
    expect(resp.system_id).toBe("SMSC-1");

    expect((await client.enquireLink()).command).toBe("enquire_link_resp");
    expect((await client.unbind()).command).toBe("unbind_resp");
    await client.closed;

    const [bind] = await until(() => smsc.binds().filter((b) => b.end !== null).length === 1 && smsc.binds());
    expect(bind).toMatchObject({
      mode: "transceiver",
      systemId: "acme",
      status: 0,
      end: "unbind",
      enquireLinks: 1,
    });
  });

  it.each([
    { name: "a wrong password", credentials: { password: "nope" }, status: 0x0e },
    { name: "an unknown system_id", credentials: { system_id: "other" }, status: 0x0f },
  ])("answers $name with bind_resp $status and hangs up", async ({ credentials, status }) => {
    const smsc = await useSmsc();
    const client = await connect(smsc);
    const resp = await client.bind("transceiver", credentials);
    expect(resp.command_status).toBe(status);
    await client.closed;
    expect(smsc.binds()).toMatchObject([{ status, end: "refused" }]);
  });

  it("binds transmitter and receiver separately and sends receipts to the receiver", async () => {
    const smsc = await useSmsc();
    const transmitter = await connect(smsc);
    const receiver = await connect(smsc);
    expect((await transmitter.bind("transmitter")).command).toBe("bind_transmitter_resp");
    expect((await receiver.bind("receiver")).command).toBe("bind_receiver_resp");

    const resp = await transmitter.submit({ destination_addr: "243810000001", short_message: "Mbote" });
    expect(resp.command_status).toBe(0);
    await until(() => receiver.receipts.length === 1);
    expect(receiver.receipts[0]?.receipted_message_id).toBe(resp.message_id);
    expect(transmitter.receipts).toHaveLength(0);
    expect(smsc.binds().map((b) => b.mode)).toEqual(["transmitter", "receiver"]);
  });

  it("refuses submit_sm before a bind and on a receiver bind (0x04 ESME_RINVBNDSTS)", async () => {
    const smsc = await useSmsc();
    const unbound = await connect(smsc);
    expect(
      (await unbound.submit({ destination_addr: "243810000001", short_message: "x" })).command_status,
    ).toBe(4);
    const receiver = await connect(smsc);
    await receiver.bind("receiver");
    expect(
      (await receiver.submit({ destination_addr: "243810000001", short_message: "x" })).command_status,
    ).toBe(4);
    expect(smsc.submits().map((s) => [s.bindId, s.status, s.messageId])).toEqual([
      [null, 4, null],
      [1, 4, null],
    ]);
  });

  it("answers a second bind on the same connection with 0x05 ESME_RALYBND", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    expect((await client.bind()).command_status).toBe(0x05);
  });

  it("refuses the next binds, or all binds for a while, then accepts again", async () => {
    const smsc = await useSmsc();
    smsc.script({ refuseBinds: 2 });
    for (let i = 0; i < 2; i++) {
      const client = await connect(smsc);
      expect((await client.bind()).command_status).toBe(0x0d);
      await client.closed;
    }
    expect((await (await connect(smsc)).bind()).command_status).toBe(0);

    smsc.script({ refuseBindsForMs: 60_000, bindRefusalStatus: 0x08 });
    expect((await (await connect(smsc)).bind()).command_status).toBe(0x08);
    smsc.script({ refuseBindsForMs: 0 });
    expect((await (await connect(smsc)).bind()).command_status).toBe(0);
    expect(smsc.stats().binds).toMatchObject({ total: 5, refused: 3 });
  });

  it("accepts a silent bind, then answers nothing on it", async () => {
    const smsc = await useSmsc();
    smsc.script({ silentBinds: 1 });
    const client = await bound(smsc);
    void client.enquireLink();
    void client.submit({ destination_addr: "243810000001", short_message: "anyone?" });
    await until(() => smsc.submits().length === 1 && smsc.binds()[0]?.enquireLinks === 1);
    // Anything the SMSC had written would reach the client before the close does.
    smsc.dropBinds();
    await client.closed;
    expect(client.received.map((pdu) => pdu.command)).toEqual(["bind_transceiver_resp"]);
    expect(smsc.binds()[0]).toMatchObject({ silent: true, end: "dropped", outstanding: 1 });
    expect(smsc.submits()[0]).toMatchObject({ status: null, outcome: "unanswered" });

    const next = await bound(smsc);
    expect((await next.enquireLink()).command).toBe("enquire_link_resp");
  });
});
