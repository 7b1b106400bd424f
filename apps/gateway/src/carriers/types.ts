import { deliveryErrorCodes, receiptStatuses } from "@lisoloo/protocol";
import { z } from "zod";

/**
 * One receipt as a carrier reports it: by our delivery id, or by the carrier's own message id. The
 * connectors produce them and the receipt path consumes them, so the shape lives with the carriers.
 */
export const carrierReceiptSchema = z.object({
  deliveryId: z.int().optional(),
  carrierMessageId: z.string().optional(),
  status: z.enum(receiptStatuses),
  part: z
    .object({ index: z.int().min(1), total: z.int().min(1) })
    .nullable()
    .optional(),
  errorCode: z.enum(deliveryErrorCodes).nullable().optional(),
  /** What the connector said about a failure (an SMPP status), kept as the delivery's `error_message`. */
  reason: z.string().max(200).optional(),
  /** When the carrier says the change happened (ISO 8601). */
  at: z.string(),
});

export type CarrierReceipt = z.infer<typeof carrierReceiptSchema>;
