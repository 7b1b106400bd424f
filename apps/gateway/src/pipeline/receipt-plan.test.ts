import {
  applyReceipt,
  billingOf,
  type DeliveryState,
  type DeliveryStatus,
  deliveryErrorCodes,
  deliveryStatuses,
  deliveryStatusRank,
  errorCodeForStatus,
  eventTypeFor,
  handedToCarrier,
  isTerminal,
  receiptStatuses,
} from "@lisoloo/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CarrierReceipt } from "../carriers/types";
import { closeAtValidityEnd, closeUnhanded, SUBMIT_UNKNOWN_AFTER_MS } from "./closings";
import type { DeliveryRow } from "./delivery-row";
import { planReceipts, type Tokens } from "./receipt-plan";

const RUNS = 2_000;
const at = "2026-06-01T08:00:00Z";
const now = Date.parse("2026-06-01T08:00:05Z");

/** Deterministic tokens: the same input plans the same output. */
function counters(): Tokens {
  let r = 0;
  let e = 0;
  return { revision: () => `rev-${++r}`, eventId: () => `evt-${++e}` };
}

const rowArb = (id: number): fc.Arbitrary<DeliveryRow> =>
  fc.record({
    id: fc.constant(id),
    send_id: fc.constant("6650c0de0000000000000001"),
    phone: fc.constant(`+24381000000${id}`),
    status: fc.constantFrom(...deliveryStatuses),
    error_code: fc.constant(null),
    parts: fc.constant(null),
    event_seq: fc.nat({ max: 5 }),
    revision: fc.option(fc.constant(`old-${id}`), { nil: null }),
    carrier: fc.constant("sandbox"),
    carrier_message_id: fc.option(fc.constant(`sbx-${id}`), { nil: null }),
    submitting_at: fc.option(fc.integer({ min: now - 2 * SUBMIT_UNKNOWN_AFTER_MS, max: now }), { nil: null }),
    segments: fc.integer({ min: 1, max: 3 }),
    unit_price_micros: fc.integer({ min: 0, max: 50_000 }),
    due_at: fc.constant(now - 60_000),
  });

const receiptArb = (ids: number): fc.Arbitrary<CarrierReceipt> =>
  fc.record({
    // Ids beyond the rows read name no delivery: they must come back unmatched.
    deliveryId: fc.integer({ min: 1, max: ids + 1 }),
    status: fc.constantFrom(...receiptStatuses),
    errorCode: fc.option(fc.constantFrom(...deliveryErrorCodes), { nil: undefined }),
    at: fc.constant(at),
  });

const scenario = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    rows: fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i + 1))),
    receipts: fc.array(receiptArb(n), { maxLength: 20 }),
    carrier: fc.constantFrom<string | null>(null, "sandbox"),
  }),
);

function plan(s: { rows: DeliveryRow[]; receipts: CarrierReceipt[]; carrier: string | null }) {
  return planReceipts({
    rows: new Map(s.rows.map((r) => [r.id, r])),
    carrier: s.carrier,
    receipts: s.receipts,
    now,
    tokens: counters(),
  });
}

