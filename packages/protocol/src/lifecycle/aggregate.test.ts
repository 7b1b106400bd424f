import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateStatus, countForStatus, type MessageTally, tallyDeliveries } from "./aggregate.js";
import { type DeliveryStatus, deliveryStatuses, isTerminal } from "./statuses.js";

describe("aggregateStatus", () => {
  it.each<[string, MessageTally, string]>([
    ["a fresh immediate send", { deliveries: { pending: 3 } }, "pending"],
    ["a send waiting for its first dispatch", { deliveries: {}, futureDeliveries: 6 }, "scheduled"],
    [
      "the least advanced delivery in flight",
      { deliveries: { sent: 2, accepted: 1, delivered: 5 } },
      "accepted",
    ],
    [
      "a dispatch in flight before the next one",
      { deliveries: { enroute: 1 }, futureDeliveries: 9 },
      "enroute",
    ],
    [
      "everything so far delivered, more to come",
      { deliveries: { delivered: 3 }, futureDeliveries: 3 },
      "scheduled",
    ],
    ["all delivered", { deliveries: { delivered: 4 } }, "delivered"],
    ["some delivered", { deliveries: { delivered: 3, undelivered: 1 } }, "partially_delivered"],
    [
      "some delivered, the rest cancelled",
      { deliveries: { delivered: 1, cancelled: 2 } },
      "partially_delivered",
    ],
    ["one partially delivered recipient", { deliveries: { partially_delivered: 1 } }, "partially_delivered"],
    [
      "a partial next to a failure",
      { deliveries: { partially_delivered: 1, rejected: 2 } },
      "partially_delivered",
    ],
    ["all the same failure", { deliveries: { expired: 3 } }, "expired"],
    ["all timed out", { deliveries: { delivery_unknown: 2 } }, "delivery_unknown"],
    ["mixed failures", { deliveries: { expired: 1, rejected: 1 } }, "failed"],
    ["zero counts are ignored", { deliveries: { expired: 2, rejected: 0, sent: 0 } }, "expired"],
    [
      "paused with dispatches held",
      { deliveries: { delivered: 2 }, futureDeliveries: 4, paused: true },
      "paused",
    ],
    ["cancelled", { deliveries: { cancelled: 3, delivered: 1 }, cancelled: true }, "cancelled"],
    [
      "cancelled while a carrier holds some",
      { deliveries: { cancelled: 2, sent: 1 }, cancelled: true },
      "sent",
    ],
    ["cancelled while paused", { deliveries: { cancelled: 2 }, paused: true, cancelled: true }, "cancelled"],
    [
      "cancelled with leftover future dispatches",
      { deliveries: {}, futureDeliveries: 3, cancelled: true },
      "cancelled",
    ],
    ["nothing at all", { deliveries: {} }, "none"],
  ])("%s", (_name, tally, expected) => {
    expect(aggregateStatus(tally)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects a count of %s", (n) => {
    expect(() => aggregateStatus({ deliveries: { sent: n } })).toThrow(RangeError);
    expect(() => countForStatus({ deliveries: {}, futureDeliveries: n })).toThrow(RangeError);
  });
});

describe("countForStatus", () => {
  it.each<[MessageTally, ReturnType<typeof countForStatus>]>([
    [
      { deliveries: { delivered: 2, expired: 1, sent: 1 }, futureDeliveries: 4 },
      { delivered: 2, failed: 1, pending: 5, cancelled: 0, total_deliveries: 8 },
    ],
    [
      {
        deliveries: {
          partially_delivered: 1,
          undelivered: 1,
          rejected: 1,
          delivery_unknown: 1,
          failed: 1,
          cancelled: 2,
          pending: 1,
          processing: 1,
          accepted: 1,
          enroute: 1,
        },
      },
      { delivered: 0, failed: 5, pending: 4, cancelled: 2, total_deliveries: 11 },
    ],
    [{ deliveries: {} }, { delivered: 0, failed: 0, pending: 0, cancelled: 0, total_deliveries: 0 }],
  ])("counts %j", (tally, expected) => {
    expect(countForStatus(tally)).toEqual(expected);
  });
});

describe("aggregate properties", () => {
  const statusList = fc.array(fc.constantFrom(...deliveryStatuses), { maxLength: 40 });
  const flags = fc.record({
    futureDeliveries: fc.nat({ max: 5 }),
    cancelled: fc.boolean(),
    paused: fc.boolean(),
  });

  function sum(tallies: readonly Record<DeliveryStatus, number>[]): Record<DeliveryStatus, number> {
    const total = tallyDeliveries([]);
    for (const t of tallies) for (const s of deliveryStatuses) total[s] += t[s];
    return total;
  }

  it("does not depend on the order deliveries are listed or summed in", () => {
    const scenario = statusList.chain((statuses) =>
      fc.tuple(
        fc.constant(statuses),
        fc.shuffledSubarray(statuses, { minLength: statuses.length, maxLength: statuses.length }),
        fc.nat(),
      ),
    );
    fc.assert(
      fc.property(scenario, flags, ([statuses, shuffled, cut], extra) => {
        const reference = { ...extra, deliveries: tallyDeliveries(statuses) };
        const at = statuses.length === 0 ? 0 : cut % statuses.length;
        const partial = [tallyDeliveries(shuffled.slice(at)), tallyDeliveries(shuffled.slice(0, at))];
        const other = { ...extra, deliveries: sum(partial) };
        expect(aggregateStatus(other)).toBe(aggregateStatus(reference));
        expect(countForStatus(other)).toEqual(countForStatus(reference));
      }),
      { numRuns: 10_000 },
    );
  });

  it("keeps the counters consistent with the status", () => {
    fc.assert(
      fc.property(statusList, flags, (statuses, extra) => {
        const tally = { ...extra, deliveries: tallyDeliveries(statuses) };
        const status = aggregateStatus(tally);
        const c = countForStatus(tally);
        expect(c.total_deliveries).toBe(statuses.length + extra.futureDeliveries);
        expect(c.delivered + c.failed + c.pending + c.cancelled).toBe(c.total_deliveries);
        const inFlight = statuses.filter((s) => !isTerminal(s)).length;
        if (status === "delivered") expect(c.delivered).toBe(c.total_deliveries);
        if (status === "partially_delivered") {
          expect(c.delivered + tally.deliveries.partially_delivered).toBeGreaterThan(0);
          expect(c.failed + c.cancelled).toBeGreaterThan(0);
        }
        if (status === "scheduled") expect(c.pending).toBe(extra.futureDeliveries);
        if (inFlight > 0 && !extra.paused) expect(isTerminal(status as DeliveryStatus)).toBe(false);
        if (extra.paused && !extra.cancelled) expect(status).toBe("paused");
        if (c.total_deliveries === 0 && !extra.paused) expect(["none", "cancelled"]).toContain(status);
      }),
      { numRuns: 10_000 },
    );
  });
});
