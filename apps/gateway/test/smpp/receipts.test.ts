import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ReceiptStat } from "@lisoloo/smsc-simulator";
import { describe, expect, it, vi } from "vitest";
import type { SmppBind } from "../../src/carriers/smpp/bind";
import type { IdShards } from "../../src/carriers/smpp/id-shards";
import { bindOf } from "../../src/carriers/smpp/stub";
import worker from "../../src/index";
import type { QueueMessage } from "../../src/pipeline/messages";
import { rows, waitFor } from "../helpers";
import { onMerchantShard, recordingQueues } from "../wrap-bindings";
import {
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
  submitsTo,
  waitForDeliveries,
} from "./harness";

const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

describe("SMPP delivery receipts", () => {
  it("maps every receipt stat as CONTRACT §12 says", async () => {
    const slug = unique("stats");
    await smppCarrier(slug);
    const { liveKey, merchantId } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const expected: [ReceiptStat | ReceiptStat[], string, string | null][] = [
      ["DELIVRD", "delivered", null],
      ["UNDELIV", "undelivered", "1504"],
      ["EXPIRED", "expired", "1505"],
      ["REJECTD", "rejected", "1502"],
      ["DELETED", "undelivered", "1504"],
      ["UNKNOWN", "delivery_unknown", "1503"],
      ["ACCEPTD", "accepted", null],
      ["ENROUTE", "enroute", null],
      [["ACCEPTD", "ENROUTE", "DELIVRD"], "delivered", null],
    ];
    const { phones } = numbersFor(expected.length);
    await script(expected.map(([receipt], i) => ({ destination: phones[i] as string, receipt })));
    const id = await gateway.send({ to: phones, message: "Stat check", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, (d) => d.status !== "processing");
    await waitFor(
      () => deliveriesOf(id),
      (list) => list.every((d, i) => d.status === expected[i]?.[1]),
    );
    const final = await deliveriesOf(id);
    expect(final.map((d) => [d.status, d.error_code])).toEqual(expected.map(([, s, c]) => [s, c]));
    expect(done).toHaveLength(expected.length);
    // Every receipt was acknowledged, once it was queued.
    const receipts = await waitFor(
      () => receiptsFor(phones),
      (list) => list.length === 11 && list.every((r) => r.acknowledged),
    );
    expect(receipts.every((r) => r.attempts.length === 1)).toBe(true);
    // The bind remembers which shard each id it submitted belongs to, so these receipts were queued
    // for the merchant's shard rather than looked up in every shard.
    const shard = (await onMerchantShard(merchantId)).SHARD;
    const ids = final.map((d) => d.carrier_message_id as string);
    const remembered = await runInDurableObject(bindOf(env, slug, 0), (bind: SmppBind) =>
      ids.map((cid) => (bind as unknown as { idShards: IdShards }).idShards.of(cid)),
    );
    expect(remembered).toEqual(ids.map(() => shard));
  });

  it("applies receipts that overtake the submit_sm_resp, come twice, or carry only TLVs", async () => {
    await smppCarrier(unique("quirks"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(3);
    const [early, twice, tlv] = phones as [string, string, string];
    await script([
      { destination: early, receiptBeforeResp: true },
      { destination: twice, receiptCopies: 2 },
      { destination: tlv, receiptForm: "tlv", receipt: "UNDELIV" },
    ]);
    const id = await gateway.send({ to: phones, message: "Quirks", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => [d.phone, d.status])).toEqual([
      [early, "delivered"],
      [twice, "delivered"],
      [tlv, "undelivered"],
    ]);
    const receipts = await receiptsFor(phones);
    expect(receipts.find((r) => `+${r.source_addr}` === early)?.beforeResp).toBe(true);
    expect(receipts.filter((r) => `+${r.source_addr}` === twice)).toHaveLength(2);
    expect(receipts.find((r) => `+${r.source_addr}` === tlv)?.form).toBe("tlv");
    await waitFor(
      () => receiptsFor(phones),
      (list) => list.every((r) => r.acknowledged),
    );
    // The copy is recorded as a duplicate, not applied again: one event, one state change.
    const twiceRow = done.find((d) => d.phone === twice);
    await waitFor(
      () =>
        rowsOfSend<{ outcome: string }>(
          id,
          "SELECT outcome FROM receipts WHERE delivery_id = ?",
          twiceRow?.id,
        ),
      (list) => list.length === 2,
    );
    expect(
      (
        await rowsOfSend<{ outcome: string }>(
          id,
          "SELECT outcome FROM receipts WHERE delivery_id = ? ORDER BY id",
          twiceRow?.id,
        )
      ).map((r) => r.outcome),
    ).toEqual(["applied", "ignored_duplicate"]);
  });

  it("reads receipt ids in the other base when the carrier says so", async () => {
    await smppCarrier(unique("idfmt"), { receipt_id_format: "submit_decimal_receipt_hex" });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { prefix, phones } = numbersFor(2);
    await script({ destination: prefix, receiptIdFormat: "other" });
    const id = await gateway.send({ to: phones, message: "Hex receipts", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(["delivered", "delivered"]);
    const receipts = await receiptsFor(phones);
    expect(receipts).toHaveLength(2);
    for (const r of receipts) expect(r.receiptId.toLowerCase()).toBe(BigInt(r.messageId).toString(16));
  });

  it("merges the receipts of a multi-segment message per delivery: all parts, or some", async () => {
    const { slug } = await smppCarrier(unique("merge"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { prefix, phones } = numbersFor(2);
    // The parts' receipts are sent by hand below, part by part.
    await script({ destination: prefix, receipt: "none" });
    const id = await gateway.send({ to: phones, message: "Mbɔ́tɛ! ".repeat(12), sender_id: "Lisoloo" });
    await gateway.dispatch();
    const handed = await waitForDeliveries(id, (d) => d.carrier_message_id !== null);
    const parts = await rowsOfSend<{ delivery_id: number; part_index: number; carrier_message_id: string }>(
      id,
      `SELECT delivery_id, part_index, carrier_message_id FROM carrier_message_parts
       WHERE delivery_id IN (?, ?) ORDER BY delivery_id, part_index`,
      handed[0]?.id,
      handed[1]?.id,
    );
    expect(parts.map((p) => p.part_index)).toEqual([1, 2, 1, 2]);
    // The delivery's own id is its first part's.
    expect(handed.map((d) => d.carrier_message_id)).toEqual([
      parts[0]?.carrier_message_id,
      parts[2]?.carrier_message_id,
    ]);
    const at = new Date().toISOString();
    const receipt = (p: (typeof parts)[number], stat: "delivered" | "undelivered") => ({
      carrierMessageId: p.carrier_message_id,
      status: stat,
      errorCode: stat === "undelivered" ? ("1504" as const) : null,
      at,
    });
    const [a1, a2, b1, b2] = parts as [
      (typeof parts)[number],
      (typeof parts)[number],
      (typeof parts)[number],
      (typeof parts)[number],
    ];
    // One part alone changes nothing yet: the delivery shows its least advanced part.
    await env.RECEIPT_QUEUE.send({ type: "receipts", carrier: slug, receipts: [receipt(a1, "delivered")] });
    await waitFor(
      () => deliveriesOf(id),
      (list) => list[0]?.parts !== null,
    );
    expect((await deliveriesOf(id))[0]?.status).toBe("processing");
    await env.RECEIPT_QUEUE.send({
      type: "receipts",
      carrier: slug,
      receipts: [receipt(a2, "delivered"), receipt(b1, "delivered"), receipt(b2, "undelivered")],
    });
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => [d.status, d.error_code])).toEqual([
      ["delivered", null],
      ["partially_delivered", "1504"],
    ]);
    expect(await submitsTo(phones)).toHaveLength(4);
  });
});

describe("receipts nobody claims", () => {
  it("are looked up again, then kept as orphans, logged, and counted by their bind", async () => {
    const { slug } = await smppCarrier(unique("orphan"));
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void lines.push(String(line)));
    const receipt = {
      carrierMessageId: `nobody-${crypto.randomUUID()}`,
      status: "delivered",
      at: new Date().toISOString(),
    };
    const run = async (body: QueueMessage) => {
      const held = recordingQueues({ hold: true });
      const batch = createMessageBatch("lisoloo-receipts-production", [
        { id: `orphan-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, { ...env, ...held.queues }, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
      await waitOnExecutionContext(ctx);
      return held.sentTo;
    };
    const first = {
      type: "receipts" as const,
      carrier: slug,
      receipts: [receipt as never],
      source: `${slug}#0`,
    };
    // Not found: looked up again later (through the receipt queue), the attempt counted in the message.
    expect(await run(first)).toEqual({ SEND_QUEUE: [], RECEIPT_QUEUE: [{ ...first, attempt: 2 }] });
    // The last look-up: kept.
    expect(await run({ ...first, attempt: 12 })).toEqual({ SEND_QUEUE: [], RECEIPT_QUEUE: [] });
    const kept = await rows(
      "SELECT carrier, carrier_message_id, source FROM orphan_receipts WHERE carrier = ?",
      slug,
    );
    expect(kept).toEqual([
      { carrier: slug, carrier_message_id: receipt.carrierMessageId, source: `${slug}#0` },
    ]);
    expect(lines.some((l) => l.includes('"receipt.orphan"') && l.includes(receipt.carrierMessageId))).toBe(
      true,
    );
    expect((await bindView(slug))[0]?.orphans).toBe(1);
    vi.restoreAllMocks();
  });
});
