import { deliveryErrorCodes } from "@lisoloo/protocol/lifecycle";
import { sendingTypes } from "@lisoloo/protocol/schedule";
import { failedEventStatuses, webhookEventSchema } from "@lisoloo/protocol/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readWebhookEvent } from "./event-shape.js";

/** Mostly `valid`, sometimes `edge`: most events pass, and every field is sometimes just wrong. */
function mostly<T, U>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) {
  return fc.oneof({ arbitrary: valid, weight: 19 }, { arbitrary: edge, weight: 1 });
}

const recent = { min: new Date("1970-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z") };
// Impossible dates, missing seconds, offsets, fractions: the edges of zod's ISO pattern.
const timestamp = mostly(
  fc.date({ ...recent, noInvalidDate: true }).map((d) => d.toISOString()),
  fc.stringMatching(/^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d(:[0-6]\d(\.\d{0,4})?)?(Z|[+-][0-2]\d:[0-6]\d)?$/),
);
const offsetTimestamp = mostly(
  fc
    .tuple(fc.date({ ...recent, noInvalidDate: true }), fc.constantFrom("Z", "+01:00", "-05:30"))
    .map(([d, offset]) => d.toISOString().replace("Z", offset)),
  timestamp,
);
// JSON.parse reads a number too large for a double, such as 1e400, as Infinity.
const tooLarge = Number.POSITIVE_INFINITY;
const count = (min: number) =>
  mostly(fc.integer({ min, max: 10_000 }), fc.constantFrom(min - 1, 0.5, 2 ** 53, -0, tooLarge, "1"));
const money = mostly(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(tooLarge, "0.06", null),
);
const phone = mostly(fc.stringMatching(/^\+\d{1,15}$/), fc.stringMatching(/^\+?\d{0,17}$/));
const oneOf = (values: readonly string[], wrong: string) =>
  mostly(fc.constantFrom(...values), fc.constantFrom(wrong, values[0]?.toUpperCase(), null));

const envelopeFields = {
  event_id: mostly(fc.uuid({ version: 4 }), fc.uuid()),
  timestamp,
  message_id: mostly(fc.stringMatching(/^[0-9a-f]{24}$/), fc.stringMatching(/^[0-9a-fA-F]{23,25}$/)),
  occurred_at: timestamp,
  sequence: count(0),
  environment: oneOf(["sandbox", "production"], "staging"),
};

const recipientFields = {
  recipient_phone: phone,
  carrier: mostly(fc.string(), fc.constant(null)),
  dispatch_at: timestamp,
};

const dataOf = {
  "sms.queued": fc.record({
    status: oneOf(["pending", "scheduled"], "sent"),
    sending_type: oneOf(sendingTypes, "later"),
    total_recipients: count(0),
    total_messages: count(0),
    total_cost: money,
    currency: mostly(fc.stringMatching(/^[A-Z]{3}$/), fc.stringMatching(/^[A-Za-z]{2,4}$/)),
    unit_price: money,
    segments: count(1),
    encoding: oneOf(["GSM-7", "UCS-2"], "UTF-8"),
    dispatches: count(1),
    scheduled_at: fc.option(offsetTimestamp),
  }),
  "sms.processing": fc.record({
    ...recipientFields,
    status: oneOf(["processing"], "sent"),
    processing_at: timestamp,
  }),
  "sms.sent": fc.record({ ...recipientFields, status: oneOf(["sent"], "delivered"), sent_at: timestamp }),
  "sms.delivered": fc.record({
    ...recipientFields,
    status: oneOf(["delivered"], "sent"),
    delivered_at: timestamp,
    segments: count(1),
  }),
  "sms.failed": fc.record({
    ...recipientFields,
    carrier: fc.option(fc.string()),
    failed_at: timestamp,
    status: oneOf(failedEventStatuses, "cancelled"),
    error_code: oneOf(deliveryErrorCodes, "1104"),
    reason: mostly(fc.string(), fc.integer()),
  }),
};

const eventType = fc.constantFrom(...(Object.keys(dataOf) as (keyof typeof dataOf)[]));

/** Events of every type, mostly well-formed, each field sometimes just outside what is allowed. */
const nearlyEvents = eventType.chain((type) =>
  fc.record({ ...envelopeFields, event_type: fc.constant(type), data: dataOf[type] }),
);

/** Structural damage on top: a field removed, replaced by any JSON value, or an extra field. */
const damaged = fc
  .tuple(nearlyEvents, fc.boolean(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), fc.nat())
  .map(([event, inData, name, value, which]) => {
    const target: Record<string, unknown> = inData ? { ...event.data } : { ...event };
    const keys = Object.keys(target);
    const key = which % 3 === 2 ? name : (keys[which % keys.length] ?? name);
    if (which % 3 === 0) delete target[key];
    else target[key] = value;
    return inData ? { ...event, data: target } : target;
  });

function agree(input: unknown) {
  const schema = webhookEventSchema.safeParse(input);
  const ours = readWebhookEvent(input);
  expect(ours.ok).toBe(schema.success);
  // Same fields in the same order, so even the re-serialised JSON is identical.
  if (ours.ok && schema.success) expect(JSON.stringify(ours.event)).toBe(JSON.stringify(schema.data));
}

describe("readWebhookEvent agrees with the protocol's webhookEventSchema", () => {
  it("on events near the edges of every field", () => {
    fc.assert(fc.property(nearlyEvents, agree), { numRuns: 3000 });
  });

  it("on damaged events and extra fields", () => {
    fc.assert(fc.property(damaged, agree), { numRuns: 3000 });
  });

  it("on any JSON at all", () => {
    fc.assert(fc.property(fc.jsonValue(), agree), { numRuns: 500 });
  });

  it("accepts events that are valid by construction, dropping unknown fields", () => {
    const valid = {
      event_id: "7d0e3c52-9a0f-4b8e-9d7c-2f1a6b3e4c5d",
      timestamp: "2026-05-27T10:15:00.123Z",
      message_id: "507f1f77bcf86cd799439011",
      occurred_at: "2026-05-27T10:15:00Z",
      sequence: 0,
      environment: "production",
      event_type: "sms.failed",
      added_later: true,
      data: {
        recipient_phone: "+243998857000",
        carrier: null,
        dispatch_at: "2028-02-29T23:59:59Z",
        failed_at: "2026-05-27T10:15:00Z",
        status: "expired",
        error_code: "1505",
        reason: "Expired at the carrier",
        added_later: 1,
      },
    };
    agree(valid);
    const reading = readWebhookEvent(valid);
    expect(reading.ok && "added_later" in reading.event).toBe(false);
    expect(reading.ok && "added_later" in reading.event.data).toBe(false);
  });

  it("names the first field that does not fit", () => {
    const reading = readWebhookEvent({ event_type: "sms.sent", data: {} });
    expect(reading).toEqual({ ok: false, field: "event_id", expected: "a UUID v4" });
    expect(readWebhookEvent({ event_type: "constructor" })).toMatchObject({ ok: false, field: "event_type" });
    expect(readWebhookEvent([])).toMatchObject({ ok: false, field: "(body)" });
  });
});
