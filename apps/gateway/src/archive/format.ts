/**
 * The archive's layout in R2, shared by its writer (`archive-sends.ts`) and its reader
 * (`read-archive.ts`): one gzip-compressed JSON object per send, at
 * `sends/{merchant_id}/{send_id}.json.gz`:
 *
 * ```json
 * { "version": 1, "archived_at": "2026-08-25T10:15:00Z",
 *   "send": { …the sends row… },
 *   "recipients": [ … ], "dispatches": [ … ], "deliveries": [ … ], "receipts": [ … ],
 *   "carrier_message_parts": [ … ], "webhook_events": [ … ], "webhook_attempts": [ … ] }
 * ```
 *
 * Every row is the D1 row as `SELECT *` returns it (snake_case columns, JSON columns as their text),
 * so the object reads like the tables it came from. Sections come in this order, what `GET /status`
 * needs first. The wallet ledger is not here: it never leaves D1.
 */

/** Bumped when the layout changes in a way an older reader could misread. */
export const ARCHIVE_FORMAT_VERSION = 1;

/** The tables a send's rows are archived from (and deleted from), in the object's order. */
export const ARCHIVE_SECTIONS = [
  "recipients",
  "dispatches",
  "deliveries",
  "receipts",
  "carrier_message_parts",
  "webhook_events",
  "webhook_attempts",
] as const;

export type ArchiveSection = (typeof ARCHIVE_SECTIONS)[number];

/** A row as D1 returned it. */
export type ArchivedRow = Record<string, unknown>;

/**
 * Where a send's object lives. The merchant comes first, so a send is only ever looked up under the
 * calling merchant: another merchant's id names an object that does not exist.
 *
 * @example archiveKey("mch_0123456789abcdef0123", "6a1a8b1c0000000000000000") // "sends/mch_…/6a1a8b1c….json.gz"
 */
export function archiveKey(merchantId: string, sendId: string): string {
  return `sends/${merchantId}/${sendId}.json.gz`;
}