describe("planReceipts", () => {
  it("moves each delivery exactly as folding its receipts through the protocol's lifecycle would", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = plan(s);
        for (const row of s.rows) {
          const mine = s.receipts.filter((r) => r.deliveryId === row.id);
          let state: DeliveryState = { status: row.status, error_code: null, parts: null };
          const events: string[] = [];
          for (const r of mine) {
            const out = applyReceipt(state, { status: r.status, error_code: r.errorCode ?? null, at });
            if (out.event_type) events.push(out.event_type);
            state = out.next;
          }
          const change = p.changes.find((c) => c.id === row.id);
          if (state.status === row.status && change === undefined) continue;
          expect(change?.status).toBe(state.status);
          expect(change?.old).toBe(row.revision);
          expect(deliveryStatusRank[change?.status as DeliveryStatus]).toBeGreaterThanOrEqual(
            deliveryStatusRank[row.status],
          );
          if (isTerminal(row.status)) expect(change).toBeUndefined();
          // Events: the protocol's, in order, numbered on from the delivery's last sequence.
          const planned = p.events.filter((e) => e.deliveryId === row.id);
          expect(planned.map((e) => e.type)).toEqual(events);
          expect(planned.map((e) => e.seq)).toEqual(events.map((_, i) => row.event_seq + i + 1));
          expect(change?.seq).toBe(row.event_seq + events.length);
          for (const e of planned) expect(e.revision).toBe(change?.rev);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("refunds exactly the deliveries that end here and that the billing rule refunds, once each", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = plan(s);
        const refunded = new Set(p.refunds.map((r) => r.deliveryId));
        expect(refunded.size).toBe(p.refunds.length);
        for (const c of p.changes) {
          const row = s.rows.find((r) => r.id === c.id) as DeliveryRow;
          const handed =
            s.carrier !== null ||
            handedToCarrier({ status: row.status, has_carrier_message_id: row.carrier_message_id !== null });
          const bill = billingOf({ status: c.status, error_code: c.code, handed_to_carrier: handed });
          const endsHere = !isTerminal(row.status) && isTerminal(c.status);
          expect(refunded.has(c.id)).toBe(endsHere && bill === "refunded");
          // Never a refund for what a carrier took and billed, never a charge for what none took.
          if (endsHere && !handed) expect(bill).toBe("refunded");
          const refund = p.refunds.find((r) => r.deliveryId === c.id);
          if (refund) {
            expect(refund.amountMicros).toBe(row.segments * row.unit_price_micros);
            expect(refund.revision).toBe(c.rev);
          }
        }
        for (const r of p.refunds) expect(p.changes.some((c) => c.id === r.deliveryId)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("logs every matched receipt once, returns the others unmatched, and is a function of its input", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = plan(s);
        const known = new Set(s.rows.map((r) => r.id));
        const matched = s.receipts.filter((r) => known.has(r.deliveryId as number));
        expect(p.log).toHaveLength(matched.length);
        expect(p.unmatched).toEqual(s.receipts.filter((r) => !known.has(r.deliveryId as number)));
        expect([...p.receiptsOf.values()].flat()).toHaveLength(matched.length);
        for (const l of p.log) {
          const change = p.changes.find((c) => c.id === l.deliveryId);
          expect(l.revision).toBe(change ? change.rev : null);
        }
        expect(plan(s)).toEqual(p);
      }),
      { numRuns: RUNS },
    );
  });

  it("stamps the first time a delivery is sent, delivered or fails", () => {
    const row: DeliveryRow = {
      id: 1,
      send_id: "s",
      phone: "+243810000001",
      status: "processing",
      error_code: null,
      parts: null,
      event_seq: 1,
      revision: "r0",
      carrier: "sandbox",
      carrier_message_id: "sbx-1",
      submitting_at: now - 1000,
      segments: 1,
      unit_price_micros: 20_000,
      due_at: now - 60_000,
    };
    const p = planReceipts({
      rows: new Map([[1, row]]),
      carrier: "sandbox",
      receipts: [
        { deliveryId: 1, status: "sent", at: "2026-06-01T08:00:01Z" },
        { deliveryId: 1, status: "sent", at: "2026-06-01T08:00:02Z" },
        { deliveryId: 1, status: "delivered", at: "2026-06-01T08:00:03Z" },
      ],
      now,
      tokens: counters(),
    });
    expect(p.changes).toEqual([
      {
        id: 1,
        old: "r0",
        rev: "rev-1",
        status: "delivered",
        code: null,
        parts: null,
        message: null,
        seq: 3,
        sent: Date.parse("2026-06-01T08:00:01Z"),
        delivered: Date.parse("2026-06-01T08:00:03Z"),
        failed: null,
      },
    ]);
    expect(p.log.map((l) => l.outcome)).toEqual(["applied", "ignored_duplicate", "applied"]);
    expect(p.refunds).toEqual([]);
  });

  const handed: DeliveryRow = {
    id: 7,
    send_id: "s",
    phone: "+243810000007",
    status: "processing",
    error_code: null,
    parts: null,
    event_seq: 1,
    revision: "r0",
    carrier: "vodacom-cd",
    carrier_message_id: "id-1",
    submitting_at: now - 1000,
    segments: 2,
    unit_price_micros: 20_000,
    due_at: now - 60_000,
  };

  it("finds a part by the carrier's id and merges its delivery's parts: some delivered → partially_delivered", () => {
    const parts = new Map([
      ["id-1", { deliveryId: 7, index: 1, total: 2 }],
      ["id-2", { deliveryId: 7, index: 2, total: 2 }],
    ]);
    const receipt = (id: string, status: CarrierReceipt["status"]): CarrierReceipt => ({
      carrierMessageId: id,
      status,
      errorCode: status === "undelivered" ? "1504" : null,
      at,
    });
    const one = planReceipts({
      rows: new Map([[7, handed]]),
      parts,
      carrier: "vodacom-cd",
      receipts: [receipt("id-2", "delivered")],
      now,
      tokens: counters(),
    });
    // One part alone: the delivery shows its least advanced part.
    expect(one.changes[0]).toMatchObject({ status: "processing" });
    expect(JSON.parse(one.changes[0]?.parts ?? "null")).toEqual([
      { status: "processing", error_code: null },
      { status: "delivered", error_code: null },
    ]);
    const both = planReceipts({
      rows: new Map([[7, handed]]),
      parts,
      carrier: "vodacom-cd",
      receipts: [receipt("id-2", "delivered"), receipt("id-1", "undelivered"), receipt("id-3", "delivered")],
      now,
      tokens: counters(),
    });
    expect(both.changes[0]).toMatchObject({ status: "partially_delivered", code: "1504" });
    expect(both.unmatched).toEqual([receipt("id-3", "delivered")]);
    // All parts delivered → delivered.
    const all = planReceipts({
      rows: new Map([[7, handed]]),
      parts,
      carrier: "vodacom-cd",
      receipts: [receipt("id-1", "delivered"), receipt("id-2", "delivered")],
      now,
      tokens: counters(),
    });
    expect(all.changes[0]).toMatchObject({ status: "delivered", code: null });
  });

  it("keeps what the connector said about a failure, in the change and in sms.failed's reason", () => {
    const p = planReceipts({
      rows: new Map([[7, { ...handed, carrier_message_id: null }]]),
      carrier: null,
      receipts: [
        { deliveryId: 7, status: "failed", errorCode: "1501", reason: "ESME_RINVDSTADR (0x0000000B)", at },
      ],
      now,
      tokens: counters(),
    });
    expect(p.changes[0]).toMatchObject({
      status: "failed",
      code: "1501",
      message: "ESME_RINVDSTADR (0x0000000B)",
    });
    expect(JSON.parse(p.events[0]?.payload ?? "{}").reason).toBe(
      "No carrier could take the message: ESME_RINVDSTADR (0x0000000B)",
    );
    expect(p.refunds).toHaveLength(1);
  });
});

