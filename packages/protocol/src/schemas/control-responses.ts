import { z } from "zod";
import { successEnvelopeSchema } from "./envelopes.js";
import {
  countSchema,
  currencySchema,
  messageIdSchema,
  moneySchema,
  utcTimestampSchema,
} from "./primitives.js";
import { messageStatusSchema } from "./status-schemas.js";

/**
 * `data` of `DELETE /cancel/{message_id}` → 200: the deliveries not yet handed to a carrier are
 * cancelled and refunded to the wallets they were paid from.
 * @example cancelDataSchema.parse(body.data).refunded_amount // 0.04
 */
export const cancelDataSchema = z
  .object({
    message_id: messageIdSchema,
    status: messageStatusSchema.meta({
      description:
        "cancelled once nothing else is in flight; otherwise the status of what is still in flight",
    }),
    cancelled_deliveries: countSchema.meta({
      description: "Deliveries (recipient × dispatch) cancelled by this call",
    }),
    refunded_amount: moneySchema.meta({ description: "Amount returned to the wallets by this call" }),
    currency: currencySchema,
  })
  .meta({
    id: "CancelData",
    examples: [
      {
        message_id: "507f1f77bcf86cd799439011",
        status: "cancelled",
        cancelled_deliveries: 2,
        refunded_amount: 0.04,
        currency: "USD",
      },
    ],
  });

/** `data` of `DELETE /cancel/{message_id}`. */
export type CancelData = z.output<typeof cancelDataSchema>;

/** The whole 200 body of `DELETE /cancel/{message_id}`. */
export const cancelResponseSchema = successEnvelopeSchema(cancelDataSchema, 200).meta({
  id: "CancelResponse",
});

/**
 * `data` of `POST /pause/{message_id}` → 200: future dispatches are held.
 * @example pauseDataSchema.parse(body.data).paused_dispatches // 3
 */
export const pauseDataSchema = z
  .object({
    message_id: messageIdSchema,
    status: z.literal("paused"),
    paused_dispatches: countSchema.meta({ description: "Future dispatches now held" }),
  })
  .meta({ id: "PauseData" });

/** `data` of `POST /pause/{message_id}`. */
export type PauseData = z.output<typeof pauseDataSchema>;

/** The whole 200 body of `POST /pause/{message_id}`. */
export const pauseResponseSchema = successEnvelopeSchema(pauseDataSchema, 200).meta({ id: "PauseResponse" });

/**
 * `data` of `POST /resume/{message_id}` → 200: dispatches whose time passed while paused are
 * skipped and refunded, the rest go on.
 * @example resumeDataSchema.parse(body.data).skipped // 1
 */
export const resumeDataSchema = z
  .object({
    message_id: messageIdSchema,
    status: messageStatusSchema.meta({ description: "The status after resuming, e.g. scheduled" }),
    skipped: countSchema.meta({
      description: "Dispatches whose time passed while paused: skipped, not sent",
    }),
    refunded_amount: moneySchema.meta({ description: "Refund for the skipped dispatches" }),
    currency: currencySchema,
    next_dispatch_at: utcTimestampSchema.nullable().meta({
      description: "Next dispatch to be released; null when none is left",
    }),
  })
  .meta({
    id: "ResumeData",
    examples: [
      {
        message_id: "507f1f77bcf86cd799439011",
        status: "scheduled",
        skipped: 1,
        refunded_amount: 0.02,
        currency: "USD",
        next_dispatch_at: "2026-06-08T07:00:00Z",
      },
    ],
  });

/** `data` of `POST /resume/{message_id}`. */
export type ResumeData = z.output<typeof resumeDataSchema>;

/** The whole 200 body of `POST /resume/{message_id}`. */
export const resumeResponseSchema = successEnvelopeSchema(resumeDataSchema, 200).meta({
  id: "ResumeResponse",
});
