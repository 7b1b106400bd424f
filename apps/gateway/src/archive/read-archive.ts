import { getTableColumns } from "drizzle-orm";
import { z } from "zod";
import type { SendRow } from "../db/queries/sends";
import { sends } from "../db/schema";
import { ARCHIVE_FORMAT_VERSION, archiveKey } from "./format";

const int = z.number().int();

// Only the columns the views of a send read are checked and kept; the object holds every column.
const recipientSchema = z.object({ idx: int, phone: z.string() });
const dispatchSchema = z.object({ seq: int, due_at: int, status: z.string(), released_at: int.nullable() });
const deliverySchema = z.object({
  dispatch_seq: int,
  recipient_idx: int,
  status: z.string(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  carrier: z.string().nullable(),
  sent_at: int.nullable(),
  delivered_at: int.nullable(),
  failed_at: int.nullable(),
  updated_at: int,
});

const archiveObjectSchema = z.looseObject({
  version: z.literal(ARCHIVE_FORMAT_VERSION),
  archived_at: z.string(),
  send: z.record(z.string(), z.unknown()),
  recipients: z.array(recipientSchema),
  dispatches: z.array(dispatchSchema),
  deliveries: z.array(deliverySchema),
});

export type ArchivedRecipient = z.output<typeof recipientSchema>;
export type ArchivedDispatch = z.output<typeof dispatchSchema>;
export type ArchivedDelivery = z.output<typeof deliverySchema>;

/** An archived send, as its views need it. */
export type ArchivedSend = {
  archivedAt: string;
  send: SendRow;
  recipients: ArchivedRecipient[];
  dispatches: ArchivedDispatch[];
  deliveries: ArchivedDelivery[];
};

/**
 * The sends row as drizzle reads it from D1 (camelCase, JSON columns parsed), from the row as it was
 * archived: every column goes through its own drizzle decoder, so a view cannot tell the two apart.
 */
function sendRowOf(raw: Record<string, unknown>): SendRow {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(getTableColumns(sends))) {
    const value = raw[column.name];
    row[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as SendRow;
}

/**
 * A send of this merchant from the archive, or null when there is no such object. The key holds the
 * merchant, so another merchant's id is never found here either. An object that is not a send
 * archive of a known version, or names another send, is a fault (it throws), never a 404.
 *
 * @example const archived = await readArchivedSend(env.ARCHIVE, merchant.id, messageId);
 */
export async function readArchivedSend(
  bucket: R2Bucket,
  merchantId: string,
  sendId: string,
): Promise<ArchivedSend | null> {
  const key = archiveKey(merchantId, sendId);
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
  const parsed = archiveObjectSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Unreadable archive object ${key}: ${parsed.error.message}`);
  const send = sendRowOf(parsed.data.send);
  if (send.id !== sendId || send.merchantId !== merchantId)
    throw new Error(`Archive object ${key} holds send ${send.id} of ${send.merchantId}`);
  return {
    archivedAt: parsed.data.archived_at,
    send,
    recipients: parsed.data.recipients,
    dispatches: parsed.data.dispatches,
    deliveries: parsed.data.deliveries,
  };
}