describe("the gateway's closes", () => {
  const base: DeliveryRow = {
    id: 7,
    send_id: "s",
    phone: "+243810000007",
    status: "processing",
    error_code: null,
    parts: null,
    event_seq: 1,
    revision: "r0",
    carrier: "sandbox",
    carrier_message_id: null,
    submitting_at: null,
    segments: 1,
    unit_price_micros: 20_000,
    due_at: now - 60_000,
  };
  const recent = now - 60_000;
  const old = now - SUBMIT_UNKNOWN_AFTER_MS - 1;

  it.each<[string, Partial<DeliveryRow>, string | null, string | null]>([
    ["pending behind a backlog", { status: "pending" }, "failed 1501", "failed 1501"],
    ["claimed, never marked", {}, "failed 1501", "failed 1501"],
    ["marked recently: the submit may be in flight", { submitting_at: recent }, null, null],
    ["marked long ago, no carrier id", { submitting_at: old }, "failed 1501", "failed 1501"],
    [
      "with a carrier id",
      { carrier_message_id: "sbx-7", submitting_at: recent },
      "delivery_unknown 1503",
      null,
    ],
    [
      "sent, its carrier id never recorded",
      { status: "sent", submitting_at: recent },
      "delivery_unknown 1503",
      null,
    ],
  ])("%s: at validity end → %s; given up → %s", (_name, patch, atEnd, givenUp) => {
    const row = { ...base, ...patch };
    const show = (r: ReturnType<ReturnType<typeof closeUnhanded>>) =>
      r ? `${r.status} ${r.errorCode}` : null;
    expect(show(closeAtValidityEnd(at, now)(row))).toBe(atEnd);
    expect(show(closeUnhanded(at, now)(row))).toBe(givenUp);
  });

  it("closes with codes and bills that agree with the protocol, whatever the delivery", () => {
    fc.assert(
      fc.property(rowArb(9), (row) => {
        for (const close of [closeAtValidityEnd(at, now), closeUnhanded(at, now)]) {
          const receipt = close(row);
          if (receipt === null) continue;
          expect(receipt.errorCode).toBe(errorCodeForStatus(receipt.status));
          const p = planReceipts({
            rows: new Map([[row.id, row]]),
            carrier: null,
            receipts: [{ ...receipt, deliveryId: row.id }],
            now,
            tokens: counters(),
          });
          const handed = handedToCarrier({
            status: row.status,
            has_carrier_message_id: row.carrier_message_id !== null,
          });
          // A close never charges what no carrier took, and never refunds what one took and billed.
          if (p.refunds.length > 0) expect(handed && receipt.status !== "failed").toBe(false);
          if (!isTerminal(row.status)) expect(p.refunds.length > 0).toBe(!handed);
          if (p.events.length > 0) expect(p.events[0]?.type).toBe(eventTypeFor(row.status, receipt.status));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
