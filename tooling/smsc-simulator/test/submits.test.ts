import { describe, expect, it } from "vitest";
import { encodeGsm7 } from "../src/index.mjs";
import { bound, ucs2, until, useSmsc } from "./client";

describe("submit_sm", () => {
  it("answers with a message id and records every field as written", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    // GSM-7, one septet per octet: "Prix: 5€ [promo]" (€ [ ] through the 0x1B escape).
    const bytes = Buffer.from([
      ...encodeGsm7("Prix: 5"),
      0x1b,
      0x65,
      0x20,
      0x1b,
      0x3c,
      ...encodeGsm7("promo"),
      0x1b,
      0x3e,
    ]);
    const resp = await client.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "243990000000",
      destination_addr: "243810000001",
      validity_period: "000001000000000R",
      short_message: bytes,
    });
    expect(resp.command_status).toBe(0);
    expect(resp.message_id).toMatch(/^\d+$/);

    const [submit] = smsc.submits();
    expect(submit).toMatchObject({
      bindId: 1,
      systemId: "lisoloo",
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "243990000000",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: "243810000001",
      esm_class: 0,
      data_coding: 0,
      registered_delivery: 1,
      validity_period: "000001000000000R",
      short_message: bytes.toString("hex"),
      udh: null,
      text: "Prix: 5€ [promo]",
      status: 0,
      messageId: resp.message_id,
      outcome: "answered",
    });
  });

  it("decodes a multi-part UCS-2 message from its UDH back to the text", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    const text = "Mbote na bino! Façon de parler: ✓ 🇨🇩 — Kinshasa, Lubumbashi, Goma, Kisangani.";
    // Cut at 30 UTF-16 units, between a surrogate pair's halves included: the parts are joined by
    // the receiving phone, as bytes, not by the SMSC.
    const units = ucs2(text);
    const parts = [];
    for (let at = 0; at < units.length; at += 60) parts.push(units.subarray(at, at + 60));
    for (const [i, part] of parts.entries()) {
      const udh = Buffer.from([0x05, 0x00, 0x03, 0xa7, parts.length, i + 1]);
      const resp = await client.submit({
        destination_addr: "243970000002",
        esm_class: 0x40,
        data_coding: 8,
        short_message: Buffer.concat([udh, part]),
      });
      expect(resp.command_status).toBe(0);
    }
    const submits = smsc.submits({ destination: "+243970000002" });
    expect(submits.map((s) => s.udh)).toEqual(
      parts.map((_, i) => ({ ref: 0xa7, total: parts.length, seq: i + 1, refBits: 8 })),
    );
    expect(submits.every((s) => s.esm_class === 0x40 && s.data_coding === 8)).toBe(true);
    const joined = Buffer.concat(submits.map((s) => Buffer.from(s.short_message, "hex").subarray(6)));
    expect(joined.swap16().toString("utf16le")).toBe(text);
    // Parts that split no surrogate pair read back on their own.
    expect(submits[0]?.text).toBe(text.slice(0, 30));
  });

  it("reads a 16-bit concatenation reference and sar_* TLVs", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    await client.submit({
      destination_addr: "243810000001",
      esm_class: 0x40,
      short_message: Buffer.concat([
        Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01]),
        encodeGsm7("one"),
      ]),
    });
    await client.submit({
      destination_addr: "243810000001",
      short_message: encodeGsm7("two"),
      sar_msg_ref_num: 0x0102,
      sar_total_segments: 2,
      sar_segment_seqnum: 2,
    });
    expect(smsc.submits().map((s) => [s.udh, s.text])).toEqual([
      [{ ref: 0x1234, total: 2, seq: 1, refBits: 16 }, "one"],
      [{ ref: 0x0102, total: 2, seq: 2, refBits: 16 }, "two"],
    ]);
  });

  it("throttles the next N submits with 0x58, then accepts again", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ throttleNext: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await client.submit({ destination_addr: "243810000001", short_message: `m${i}` })).command_status,
      );
    expect(statuses).toEqual([0x58, 0x58, 0]);
    expect(smsc.submits().map((s) => s.messageId === null)).toEqual([true, true, false]);
  });

  it("answers a burst above maxSubmitsPerSecond with 0x58", async () => {
    const smsc = await useSmsc({ script: { maxSubmitsPerSecond: 2 } });
    const client = await bound(smsc);
    // Written in one go, the five submits arrive together, well within one second.
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        client.submit({ destination_addr: "243810000001", short_message: `b${i}` }),
      ),
    );
    expect(answers.map((a) => a.command_status)).toEqual([0, 0, 0x58, 0x58, 0x58]);
  });

  it("answers queue full (0x14) and other one-shot statuses", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ queueFullNext: 1, failNext: { count: 1, status: 0x08 } });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await client.submit({ destination_addr: "243810000001", short_message: "q" })).command_status,
      );
    expect(statuses).toEqual([0x14, 0x08, 0]);
  });

  it("answers a permanent status for a destination prefix and sends it no receipt", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ destination: "+24399", submitStatus: 0x0b });
    const refused = await client.submit({ destination_addr: "243990000009", short_message: "no" });
    const accepted = await client.submit({ destination_addr: "243810000001", short_message: "yes" });
    expect(refused.command_status).toBe(0x0b);
    expect(accepted.command_status).toBe(0);
    await until(() => client.receipts.length === 1);
    expect(client.receipts[0]?.receipted_message_id).toBe(accepted.message_id);
    expect(smsc.receipts().map((r) => r.messageId)).toEqual([accepted.message_id]);
  });

  it("delays the submit_sm_resp when scripted", async () => {
    const smsc = await useSmsc();
    const client = await bound(smsc);
    smsc.script({ destination: "243810000001", submitRespDelayMs: 50 });
    const decided: string[] = [];
    smsc.on("submit", (record) => decided.push(record.outcome));
    const answer = await client.submit({ destination_addr: "243810000001", short_message: "later" });
    expect(answer.command_status).toBe(0);
    expect(decided).toEqual(["pending"]);
    expect(smsc.submits()[0]?.outcome).toBe("answered");
  });

  it("never answers when told, and records the window the client used", async () => {
    const smsc = await useSmsc({ script: { answerSubmits: false } });
    const client = await bound(smsc);
    for (let i = 0; i < 7; i++)
      void client.submit({ destination_addr: "243810000001", short_message: `w${i}` });
    await until(() => smsc.submits().length === 7);
    expect(smsc.binds()[0]).toMatchObject({ outstanding: 7, maxOutstanding: 7, submits: 7 });
    expect(smsc.stats()).toMatchObject({ maxOutstanding: 7, submits: { unanswered: 7 } });
    expect(client.received.map((p) => p.command)).toEqual(["bind_transceiver_resp"]);
  });

  it("counts outstanding submits down as they are answered", async () => {
    const smsc = await useSmsc({ script: { submitRespDelayMs: 20 } });
    const client = await bound(smsc);
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        client.submit({ destination_addr: "243810000001", short_message: `o${i}` }),
      ),
    );
    const [bind] = smsc.binds();
    expect(bind?.outstanding).toBe(0);
    expect(bind?.maxOutstanding).toBeGreaterThanOrEqual(1);
    expect(bind?.maxOutstanding).toBeLessThanOrEqual(4);
  });

  it.each([
    { idFormat: "decimal" as const, pattern: /^\d+$/ },
    { idFormat: "hex" as const, pattern: /^[a-f][0-9a-f]*$/ },
  ])("gives $idFormat message ids, never the same twice", async ({ idFormat, pattern }) => {
    const smsc = await useSmsc({ idFormat });
    const client = await bound(smsc);
    const ids = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const resp = await client.submit({ destination_addr: "243810000001", short_message: "id" });
      expect(resp.message_id).toMatch(pattern);
      ids.add(resp.message_id);
      smsc.reset();
    }
    expect(ids.size).toBe(3);
  });
});
