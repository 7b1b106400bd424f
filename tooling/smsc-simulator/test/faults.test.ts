import { describe, expect, it } from "vitest";
import { bound, until, useSmsc } from "./client";

describe("connection faults", () => {
  it("drops the connection at the N-th submit, with the last ones unanswered", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ dropAfterSubmits: 4, dropUnanswered: 2 });
    const answers: number[] = [];
    for (let i = 0; i < 2; i++)
      answers.push(
        (await client.submit({ destination_addr: "243810000001", short_message: `a${i}` })).command_status,
      );
    // The client's window holds the next two while it waits for their answers.
    void client.submit({ destination_addr: "243810000001", short_message: "lost-1" });
    void client.submit({ destination_addr: "243810000001", short_message: "lost-2" });
    await client.closed;

    expect(answers).toEqual([0, 0]);
    expect(client.received.filter((p) => p.command === "submit_sm_resp")).toHaveLength(2);
    expect(smsc.submits().map((s) => [s.text, s.outcome, s.messageId !== null])).toEqual([
      ["a0", "answered", true],
      ["a1", "answered", true],
      ["lost-1", "unanswered", false],
      ["lost-2", "unanswered", false],
    ]);
    expect(smsc.binds()[0]).toMatchObject({ end: "dropped", outstanding: 2, maxOutstanding: 2 });

    // One-shot: the client binds again and goes on.
    const again = await bound(smsc);
    expect(
      (await again.submit({ destination_addr: "243810000001", short_message: "again" })).command_status,
    ).toBe(0);
    expect(smsc.scripts().faults.dropAfterSubmits).toBeNull();
  });

  it("counts towards the drop across binds and drops the bind that gets the N-th submit", async () => {
    const smsc = await useSmsc();
    const a = await bound(smsc);
    const b = await bound(smsc);
    smsc.script({ dropAfterSubmits: 2 });
    expect((await a.submit({ destination_addr: "243810000001", short_message: "on a" })).command_status).toBe(
      0,
    );
    void b.submit({ destination_addr: "243810000001", short_message: "on b" });
    await b.closed;
    expect(smsc.binds().map((bind) => bind.end)).toEqual([null, "dropped"]);
    expect((await a.enquireLink()).command).toBe("enquire_link_resp");
  });

  it("drops every open connection on demand", async () => {
    const smsc = await useSmsc();
    const clients = [await bound(smsc), await bound(smsc)];
    expect(smsc.dropBinds()).toBe(2);
    await Promise.all(clients.map((c) => c.closed));
    await until(() => smsc.stats().binds.open === 0);
    expect(smsc.binds().map((b) => b.end)).toEqual(["dropped", "dropped"]);
  });

  it("marks a delayed answer unanswered when the connection ends first", async () => {
    const smsc = await useSmsc({ script: { submitRespDelayMs: 60_000 } });
    const client = await bound(smsc);
    void client.submit({ destination_addr: "243810000001", short_message: "slow" });
    await until(() => smsc.submits().length === 1);
    await client.close();
    await until(() => smsc.submits()[0]?.outcome === "unanswered");
    expect(smsc.binds()[0]?.end).toBe("client-closed");
    expect(smsc.receipts()).toEqual([]);
  });
});
