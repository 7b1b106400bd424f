import {
  billingOf,
  type DeliveryErrorCode,
  type DeliveryStatus,
  handedToCarrier,
  isTerminal,
  validityEndState,
} from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { SUBMIT_UNKNOWN_AFTER_MS } from "../src/pipeline/closings";
import { newMerchant, rows, rowsIn, shardDb, withWebhook } from "./helpers";
import { acceptWhileQueueDown, expectLedgerBalanced, runCron } from "./wrap-bindings";

type Case = {
  name: string;
  status: DeliveryStatus;
  handedId: boolean;
  /** When a consumer marked it for a carrier, relative to the cron run: "old" is past any consumer's run. */
  mark?: "old" | "recent";
};

// Every state a delivery can be in when its validity ends, as the pipeline leaves it.
const cases: Case[] = [
  { name: "pending behind a backlog", status: "pending", handedId: false },
  { name: "claimed, its consumer gone before the hand-off", status: "processing", handedId: false },
  {
    name: "marked for a carrier long ago, outcome unknown",
    status: "processing",
    handedId: false,
    mark: "old",
  },
  {
    name: "marked a moment ago: the submit may be in flight",
    status: "processing",
    handedId: false,
    mark: "recent",
  },
  { name: "handed over, no receipt yet", status: "processing", handedId: true, mark: "recent" },
  { name: "accepted by the carrier", status: "accepted", handedId: true, mark: "old" },
  { name: "enroute", status: "enroute", handedId: true, mark: "old" },
  { name: "sent", status: "sent", handedId: true, mark: "old" },
  { name: "sent, the carrier's id never recorded", status: "sent", handedId: false, mark: "recent" },
  { name: "delivered in time", status: "delivered", handedId: true, mark: "old" },
];

type Row = {
  id: number;
  status: DeliveryStatus;
  error_code: DeliveryErrorCode | null;
  refunded_micros: number;
};

describe("the gateway bills by the protocol's rule", () => {
  it("ends each open delivery at validity end as validityEndState says, and refunds it as billingOf says", async () => {
    const { apiKey, merchantId, keyId } = await newMerchant();
    await withWebhook(keyId);
    const to = cases.map((_, i) => `+24381${String(i).padStart(7, "0")}`);
    const id = await acceptWhileQueueDown(apiKey, to, { validity_period: 60 });
    const price = 20_000;
    const cronAt = Date.now() + 61_000;
    const marks = { old: cronAt - SUBMIT_UNKNOWN_AFTER_MS - 60_000, recent: cronAt - 10_000 };
    const ids = (
      await rows<{ id: number }>("SELECT id FROM deliveries WHERE send_id = ? ORDER BY recipient_idx", id)
    ).map((r) => r.id);
    const db = await shardDb(merchantId);
    for (const [i, c] of cases.entries()) {
      await db
        .prepare(
          `UPDATE deliveries SET status = ?2, carrier = 'sandbox', carrier_message_id = ?3, submitting_at = ?4,
           claim = CASE WHEN ?2 = 'pending' THEN NULL ELSE 'gone' END, revision = ?5 WHERE id = ?1`,
        )
        .bind(
          ids[i],
          c.status,
          c.handedId ? `sbx-${ids[i]}` : null,
          c.mark ? marks[c.mark] : null,
          `case-${i}`,
        )
        .run();
    }

    const check = async (inFlightClosed: boolean) => {
      const byId = new Map(
        (
          await rows<Row>(
            "SELECT id, status, error_code, refunded_micros FROM deliveries WHERE send_id = ?",
            id,
          )
        ).map((r) => [r.id, r]),
      );
      for (const [i, c] of cases.entries()) {
        const row = byId.get(ids[i] as number) as Row;
        const handed = handedToCarrier({ status: c.status, has_carrier_message_id: c.handedId });
        const inFlight = c.mark === "recent" && !handed && !inFlightClosed;
        const expected = isTerminal(c.status) || inFlight ? { status: c.status } : validityEndState(handed);
        expect({ case: c.name, status: row.status }).toEqual({ case: c.name, status: expected.status });
        if ("error_code" in expected) expect(row.error_code).toBe(expected.error_code);
        const bill = billingOf({ status: row.status, error_code: row.error_code, handed_to_carrier: handed });
        const [ledger] = await rowsIn<{ refunded: number }>(
          db,
          "SELECT COALESCE(SUM(amount_micros), 0) AS refunded FROM wallet_ledger WHERE reference IN (?, ?)",
          `refund:delivery:${row.id}`,
          `refund:delivery:${row.id}:postpaid`,
        );
        expect({ case: c.name, refunded: row.refunded_micros, ledger: ledger?.refunded }).toEqual({
          case: c.name,
          refunded: bill === "refunded" ? price : 0,
          ledger: bill === "refunded" ? price : 0,
        });
        // Never billed without a carrier having taken it.
        if (!handed && bill !== null) expect(bill).toBe("refunded");
      }
    };

    await runCron(cronAt);
    await check(false);
    const failed = await rows<{ payload: string }>(
      "SELECT payload FROM webhook_events WHERE send_id = ? AND event_type = 'sms.failed'",
      id,
    );
    expect(failed.map((e) => JSON.parse(e.payload).error_code).sort()).toEqual([
      "1501",
      "1501",
      "1501",
      "1503",
      "1503",
      "1503",
      "1503",
      "1503",
    ]);

    // Once no consumer can still be submitting it, the one left in flight is closed too (1501).
    await runCron(cronAt + SUBMIT_UNKNOWN_AFTER_MS + 60_000);
    await check(true);
    await expectLedgerBalanced(merchantId);
  });
});
