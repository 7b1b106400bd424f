import type { DeliveryErrorCode, ReceiptStatus } from "@lisoloo/protocol";
import { receiptStatusOf } from "../smpp/receipts";

/** Kannel's delivery-report types (the `%d` of a dlr-url), as `dlr-mask=31` asks for all of them. */
export const reportTypes = [1, 2, 4, 8, 16] as const;
export type ReportType = (typeof reportTypes)[number];

/** What one report does to its delivery: a receipt to queue, or nothing (type 4, queued on the SMSC). */
export type RelayReport =
  | { receipt: { status: ReceiptStatus; errorCode: DeliveryErrorCode | null; reason?: string } }
  | { receipt: null };

const byType: Record<
  Exclude<ReportType, 4>,
  { status: ReceiptStatus; errorCode: DeliveryErrorCode | null }
> = {
  1: { status: "delivered", errorCode: null },
  2: { status: "undelivered", errorCode: "1504" },
  8: { status: "accepted", errorCode: null },
  16: { status: "failed", errorCode: "1501" },
};

const FINAL_TYPES = new Set<ReportType>([1, 2]);

/**
 * A Kannel report as CONTRACT §12 maps it: 1 → delivered, 2 → undelivered (1504), 4 → no change,
 * 8 → accepted, 16 → rejected by the SMSC: `failed` (1501, refunded), with Kannel's reply
 * (`NACK/0x0000000b/…`) as the reason. The `stat:` word of the SMSC's receipt text (`%A`) refines a
 * final report (type 1 or 2: `stat:EXPIRED` is expired 1505, `stat:REJECTD` rejected 1502) or an
 * intermediate one (type 8: `stat:ENROUTE`) as for SMPP; a word of the other kind is not trusted over
 * the type.
 * @example relayReport(2, "id:42 sub:001 dlvrd:000 … stat:EXPIRED err:001")
 * // { receipt: { status: "expired", errorCode: "1505", reason: "Kannel type 2: id:42 …" } }
 */
export function relayReport(type: ReportType, reply: string): RelayReport {
  if (type === 4) return { receipt: null };
  // A receipt text ends with the message's first characters (`text:…`): not the delivery's business.
  const said = reply.replace(/\s+text:.*$/s, "");
  const reason = said === "" ? undefined : `Kannel type ${type}: ${said}`.slice(0, 200);
  const stat = /\bstat:([A-Z]+)/.exec(reply)?.[1];
  const refined = stat !== undefined ? receiptStatusOf[stat as keyof typeof receiptStatusOf] : undefined;
  const base = byType[type];
  const mapped =
    type !== 16 && refined !== undefined && FINAL_TYPES.has(type) === isFinalStat(refined.status)
      ? refined
      : base;
  // Only a failure's text is worth keeping as the delivery's `error_message`.
  const failing = mapped.errorCode !== null;
  return { receipt: { ...mapped, ...(failing && reason !== undefined ? { reason } : {}) } };
}

function isFinalStat(status: ReceiptStatus): boolean {
  return status !== "accepted" && status !== "enroute";
}
