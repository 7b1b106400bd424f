import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DeliveryErrorCode } from "./error-codes.js";
import {
  applyReceipt,
  type DeliveryState,
  type Receipt,
  type ReceiptStatus,
  receiptStatuses,
} from "./receipts.js";
import { deliveryStatuses, deliveryStatusRank, isTerminal } from "./statuses.js";

const RUNS = 10_000;
const at = "2026-06-01T08:00:00Z";

const progressStatuses = receiptStatuses.filter((s) => !isTerminal(s));
const finalStatuses = receiptStatuses.filter((s) => isTerminal(s));
const errorCode = fc.option(fc.constantFrom<DeliveryErrorCode>("1501", "1502", "1503", "1504", "1505"), {
  nil: undefined,
});

const anyReceipt = (total: number): fc.Arbitrary<Receipt> =>
  fc.record({
    status: fc.constantFrom(...receiptStatuses),
    part: fc.option(
      fc.record({ index: fc.integer({ min: 0, max: total + 1 }), total: fc.constantFrom(total, total + 1) }),
      { nil: undefined },
    ),
    error_code: errorCode,
    at: fc.constant(at),
  });

const startState: fc.Arbitrary<DeliveryState> = fc
  .constantFrom(...deliveryStatuses)
  .map((status) => ({ status }));

function replay(start: DeliveryState, receipts: readonly Receipt[]): DeliveryState {
  return receipts.reduce((state, r) => applyReceipt(state, r).next, start);
}

describe("applyReceipt properties", () => {
  it("never lowers the rank and never leaves a final status, whatever the receipts and their order", () => {
    const scenario = fc
      .integer({ min: 1, max: 6 })
      .chain((total) => fc.tuple(startState, fc.array(anyReceipt(total), { maxLength: 30 })));
    fc.assert(
      fc.property(scenario, ([start, receipts]) => {
        let state = start;
        for (const r of receipts) {
          const { next, outcome } = applyReceipt(state, r);
          expect(deliveryStatusRank[next.status]).toBeGreaterThanOrEqual(deliveryStatusRank[state.status]);
          if (isTerminal(state.status)) expect(next.status).toBe(state.status);
          if (outcome.startsWith("ignored_")) expect(next).toBe(state);
          state = next;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("merges the receipts of a multipart delivery to the same result in any order", () => {
    interface Scenario {
      readonly finals: readonly { status: ReceiptStatus; error_code: DeliveryErrorCode | undefined }[];
      readonly receipts: readonly Receipt[];
    }
    const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 6 }).chain((total) =>
      fc
        .record({
          finals: fc.array(fc.record({ status: fc.constantFrom(...finalStatuses), error_code: errorCode }), {
            minLength: total,
            maxLength: total,
          }),
          progress: fc.array(
            fc.record({
              status: fc.constantFrom(...progressStatuses),
              index: fc.option(fc.integer({ min: 1, max: total }), { nil: undefined }),
            }),
            { maxLength: 12 },
          ),
          repeats: fc.array(fc.nat(), { maxLength: 4 }),
        })
        .chain(({ finals, progress, repeats }) => {
          const finalReceipts = finals.map((f, i): Receipt => ({ ...f, part: { index: i + 1, total }, at }));
          const progressReceipts = progress.map(
            (p): Receipt => ({
              status: p.status,
              part: p.index === undefined ? undefined : { index: p.index, total },
              at,
            }),
          );
          const all = [...finalReceipts, ...progressReceipts];
          const repeated = repeats.flatMap((n) => {
            const r = all[n % all.length];
            return r === undefined ? [] : [r];
          });
          const receipts = [...all, ...repeated];
          return fc
            .shuffledSubarray(receipts, { minLength: receipts.length, maxLength: receipts.length })
            .map((shuffled) => ({ finals, receipts: shuffled }));
        }),
    );
    fc.assert(
      fc.property(scenario, fc.nat(), ({ finals, receipts }, shift) => {
        const reference = replay({ status: "pending" }, receipts);
        const cut = shift % receipts.length;
        const rotated = [...receipts.slice(cut), ...receipts.slice(0, cut)];
        expect(replay({ status: "pending" }, [...receipts].reverse())).toEqual(reference);
        expect(replay({ status: "pending" }, rotated)).toEqual(reference);

        const delivered = finals.filter((f) => f.status === "delivered").length;
        const first = finals[0];
        if (delivered === finals.length) expect(reference.status).toBe("delivered");
        else if (delivered > 0) expect(reference.status).toBe("partially_delivered");
        else expect(reference.status).toBe(first?.status);
        expect(reference.parts?.map((p) => p.status)).toEqual(finals.map((f) => f.status));
      }),
      { numRuns: RUNS },
    );
  });
});
