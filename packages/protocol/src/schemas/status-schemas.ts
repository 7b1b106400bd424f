import * as z from "zod";
import { deliveryErrorCodes } from "../lifecycle/error-codes.js";
import { deliveryStatuses, messageStatuses } from "../lifecycle/statuses.js";

/**
 * The 17 statuses of a message (CONTRACT §7).
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   deliveryErrorCodeSchema,
 *   deliveryStatusSchema,
 *   messageStatusSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(messageStatusSchema.options.length, 17); // every status GET /status can report
 * assert.equal(messageStatusSchema.safeParse("paused").success, true);
 * assert.equal(deliveryStatusSchema.safeParse("paused").success, false); // a message status, never a recipient's
 * assert.deepEqual(deliveryErrorCodeSchema.options, ["1501", "1502", "1503", "1504", "1505"]);
 */
export const messageStatusSchema = z
  .enum(messageStatuses)
  .meta({ id: "MessageStatus", description: "Aggregate status of a send", examples: ["delivered"] });

/**
 * The statuses of one delivery (one recipient in one dispatch).
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   deliveryErrorCodeSchema,
 *   deliveryStatusSchema,
 *   messageStatusSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(messageStatusSchema.options.length, 17); // every status GET /status can report
 * assert.equal(messageStatusSchema.safeParse("paused").success, true);
 * assert.equal(deliveryStatusSchema.safeParse("paused").success, false); // a message status, never a recipient's
 * assert.deepEqual(deliveryErrorCodeSchema.options, ["1501", "1502", "1503", "1504", "1505"]);
 */
export const deliveryStatusSchema = z
  .enum(deliveryStatuses)
  .meta({ id: "DeliveryStatus", description: "Status of one recipient in one dispatch", examples: ["sent"] });

/**
 * The 15xx codes that say why a delivery did not succeed.
 *
 * @example
 * import assert from "node:assert/strict";
 * import {
 *   deliveryErrorCodeSchema,
 *   deliveryStatusSchema,
 *   messageStatusSchema,
 * } from "@lisoloo/protocol/schemas";
 *
 * assert.equal(messageStatusSchema.options.length, 17); // every status GET /status can report
 * assert.equal(messageStatusSchema.safeParse("paused").success, true);
 * assert.equal(deliveryStatusSchema.safeParse("paused").success, false); // a message status, never a recipient's
 * assert.deepEqual(deliveryErrorCodeSchema.options, ["1501", "1502", "1503", "1504", "1505"]);
 */
export const deliveryErrorCodeSchema = z.enum(deliveryErrorCodes).meta({
  id: "DeliveryErrorCode",
  description:
    "1501 no carrier could take it (refunded), 1502 rejected by the carrier, 1503 no final receipt in time, 1504 undeliverable, 1505 expired at the carrier",
  examples: ["1504"],
});
