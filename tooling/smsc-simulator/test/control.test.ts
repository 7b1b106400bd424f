import { describe, expect, it } from "vitest";
import type { BindRecord, ReceiptRecord, ScriptView, SmscStats, SubmitRecord } from "../src/index.mjs";
import { bound, until, useSmsc } from "./client";

async function call<T>(
  url: string,
  init?: { method?: string; body?: unknown },
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init?.method ?? "GET",
    headers: { "content-type": "application/json" },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe("control API", () => {
  it("scripts the SMSC and reads its records over HTTP", async () => {
    const smsc = await useSmsc();
    const control = smsc.controlUrl as string;
    const scripted = await call<ScriptView>(`${control}/__script`, {
      method: "POST",
      body: [{ destination: "24390", receipt: "UNDELIV" }, { throttleNext: 1 }],
    });
    expect(scripted.status).toBe(200);
    expect(scripted.body.destinations["24390"]).toMatchObject({ receipt: "UNDELIV" });
    expect(scripted.body.global.failures).toEqual([{ status: 0x58, remaining: 1 }]);

    const client = await bound(smsc);
    expect(
      (await client.submit({ destination_addr: "243900000001", short_message: "t" })).command_status,
    ).toBe(0x58);
    const ok = await client.submit({ destination_addr: "243900000001", short_message: "u" });
    await client.submit({ destination_addr: "243810000001", short_message: "v" });
    await until(() => smsc.stats().receipts.acknowledged === 2);

    const submits = await call<SubmitRecord[]>(`${control}/__submits?destination=%2B243900000001`);
    expect(submits.body.map((s) => [s.text, s.status])).toEqual([
      ["t", 0x58],
      ["u", 0],
    ]);
    const byId = await call<SubmitRecord[]>(`${control}/__submits?messageId=${ok.message_id}`);
    expect(byId.body.map((s) => s.text)).toEqual(["u"]);
    const receipts = await call<ReceiptRecord[]>(`${control}/__receipts?destination=243900000001`);
    expect(receipts.body.map((r) => [r.messageId, r.stat, r.acknowledged])).toEqual([
      [ok.message_id, "UNDELIV", true],
    ]);
    const binds = await call<BindRecord[]>(`${control}/__binds`);
    expect(binds.body).toMatchObject([{ id: 1, mode: "transceiver", systemId: "lisoloo", submits: 3 }]);
    const stats = await call<SmscStats>(`${control}/__stats`);
    expect(stats.body).toMatchObject({ binds: { open: 1 }, submits: { total: 3, ok: 2, failed: 1 } });
  });

  it("answers 400 for an unknown setting or a bad value, and changes nothing", async () => {
    const smsc = await useSmsc();
    const control = smsc.controlUrl as string;
    for (const body of [
      { recipt: "DELIVRD" },
      { receipt: "DELIVERED" },
      [{ receipt: "UNDELIV" }, { throttleNext: -1 }],
      { destination: "24381", dropAfterSubmits: 1 },
    ]) {
      const res = await call<{ error: string }>(`${control}/__script`, { method: "POST", body });
      expect(res.status).toBe(400);
      expect(res.body.error).toBeTruthy();
    }
    expect(smsc.scripts().global).toEqual({ failures: [] });
    expect((await call(`${control}/__nothing`)).status).toBe(404);
  });

  it("resets records and scripts but keeps open binds and the id counter", async () => {
    const smsc = await useSmsc({ script: { receiptForm: "text" } });
    const control = smsc.controlUrl as string;
    const client = await bound(smsc);
    await call(`${control}/__script`, { method: "POST", body: { receipt: "none" } });
    const before = await client.submit({ destination_addr: "243810000001", short_message: "before" });

    expect((await call(`${control}/__reset`, { method: "POST" })).status).toBe(200);
    expect(smsc.submits()).toEqual([]);
    expect(smsc.binds()).toMatchObject([{ id: 1, end: null, submits: 0 }]);
    expect(smsc.scripts().global).toEqual({ receiptForm: "text", failures: [] });

    const after = await client.submit({ destination_addr: "243810000001", short_message: "after" });
    expect(after.message_id).not.toBe(before.message_id);
    await until(() => client.receipts.length === 1);
    expect("receipted_message_id" in (client.receipts[0] ?? {})).toBe(false);

    await call(`${control}/__reset`, { method: "POST", body: { dropBinds: true } });
    await client.closed;
  });

  it("drops binds on POST /__drop", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    const res = await call<{ dropped: number }>(`${smsc.controlUrl}/__drop`, {
      method: "POST",
      body: { bindId: 1 },
    });
    expect(res.body.dropped).toBe(1);
    await client.closed;
  });
});
