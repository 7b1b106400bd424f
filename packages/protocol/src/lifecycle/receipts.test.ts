import { describe, expect, it } from "vitest";
import {
  applyReceipt,
  type DeliveryState,
  newDeliveryState,
  type Receipt,
  type ReceiptOutcome,
  type ReceiptStatus,
  receiptStatuses,
} from "./receipts.js";
import type { DeliveryStatus } from "./statuses.js";

const at = "2026-06-01T08:00:00Z";

/** Columns follow `receiptStatuses`: A applied, D duplicate, L late, T terminal. */
const columns = [
  "processing",
  "accepted",
  "enroute",
  "sent",
  "delivered",
  "undelivered",
  "rejected",
  "expired",
  "delivery_unknown",
  "failed",
  "cancelled",
] as const;

const table: Record<DeliveryStatus, string> = {
  pending: "A A A A A A A A A A A",
  processing: "D A A A A A A A A A A",
  accepted: "L D A A A A A A A A A",
  enroute: "L L D A A A A A A A A",
  sent: "L L L D A A A A A A A",
  delivered: "T T T T D T T T T T T",
  partially_delivered: "T T T T T T T T T T T",
  undelivered: "T T T T T D T T T T T",
  rejected: "T T T T T T D T T T T",
  expired: "T T T T T T T D T T T",
  delivery_unknown: "T T T T T T T T D T T",
  failed: "T T T T T T T T T D T",
  cancelled: "T T T T T T T T T T D",
};

const letters: Record<string, ReceiptOutcome> = {
  A: "applied",
  D: "ignored_duplicate",
  L: "ignored_late",
  T: "ignored_terminal",
};

const eventOf: Record<ReceiptStatus, string | null> = {
  processing: "sms.processing",
  accepted: null,
  enroute: null,
  sent: "sms.sent",
  delivered: "sms.delivered",
  undelivered: "sms.failed",
  rejected: "sms.failed",
  expired: "sms.failed",
  delivery_unknown: "sms.failed",
  failed: "sms.failed",
  cancelled: null,
};

const codeOf: Record<ReceiptStatus, string | null> = {
  processing: null,
  accepted: null,
  enroute: null,
  sent: null,
  delivered: null,
  undelivered: "1504",
  rejected: "1502",
  expired: "1505",
  delivery_unknown: "1503",
  failed: "1501",
  cancelled: null,
};

const cases = Object.entries(table).flatMap(([current, row]) =>
  row.split(" ").map((letter, i) => {
    const outcome = letters[letter];
    const status = columns[i];
    if (outcome === undefined || status === undefined) throw new Error(`bad table row ${current}`);
    return [current as DeliveryStatus, status, outcome] as const;
  }),
);

describe("applyReceipt on a single-part delivery", () => {
  it("covers every pair of current status and receipt status", () => {
    expect(columns).toEqual(receiptStatuses);
    expect(cases).toHaveLength(13 * 11);
  });

  it.each(cases)("%s + %s receipt → %s", (current, status, outcome) => {
    const state: DeliveryState = { status: current, error_code: null, parts: null };
    const result = applyReceipt(state, { status, at });
    expect(result.outcome).toBe(outcome);
    if (outcome === "applied") {
      expect(result.next).toEqual({ status, error_code: codeOf[status], parts: null });
      expect(result.event_type).toBe(eventOf[status]);
    } else {
      expect(result.next).toBe(state);
      expect(result.event_type).toBeNull();
    }
  });

  it("keeps a carrier's own error code on a failure and drops it on a success", () => {
    const rejected = applyReceipt(newDeliveryState(), { status: "undelivered", error_code: "1502", at });
    expect(rejected.next.error_code).toBe("1502");
    const delivered = applyReceipt(newDeliveryState(), { status: "delivered", error_code: "1502", at });
    expect(delivered.next.error_code).toBeNull();
  });

  it("accepts a state read back without error_code or parts", () => {
    expect(applyReceipt({ status: "sent" }, { status: "expired", at }).next).toEqual({
      status: "expired",
      error_code: "1505",
      parts: null,
    });
  });

  it("ignores a receipt whose status is not a receipt status", () => {
    const state = newDeliveryState();
    for (const status of ["pending", "partially_delivered", "paused", "DELIVRD"]) {
      const result = applyReceipt(state, { status, at } as unknown as Receipt);
      expect(result.outcome).toBe("ignored_invalid");
      expect(result.next).toBe(state);
    }
  });

  it("walks the sandbox's delivered-before-sent number to delivered and ignores the sent after it", () => {
    const delivered = applyReceipt({ status: "processing" }, { status: "delivered", at });
    expect(delivered.event_type).toBe("sms.delivered");
    const sent = applyReceipt(delivered.next, { status: "sent", at });
    expect(sent.outcome).toBe("ignored_terminal");
    expect(sent.next.status).toBe("delivered");
  });
});

