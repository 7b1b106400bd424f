import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DispatchMessage } from "../../src/pipeline/messages";
import { admin, rows, waitFor } from "../helpers";
import {
  deliveriesOf,
  isFinal,
  liveMerchant,
  numbersFor,
  productionGateway,
  rowsOfSend,
  waitForDeliveries,
} from "../smpp/harness";
import { onMerchantShard } from "../wrap-bindings";
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

/** Replays every report Kannel sent, in arrival order; each must be answered 200. */
async function replayAll(reports: RecordedReport[]) {
  for (const report of reports) {
    const res = await replay(report);
    expect(res.status, await res.text()).toBe(200);
  }
}

const finalReports = (list: RecordedReport[]) =>
  list.filter((r) => ["1", "2", "16"].includes(queryOf(r).get("type") ?? ""));

const title = `HTTP relay through a real Kannel 1.4.5${kannelSkipped ? ` (skipped: ${kannelSkipped})` : ""}`;

describe.skipIf(kannelSkipped !== "")(title, () => {
  it("delivers, reports undeliverable (1504) and SMSC rejections (1501, refunded) through Kannel's dlr-url", async () => {
    const slug = await relayCarrier(unique("relay"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(3);
    const [ok, undeliverable, invalid] = phones as [string, string, string];
    await scriptKannelSmsc([
      { destination: undeliverable, receipt: "UNDELIV" },
      // 0x0B ESME_RINVDSTADR: Kannel reports it as type 16, NACK/0x0000000b/….
      { destination: invalid, submitStatus: 0x0b },
    ]);
    const id = await gateway.send({ to: phones, message: "Hello through the relay", sender_id: "Lisoloo" });
    await gateway.dispatch();
    // Each delivery was taken by Kannel (`0: Accepted for delivery`), recorded under a relay id.
    const taken = await deliveriesOf(id);
    expect(taken.map((d) => d.carrier_message_id)).toEqual(taken.map((d) => `relay:${d.id}`));

    const reports = await waitForReports(slug, (list) => finalReports(list).length === 3);
    expect(reports.every((r) => r.method === "GET" && r.headers["user-agent"]?.startsWith("Kannel/"))).toBe(
      true,
    );
    // receipt_basic_auth is off by default: no credentials in the dlr-url, none sent back.
    expect(reports.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
    await replayAll(reports);
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => [d.phone, d.status, d.error_code])).toEqual([
      [ok, "delivered", null],
      [undeliverable, "undelivered", "1504"],
      [invalid, "failed", "1501"],
    ]);
    const [, lost, refused] = done as [unknown, (typeof done)[0], (typeof done)[0]];
    expect(lost.refunded_micros).toBe(0);
    expect(lost.error_message).toContain("stat:UNDELIV");
    // The receipt text's excerpt of the message is not kept.
    expect(lost.error_message).not.toContain("Hello");
    expect(refused.refunded_micros).toBeGreaterThan(0);
    expect(refused.error_message).toContain("NACK/0x0000000b");
    // One sendsms each, routed to the link the carrier's `smsc` names (allowed-smsc-id), no retry.
    const submits = await kannelSubmitsTo(phones);
    expect(submits.map((s) => s.destination_addr).sort()).toEqual(phones.map((p) => p.slice(1)).sort());
    expect(submits.every((s) => s.text === "Hello through the relay" && s.source_addr === "Lisoloo")).toBe(
      true,
    );
  });

  it("refuses forged and replayed-elsewhere receipts (403) and malformed ones (400), changing nothing", async () => {
    const slug = await relayCarrier(unique("forged"));
    const { merchantId, liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(2);
    await scriptKannelSmsc({ destination: phones, receipt: "none" });
    const id = await gateway.send({ to: phones, message: "Forgery check", sender_id: "Lisoloo" });
    await gateway.dispatch();
    // Only the SMSC's acceptance (type 8) arrives: no final receipt, so a forged one would show.
    const [accepted] = await waitForReports(slug, (list) => list.length === 2);
    const before = await deliveriesOf(id);
    const [first, second] = before as [(typeof before)[0], (typeof before)[0]];
    const original = accepted as RecordedReport;
    const url = new URL(original.url, "http://x");
    // The genuine report turned into a delivered one, with `changes` on top (null: left out).
    const variant = (changes: Record<string, string | null>, path = url.pathname): RecordedReport => {
      const query = new URLSearchParams(url.searchParams);
      query.set("type", "1");
      query.set(
        "reply",
        "id:1 sub:001 dlvrd:001 submit date:2612011410 done date:2612011410 stat:DELIVRD err:000",
      );
      for (const [name, value] of Object.entries(changes))
        value === null ? query.delete(name) : query.set(name, value);
      return { ...original, url: `${path}?${query}` };
    };
    const other = String(url.searchParams.get("d") === String(first.id) ? second.id : first.id);
    // The dlr-url names the shard holding the delivery; the signature covers it.
    const shard = (await onMerchantShard(merchantId)).SHARD;
    expect(url.searchParams.get("s")).toBe(shard);
    const otherShard = shard === "DB_0" ? "DB_1" : "DB_0";
    const cases: [string, RecordedReport, number][] = [
      ["a made-up signature", variant({ sig: "A".repeat(43) }), 403],
      ["a signature moved to another delivery", variant({ d: other }), 403],
      ["a signature moved to another shard", variant({ s: otherShard }), 403],
      ["a signature moved to another part", variant({ p: "1" }), 403],
      ["a signature moved to another carrier", variant({}, "/carriers/other/receipts"), 403],
      ["no signature", variant({ sig: null }), 400],
      ["a type Kannel did not fill in", variant({ type: "%d" }), 400],
      ["no delivery", variant({ d: "x" }), 400],
      ["no shard", variant({ s: null }), 400],
      ["a shard this deployment does not have", variant({ s: "DB_9" }), 400],
    ];
    for (const [what, report, status] of cases) {
      const res = await replay(report);
      expect(res.status, what).toBe(status);
    }
    // The genuine report is still good, and only it was applied.
    const named = Number(url.searchParams.get("d"));
    expect((await replay(original)).status).toBe(200);
    const after = await waitFor(
      () => deliveriesOf(id),
      (list) => list.find((d) => d.id === named)?.status === "accepted",
    );
    expect(after.map((d) => [d.status, d.refunded_micros])).toEqual(
      after.map((d) => [d.id === named ? "accepted" : "processing", 0]),
    );
    expect(
      await rowsOfSend(id, "SELECT status FROM receipts WHERE delivery_id IN (?, ?)", first.id, second.id),
    ).toEqual([{ status: "accepted" }]);
  });

  it("with receipt_basic_auth, Kannel sends the relay credentials back and receipts need them too (401)", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    try {
      const slug = await relayCarrier(unique("basic"), { receipt_basic_auth: true });
      const { liveKey } = await liveMerchant();
      const gateway = productionGateway(liveKey);
      const { phones } = numbersFor(1);
      const id = await gateway.send({ to: phones, message: "Basic auth", sender_id: "Lisoloo" });
      await gateway.dispatch();
      const reports = await waitForReports(slug, (list) => finalReports(list).length === 1);
      // Kannel turned the dlr-url's userinfo into a Basic header on every report.
      const expected = `Basic ${btoa(`${env.KANNEL_USERNAME}:${env.KANNEL_PASSWORD}`)}`;
      expect(reports.map((r) => r.headers.authorization)).toEqual(reports.map(() => expected));
      const [final] = finalReports(reports) as [RecordedReport];
      const without = (report: RecordedReport, authorization?: string): RecordedReport => {
        const { authorization: _, ...headers } = report.headers;
        return { ...report, headers: authorization === undefined ? headers : { ...headers, authorization } };
      };
      const badSig = new URL(final.url, "http://x");
      badSig.searchParams.set("sig", "A".repeat(43));
      const cases: [string, RecordedReport, number][] = [
        ["no Authorization header", without(final), 401],
        ["a wrong password", without(final, `Basic ${btoa(`${env.KANNEL_USERNAME}:wrong`)}`), 401],
        ["another user", without(final, `Basic ${btoa(`someone:${env.KANNEL_PASSWORD}`)}`), 401],
        ["not Basic", without(final, "Bearer abc"), 401],
        // Good credentials never excuse a bad signature.
        ["a made-up signature", { ...final, url: `${badSig.pathname}${badSig.search}` }, 403],
      ];
      const bodies: string[] = [];
      for (const [what, report, status] of cases) {
        const res = await replay(report);
        bodies.push(await res.text());
        expect(res.status, what).toBe(status);
        if (status === 401) expect(res.headers.get("www-authenticate"), what).toMatch(/^Basic realm=/);
      }
      // Nothing was applied.
      const [delivery] = await deliveriesOf(id);
      expect(delivery?.status).toBe("processing");
      expect(await rowsOfSend(id, "SELECT status FROM receipts WHERE delivery_id = ?", delivery?.id)).toEqual(
        [],
      );
      expect(
        lines.filter((l) => l.includes('"relay.receipt_refused"') && l.includes('"status":401')),
      ).toHaveLength(4);

      await replayAll(reports);
      const [done] = await waitForDeliveries(id, isFinal);
      expect(done?.status).toBe("delivered");
      const text = JSON.stringify([
        bodies,
        await gateway.status(id),
        (await admin("GET", `/carriers/${slug}`)).body,
      ]);
      for (const secret of [
        env.KANNEL_PASSWORD,
        encodeURIComponent(env.KANNEL_PASSWORD),
        expected.slice(6),
      ]) {
        expect(text).not.toContain(secret);
        for (const line of lines) expect(line).not.toContain(secret);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("applies a duplicate receipt once: a second copy changes nothing", async () => {
    const slug = await relayCarrier(unique("dup"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(1);
    const id = await gateway.send({ to: phones, message: "Twice", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 1);
    await replayAll(reports);
    const [delivered] = await waitForDeliveries(id, isFinal);
    expect(delivered?.status).toBe("delivered");
    // How many events the delivery has emitted, and its revision, which every write of it changes.
    // (The key has no webhook, so its events are counted, not written.)
    const emitted = () =>
      rowsOfSend<{ event_seq: number; revision: string }>(
        id,
        "SELECT event_seq, revision FROM deliveries WHERE id = ?",
        delivered?.id,
      );
    const seen = await emitted();
    const logged = () =>
      rowsOfSend<{ outcome: string }>(
        id,
        "SELECT outcome FROM receipts WHERE delivery_id = ? ORDER BY id",
        delivered?.id,
      );
    const before = (await logged()).length;
    // Every report again, and the final one a third time.
    const copies = [...reports, ...finalReports(reports)];
    await replayAll(copies);
    // The copies went through the queue like the originals: each is recorded, none applied.
    const all = await waitFor(logged, (list) => list.length === before + copies.length);
    expect(all.slice(before).every((r) => r.outcome !== "applied" && r.outcome !== "merged")).toBe(true);
    expect(await deliveriesOf(id)).toEqual([delivered]);
    expect(await emitted()).toEqual(seen);
    expect(seen[0]?.event_seq).toBeGreaterThan(0);
  });

  it("a throttled submit stays queued inside Kannel and is delivered later", async () => {
    const slug = await relayCarrier(unique("throttle"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(1);
    await scriptKannelSmsc({ destination: phones, throttleNext: 1 });
    const id = await gateway.send({ to: phones, message: "Throttled once", sender_id: "Lisoloo" });
    await gateway.dispatch();
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 1, 110_000);
    await replayAll(reports);
    const [done] = await waitForDeliveries(id, isFinal);
    expect(done?.status).toBe("delivered");
    // The SMSC saw the throttled submit and Kannel's own retry; the gateway sent one sendsms.
    const submits = await kannelSubmitsTo(phones);
    expect(submits.map((s) => s.status)).toEqual([0x58, 0]);
  });

  it("a relay that is down is transient: retried once it is back, delivered once", async () => {
    const slug = await relayCarrier(unique("down"), {
      // A port nobody listens on: the connection is refused.
      sendsms_url: "http://127.0.0.1:9/cgi-bin/sendsms",
      timeout_ms: 2_000,
    });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(2);
    const id = await gateway.send({ to: phones, message: "Down, then up", sender_id: "Lisoloo" });
    const first = await gateway.dispatch();
    expect(first.result.retryMessages).toEqual([]);
    // Not taken, not failed: the chunk comes back for a second attempt.
    expect(first.queued).toEqual([expect.objectContaining({ type: "dispatch", attempt: 2 })]);
    const waiting = await deliveriesOf(id);
    expect(waiting.map((d) => [d.status, d.carrier_message_id])).toEqual([
      ["processing", null],
      ["processing", null],
    ]);
    const patched = await admin("PATCH", `/carriers/${slug}`, {
      http_relay: { sendsms_url: env.KANNEL_SENDSMS_URL },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await gateway.dispatch();
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 2);
    await replayAll(reports);
    const done = await waitForDeliveries(id, isFinal);
    expect(done.map((d) => d.status)).toEqual(["delivered", "delivered"]);
    expect((await kannelSubmitsTo(phones)).length).toBe(2);
  });

  it("one-recipient sends handed over together each come back under their own claim when the relay is down", async () => {
    const slug = await relayCarrier(unique("down-group"), {
      sendsms_url: "http://127.0.0.1:9/cgi-bin/sendsms",
      timeout_ms: 2_000,
    });
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(3);
    const ids: string[] = [];
    for (const phone of phones)
      ids.push(await gateway.send({ to: [phone], message: "Down, then up", sender_id: "Lisoloo" }));
    const first = await gateway.dispatch();
    expect(first.messages).toHaveLength(3);
    expect(first.result.retryMessages).toEqual([]);
    // Each chunk goes out again on its own, for its own send, under the claim its first message held.
    const again = first.queued.filter((m): m is DispatchMessage => m.type === "dispatch");
    expect(again.map((m) => m.sendId).sort()).toEqual([...ids].sort());
    for (const m of again) expect(m).toMatchObject({ attempt: 2, claim: expect.any(String) });
    const claims = new Map(again.map((m) => [m.sendId, m.claim]));
    for (const id of ids) {
      const [waiting] = await rows<{ status: string; carrier_message_id: string | null; claim: string }>(
        "SELECT status, carrier_message_id, claim FROM deliveries WHERE send_id = ?",
        id,
      );
      expect([waiting?.status, waiting?.carrier_message_id, waiting?.claim]).toEqual([
        "processing",
        null,
        claims.get(id),
      ]);
    }
    const patched = await admin("PATCH", `/carriers/${slug}`, {
      http_relay: { sendsms_url: env.KANNEL_SENDSMS_URL },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await gateway.dispatch();
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 3);
    await replayAll(reports);
    for (const id of ids)
      expect((await waitForDeliveries(id, isFinal)).map((d) => d.status)).toEqual(["delivered"]);
    expect((await kannelSubmitsTo(phones)).length).toBe(3);
  });

  it("sends one sendsms per delivery and retries only those the relay did not take", async () => {
    // A stand-in relay first (the test run's HTTP receiver, answering as scripted, in order), so
    // one batch gets every kind of answer; then the carrier is pointed at Kannel.
    const relayPath = `/relay-${crypto.randomUUID()}/cgi-bin/sendsms`;
    const slug = await relayCarrier(unique("mixed"), {
      sendsms_url: `${env.WEBHOOK_RECEIVER_URL}${relayPath}`,
      timeout_ms: 1_000,
      concurrency: 1,
    });
    await fetch(`${env.WEBHOOK_RECEIVER_URL}/__script`, {
      method: "POST",
      body: JSON.stringify({
        path: relayPath,
        responses: [
          { status: 202, body: "0: Accepted for delivery" },
          { status: 202, body: "0: Accepted for delivery", delayMs: 3_000 },
          { status: 503, body: "Sending failed." },
          { status: 403, body: "Authorization failed for sendsms" },
        ],
      }),
    });
    const { merchantId, liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(4);
    const id = await gateway.send({ to: phones, message: "Mbote €", sender_id: "Lisoloo" });
    const first = await gateway.dispatch();
    expect(first.queued).toEqual([expect.objectContaining({ type: "dispatch", attempt: 2 })]);
    const after = await waitFor(
      () => deliveriesOf(id),
      (list) => list[3]?.status === "failed",
    );
    expect(after.map((d) => [d.status, d.carrier_message_id, d.error_code])).toEqual([
      ["processing", `relay:${after[0]?.id}`, null],
      ["processing", null, null],
      ["processing", null, null],
      ["failed", null, "1501"],
    ]);
    expect(after[3]?.error_message).toBe("Relay refused: HTTP 403: Authorization failed for sendsms");
    expect(after[3]?.refunded_micros).toBeGreaterThan(0);
    const requests = (await (
      await fetch(`${env.WEBHOOK_RECEIVER_URL}/__records?path=${encodeURIComponent(relayPath)}`)
    ).json()) as { method: string; url: string }[];
    expect(requests).toHaveLength(4);
    const query = new URL(requests[0]?.url ?? "", "http://x").searchParams;
    expect(
      Object.fromEntries([...query].filter(([name]) => name !== "dlr-url" && name !== "validity")),
    ).toEqual({
      username: env.KANNEL_USERNAME,
      password: env.KANNEL_PASSWORD,
      from: "Lisoloo",
      to: phones[0],
      text: "Mbote €",
      coding: "0",
      charset: "UTF-8",
      smsc: env.KANNEL_SMSC_ID,
      "dlr-mask": "31",
    });
    // The dlr-url names the merchant's shard, then the delivery, the part and their signature.
    const shard = (await onMerchantShard(merchantId)).SHARD;
    expect(query.get("dlr-url")).toMatch(
      new RegExp(
        `^${env.WEBHOOK_RECEIVER_URL}/carriers/${slug}/receipts\\?s=${shard}&d=${after[0]?.id}&p=0&sig=[\\w-]{43}&type=%d&reply=%A&at=%T$`,
      ),
    );

    const patched = await admin("PATCH", `/carriers/${slug}`, {
      http_relay: { sendsms_url: env.KANNEL_SENDSMS_URL },
    });
    expect(patched.status).toBe(200);
    await gateway.dispatch();
    // Only the two the stand-in did not take went to Kannel; the accepted one was not sent again.
    const submits = await waitFor(
      () => kannelSubmitsTo(phones),
      (list) => list.length === 2,
    );
    expect(submits.map((s) => `+${s.destination_addr}`).sort()).toEqual([phones[1], phones[2]].sort());
    expect(submits.every((s) => s.text === "Mbote €")).toBe(true);
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 2);
    await replayAll(reports);
    const done = await waitFor(
      () => deliveriesOf(id),
      (list) => list[1]?.status === "delivered" && list[2]?.status === "delivered",
    );
    expect(done.map((d) => d.status)).toEqual(["processing", "delivered", "delivered", "failed"]);
  });

  it("a multi-segment UCS-2 message: Kannel cuts it, one sendsms, delivered whole", async () => {
    const slug = await relayCarrier(unique("ucs2"));
    const { liveKey } = await liveMerchant();
    const gateway = productionGateway(liveKey);
    const { phones } = numbersFor(1);
    const message =
      "Mbote! Привет, это длинное сообщение через Kannel, которое не помещается в одну часть SMS.";
    const id = await gateway.send({ to: phones, message, sender_id: "Lisoloo" });
    await gateway.dispatch();
    const submits = await waitFor(
      () => kannelSubmitsTo(phones),
      (list) => list.length === 2,
    );
    expect(submits.map((s) => [s.data_coding, s.udh?.total, s.udh?.seq])).toEqual([
      [8, 2, 1],
      [8, 2, 2],
    ]);
    expect(submits.map((s) => s.text).join("")).toBe(message);
    // Kannel 1.4.5 reports a concatenated message as one: its acceptance, then one final receipt.
    const reports = await waitForReports(slug, (list) => finalReports(list).length === 1);
    expect(reports.map((r) => queryOf(r).get("type")).sort()).toEqual(["1", "8"]);
    await replayAll(reports);
    const [done] = await waitForDeliveries(id, isFinal);
    expect(done?.status).toBe("delivered");
  });
});
