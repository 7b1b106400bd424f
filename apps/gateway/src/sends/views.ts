import { fromMicros } from "@lisoloo/protocol";
import type { SendRow } from "../db/queries/sends";
import type { Quote } from "./quote";

/** The priced part every view of a send shares: `/send`'s 201, `/preview`, and `sms.queued`. */
export function quoteView(quote: Quote, currency: string) {
  return {
    total_recipients: quote.request.to.length,
    total_messages: quote.totalMessages,
    total_cost: fromMicros(quote.totalCostMicros),
    currency,
    sending_type: quote.request.sending_type,
    segments: quote.segments,
    encoding: quote.encoding,
    dispatches: quote.instants.length,
    unit_price: fromMicros(quote.unitPriceMicros),
    scheduled_at: quote.scheduledAtLocal,
    duplicates_removed: quote.request.duplicates_removed,
    ...(quote.transliterated ? { transliterated: quote.transliterated } : {}),
  };
}

/** `data` of the 201 answer to `POST /send` (CONTRACT §4), keys in the documented order. */
export function sendAcceptedView(messageId: string, quote: Quote, currency: string) {
  const {
    total_recipients,
    total_messages,
    total_cost,
    currency: _currency,
    ...rest
  } = quoteView(quote, currency);
  return {
    message_id: messageId,
    total_recipients,
    total_messages,
    total_cost,
    currency,
    status: quote.request.sending_type === "immediate" ? ("pending" as const) : ("scheduled" as const),
    ...rest,
  };
}

/** `data` of the `sms.queued` event: the send's totals and its first dispatch. */
export function queuedEventData(messageId: string, quote: Quote, currency: string) {
  return sendAcceptedView(messageId, quote, currency);
}

/** The 201 `data` of an already accepted send, rebuilt from its row (for a replay without the stored answer). */
export function sendRowView(row: SendRow) {
  return {
    message_id: row.id,
    total_recipients: row.totalRecipients,
    total_messages: row.totalRecipients * row.segments * row.dispatchCount,
    total_cost: fromMicros(row.totalCostMicros),
    currency: row.currency,
    status: row.sendingType === "immediate" ? ("pending" as const) : ("scheduled" as const),
    sending_type: row.sendingType,
    segments: row.segments,
    encoding: row.encoding,
    dispatches: row.dispatchCount,
    unit_price: fromMicros(row.unitPriceMicros),
    scheduled_at: row.scheduledAtLocal,
    duplicates_removed: row.duplicatesRemoved,
    ...(row.transliterated ? { transliterated: row.transliterated } : {}),
  };
}