function run(receipts: readonly Receipt[], start: DeliveryState = newDeliveryState()) {
  let state = start;
  const outcomes: ReceiptOutcome[] = [];
  const events: (string | null)[] = [];
  for (const r of receipts) {
    const result = applyReceipt(state, r);
    state = result.next;
    outcomes.push(result.outcome);
    events.push(result.event_type);
  }
  return { state, outcomes, events };
}

const part = (status: ReceiptStatus, index: number, total: number, error_code?: "1502"): Receipt => ({
  status,
  part: { index, total },
  at,
  ...(error_code === undefined ? {} : { error_code }),
});

describe("applyReceipt on a multipart delivery", () => {
  it("is delivered once every part is, whatever the order", () => {
    const { state, outcomes, events } = run([
      { status: "sent", at },
      part("delivered", 3, 3),
      part("delivered", 1, 3),
      part("delivered", 2, 3),
    ]);
    expect(state.status).toBe("delivered");
    expect(state.error_code).toBeNull();
    expect(outcomes).toEqual(["applied", "merged", "merged", "merged"]);
    expect(events).toEqual(["sms.sent", null, null, "sms.delivered"]);
  });

  it("stays at its least advanced part until every part is final", () => {
    const { state } = run([part("sent", 1, 2), part("delivered", 2, 2)]);
    expect(state.status).toBe("sent");
    expect(state.parts?.map((p) => p.status)).toEqual(["sent", "delivered"]);
    expect(run([part("sent", 1, 2)], { status: "accepted" }).state.status).toBe("accepted");
  });

  it("ends partially_delivered with the first failed part's code when some parts are delivered", () => {
    const { state, events } = run([
      { status: "sent", at },
      part("delivered", 1, 3),
      part("rejected", 3, 3, "1502"),
      part("undelivered", 2, 3),
    ]);
    expect(state.status).toBe("partially_delivered");
    expect(state.error_code).toBe("1504");
    expect(events.at(-1)).toBe("sms.failed");
  });

  it("takes the first part's status and code when no part is delivered", () => {
    const { state } = run([part("expired", 2, 2), part("rejected", 1, 2)]);
    expect(state).toMatchObject({ status: "rejected", error_code: "1502" });
  });

  it("lets a whole-delivery timeout finish the unfinished parts", () => {
    const { state } = run([
      { status: "sent", at },
      part("delivered", 1, 2),
      { status: "delivery_unknown", at },
    ]);
    expect(state).toMatchObject({ status: "partially_delivered", error_code: "1503" });
    expect(state.parts?.map((p) => p.status)).toEqual(["delivered", "delivery_unknown"]);
  });

  it("lets a whole-delivery receipt raise only the parts behind it", () => {
    const { state, outcomes } = run([
      part("sent", 1, 2),
      { status: "accepted", at },
      { status: "processing", at },
    ]);
    expect(state.parts?.map((p) => p.status)).toEqual(["sent", "accepted"]);
    expect(state.status).toBe("accepted");
    expect(outcomes).toEqual(["merged", "applied", "ignored_late"]);
  });

  it.each([
    ["a repeated part receipt", [part("delivered", 1, 2), part("delivered", 1, 2)], "ignored_duplicate"],
    ["a part going back", [part("sent", 1, 2), part("accepted", 1, 2)], "ignored_late"],
    ["a second final for a part", [part("delivered", 1, 2), part("expired", 1, 2)], "ignored_terminal"],
    [
      "a part after the delivery ended",
      [{ status: "delivered", at }, part("expired", 1, 2)],
      "ignored_terminal",
    ],
    [
      "a duplicate part after the end",
      [{ status: "delivered", at }, part("delivered", 2, 2)],
      "ignored_duplicate",
    ],
    ["a different part count", [part("sent", 1, 2), part("sent", 1, 3)], "ignored_invalid"],
    ["index 0", [part("sent", 1, 2), part("sent", 0, 2)], "ignored_invalid"],
    ["index past total", [part("sent", 1, 2), part("sent", 3, 2)], "ignored_invalid"],
    ["a fractional index", [part("sent", 1, 2), part("sent", 1.5, 2)], "ignored_invalid"],
    ["256 parts", [part("sent", 1, 2), part("sent", 1, 256)], "ignored_invalid"],
  ] as const)("ignores %s", (_name, receipts, outcome) => {
    const before = run(receipts.slice(0, -1)).state;
    const last = receipts.at(-1);
    if (last === undefined) throw new Error("empty case");
    const result = applyReceipt(before, last);
    expect(result.outcome).toBe(outcome);
    expect(result.next).toBe(before);
  });

  it("treats a one-part receipt like a whole-delivery one", () => {
    expect(run([part("undelivered", 1, 1)]).state).toMatchObject({
      status: "undelivered",
      error_code: "1504",
    });
  });
});
