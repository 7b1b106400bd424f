import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitDebit, splitRefund } from "./split.js";

describe("splitDebit", () => {
  it.each([
    {
      id: "prepaid covers all",
      total: 60,
      pre: 100,
      post: 0,
      expected: { sufficient: true, prepaid: 60, postpaid: 0 },
    },
    {
      id: "prepaid first, then postpaid",
      total: 60,
      pre: 50,
      post: 100,
      expected: { sufficient: true, prepaid: 50, postpaid: 10 },
    },
    {
      id: "postpaid only",
      total: 60,
      pre: 0,
      post: 60,
      expected: { sufficient: true, prepaid: 0, postpaid: 60 },
    },
    {
      id: "exactly both",
      total: 60,
      pre: 30,
      post: 30,
      expected: { sufficient: true, prepaid: 30, postpaid: 30 },
    },
    {
      id: "short by one",
      total: 60,
      pre: 30,
      post: 29,
      expected: { sufficient: false, available: 59, shortfall: 1 },
    },
    {
      id: "empty wallets",
      total: 1,
      pre: 0,
      post: 0,
      expected: { sufficient: false, available: 0, shortfall: 1 },
    },
    { id: "free send", total: 0, pre: 0, post: 0, expected: { sufficient: true, prepaid: 0, postpaid: 0 } },
  ])("$id", ({ total, pre, post, expected }) => {
    expect(splitDebit(total, { prepaidMicros: pre, postpaidMicros: post })).toEqual(expected);
  });

  it("rejects negative balances and amounts", () => {
    expect(() => splitDebit(-1, { prepaidMicros: 0, postpaidMicros: 0 })).toThrow(RangeError);
    expect(() => splitDebit(1, { prepaidMicros: -1, postpaidMicros: 5 })).toThrow(RangeError);
  });
});

describe("splitRefund", () => {
  const ledger = { prepaidTaken: 50, postpaidTaken: 10, prepaidRefunded: 0, postpaidRefunded: 0 };

  it.each([
    {
      id: "partial refund clears postpaid first",
      amount: 30,
      before: ledger,
      expected: { prepaid: 20, postpaid: 10, excess: 0 },
    },
    {
      id: "small refund goes to postpaid only",
      amount: 4,
      before: ledger,
      expected: { prepaid: 0, postpaid: 4, excess: 0 },
    },
    {
      id: "full refund returns each share",
      amount: 60,
      before: ledger,
      expected: { prepaid: 50, postpaid: 10, excess: 0 },
    },
    {
      id: "over-refund is capped",
      amount: 70,
      before: ledger,
      expected: { prepaid: 50, postpaid: 10, excess: 10 },
    },
    {
      id: "after an earlier refund",
      amount: 50,
      before: { ...ledger, postpaidRefunded: 10, prepaidRefunded: 5 },
      expected: { prepaid: 45, postpaid: 0, excess: 5 },
    },
  ])("$id", ({ amount, before, expected }) => {
    expect(splitRefund(amount, before)).toEqual(expected);
  });

  it("debit then refunds in any pieces returns exactly what each wallet gave", () => {
    const scenario = fc.record({
      total: fc.integer({ min: 0, max: 1e12 }),
      prepaid: fc.integer({ min: 0, max: 1e12 }),
      postpaid: fc.integer({ min: 0, max: 1e12 }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, ({ total, prepaid, postpaid, cuts }) => {
        const debit = splitDebit(total, { prepaidMicros: prepaid, postpaidMicros: postpaid });
        if (!debit.sufficient) {
          expect(debit.available).toBeLessThan(total);
          expect(debit.available + debit.shortfall).toBe(total);
          return;
        }
        expect(debit.prepaid + debit.postpaid).toBe(total);
        expect(debit.prepaid).toBeLessThanOrEqual(prepaid);
        expect(debit.postpaid).toBeLessThanOrEqual(postpaid);

        const state = {
          prepaidTaken: debit.prepaid,
          postpaidTaken: debit.postpaid,
          prepaidRefunded: 0,
          postpaidRefunded: 0,
        };
        let remaining = total;
        // Partial refunds of arbitrary sizes, then whatever is left, then one more that must yield nothing.
        const pieces = [...cuts.map((c) => Math.floor(c * remaining)), Number.MAX_SAFE_INTEGER];
        for (const piece of pieces) {
          const asked = Math.min(piece, remaining + 1);
          const refund = splitRefund(asked, state);
          expect(refund.prepaid + refund.postpaid + refund.excess).toBe(asked);
          expect(refund.prepaid).toBeGreaterThanOrEqual(0);
          expect(refund.postpaid).toBeGreaterThanOrEqual(0);
          state.prepaidRefunded += refund.prepaid;
          state.postpaidRefunded += refund.postpaid;
          remaining -= refund.prepaid + refund.postpaid;
          expect(state.prepaidRefunded).toBeLessThanOrEqual(state.prepaidTaken);
          expect(state.postpaidRefunded).toBeLessThanOrEqual(state.postpaidTaken);
        }
        expect(state.prepaidRefunded).toBe(debit.prepaid);
        expect(state.postpaidRefunded).toBe(debit.postpaid);
        expect(splitRefund(1, state)).toEqual({ prepaid: 0, postpaid: 0, excess: 1 });
      }),
    );
  });
});
