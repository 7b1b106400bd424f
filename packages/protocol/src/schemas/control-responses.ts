import * as z from "zod";
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
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type CancelData, cancelDataSchema, cancelResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of DELETE /cancel/{message_id}: what no carrier holds yet is cancelled and refunded
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "cancelled",
 *     cancelled_deliveries: 2,
 *     refunded_amount: 0.04,
 *     currency: "USD",
 *   },
 * };
 * const cancelled: CancelData = cancelResponseSchema.parse(body).data;
 * assert.equal(cancelled.refunded_amount, 0.04);
 * assert.equal(cancelDataSchema.parse(cancelled).status, "cancelled");
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

/**
 * The whole 200 body of `DELETE /cancel/{message_id}`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type CancelData, cancelDataSchema, cancelResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of DELETE /cancel/{message_id}: what no carrier holds yet is cancelled and refunded
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "cancelled",
 *     cancelled_deliveries: 2,
 *     refunded_amount: 0.04,
 *     currency: "USD",
 *   },
 * };
 * const cancelled: CancelData = cancelResponseSchema.parse(body).data;
 * assert.equal(cancelled.refunded_amount, 0.04);
 * assert.equal(cancelDataSchema.parse(cancelled).status, "cancelled");
 */
export const cancelResponseSchema = successEnvelopeSchema(cancelDataSchema, 200).meta({
  id: "CancelResponse",
});

/**
 * `data` of `POST /pause/{message_id}` → 200: future dispatches are held.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type PauseData, pauseDataSchema, pauseResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /pause/{message_id}: future dispatches are held
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: { message_id: "507f1f77bcf86cd799439011", status: "paused", paused_dispatches: 3 },
 * };
 * const paused: PauseData = pauseResponseSchema.parse(body).data;
 * assert.equal(paused.paused_dispatches, 3);
 * assert.equal(pauseDataSchema.safeParse({ ...paused, status: "scheduled" }).success, false);
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

/**
 * The whole 200 body of `POST /pause/{message_id}`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type PauseData, pauseDataSchema, pauseResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /pause/{message_id}: future dispatches are held
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: { message_id: "507f1f77bcf86cd799439011", status: "paused", paused_dispatches: 3 },
 * };
 * const paused: PauseData = pauseResponseSchema.parse(body).data;
 * assert.equal(paused.paused_dispatches, 3);
 * assert.equal(pauseDataSchema.safeParse({ ...paused, status: "scheduled" }).success, false);
 */
export const pauseResponseSchema = successEnvelopeSchema(pauseDataSchema, 200).meta({ id: "PauseResponse" });

/**
 * `data` of `POST /resume/{message_id}` → 200: dispatches whose time passed while paused are
 * skipped and refunded, the rest go on.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type ResumeData, resumeDataSchema, resumeResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /resume/{message_id}: dispatches whose time passed while paused are skipped and refunded
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "scheduled",
 *     skipped: 1,
 *     refunded_amount: 0.02,
 *     currency: "USD",
 *     next_dispatch_at: "2030-06-08T07:00:00Z",
 *   },
 * };
 * const resumed: ResumeData = resumeResponseSchema.parse(body).data;
 * assert.equal(resumed.skipped, 1);
 * assert.equal(resumeDataSchema.parse(resumed).next_dispatch_at, "2030-06-08T07:00:00Z");
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

/**
 * The whole 200 body of `POST /resume/{message_id}`.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { type ResumeData, resumeDataSchema, resumeResponseSchema } from "@lisoloo/protocol/schemas";
 *
 * // The 200 body of POST /resume/{message_id}: dispatches whose time passed while paused are skipped and refunded
 * const body: unknown = {
 *   status_code: 200,
 *   success: true,
 *   data: {
 *     message_id: "507f1f77bcf86cd799439011",
 *     status: "scheduled",
 *     skipped: 1,
 *     refunded_amount: 0.02,
 *     currency: "USD",
 *     next_dispatch_at: "2030-06-08T07:00:00Z",
 *   },
 * };
 * const resumed: ResumeData = resumeResponseSchema.parse(body).data;
 * assert.equal(resumed.skipped, 1);
 * assert.equal(resumeDataSchema.parse(resumed).next_dispatch_at, "2030-06-08T07:00:00Z");
 */
export const resumeResponseSchema = successEnvelopeSchema(resumeDataSchema, 200).meta({
  id: "ResumeResponse",
});
