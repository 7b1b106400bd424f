import { deliveryErrorCodes } from "@lisoloo/protocol/lifecycle";
import { sendingTypes } from "@lisoloo/protocol/schedule";
import { failedEventStatuses, type WebhookEvent, webhookEventTypes } from "@lisoloo/protocol/schemas";

// The protocol's `webhookEventSchema`, checked by hand. The schema is zod, and a receiver that only
// verifies webhooks (a Worker, a browser extension) should not carry zod for five flat objects. This
// module accepts exactly what the schema accepts and returns exactly what it returns (unknown fields
// dropped, fields in the schema's order): `event-shape.test.ts` holds the two to that.

/** One field's rule: whether a value passes, and what it should have been, for the error. */
interface FieldRule {
  readonly expected: string;
  readonly accepts: (value: unknown) => boolean;
}

type Shape = Readonly<Record<string, FieldRule>>;

const string: FieldRule = { expected: "a string", accepts: (value) => typeof value === "string" };

const number: FieldRule = {
  expected: "a finite number",
  accepts: (value) => typeof value === "number" && Number.isFinite(value),
};

function matching(pattern: RegExp, expected: string): FieldRule {
  return { expected, accepts: (value) => typeof value === "string" && pattern.test(value) };
}

function oneOf(values: readonly string[]): FieldRule {
  return { expected: `one of ${values.join(", ")}`, accepts: (value) => values.includes(value as string) };
}

function integerFrom(minimum: number): FieldRule {
  return {
    expected: `an integer of at least ${minimum}`,
    accepts: (value) => Number.isSafeInteger(value) && (value as number) >= minimum,
  };
}

function orNull(rule: FieldRule): FieldRule {
  return { expected: `${rule.expected} or null`, accepts: (value) => value === null || rule.accepts(value) };
}

// zod's ISO 8601 patterns (`z.iso.datetime()`): a real calendar date, seconds required, any fraction.
const date =
  "(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))";
const time = "(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?";
const utcTimestamp = matching(new RegExp(`^${date}T${time}Z$`), "a UTC ISO 8601 timestamp");
const offsetTimestamp = matching(
  new RegExp(`^${date}T${time}(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$`),
  "an ISO 8601 timestamp with an offset",
);
const phone = matching(/^\+\d{1,15}$/, "+ and 1 to 15 digits");

const envelope = {
  event_id: matching(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/,
    "a UUID v4",
  ),
  timestamp: utcTimestamp,
  message_id: matching(/^[0-9a-f]{24}$/, "24 lowercase hex characters"),
  occurred_at: utcTimestamp,
  sequence: integerFrom(0),
  environment: oneOf(["sandbox", "production"]),
} satisfies Shape;

const recipient = { recipient_phone: phone, carrier: string, dispatch_at: utcTimestamp } satisfies Shape;

const dataShapes: Readonly<Record<WebhookEvent["event_type"], Shape>> = {
  "sms.queued": {
    status: oneOf(["pending", "scheduled"]),
    sending_type: oneOf(sendingTypes),
    total_recipients: integerFrom(0),
    total_messages: integerFrom(0),
    total_cost: number,
    currency: matching(/^[A-Z]{3}$/, "an ISO 4217 code"),
    unit_price: number,
    segments: integerFrom(1),
    encoding: oneOf(["GSM-7", "UCS-2"]),
    dispatches: integerFrom(1),
    scheduled_at: orNull(offsetTimestamp),
  },
  "sms.processing": { ...recipient, status: oneOf(["processing"]), processing_at: utcTimestamp },
  "sms.sent": { ...recipient, status: oneOf(["sent"]), sent_at: utcTimestamp },
  "sms.delivered": {
    ...recipient,
    status: oneOf(["delivered"]),
    delivered_at: utcTimestamp,
    segments: integerFrom(1),
  },
  "sms.failed": {
    recipient_phone: phone,
    carrier: orNull(string),
    dispatch_at: utcTimestamp,
    failed_at: utcTimestamp,
    status: oneOf(failedEventStatuses),
    error_code: oneOf(deliveryErrorCodes),
    reason: string,
  },
};

/** The first field that does not fit, by its path, and what it should have been. */
export interface Mismatch {
  ok: false;
  field: string;
  expected: string;
}

/** What {@link readWebhookEvent} found: the event, or the first field that does not fit. */
export type EventReading = { ok: true; event: WebhookEvent } | Mismatch;

function isEventType(value: unknown): value is WebhookEvent["event_type"] {
  return (webhookEventTypes as readonly unknown[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Picked = { ok: true; value: Record<string, unknown> } | Mismatch;

/** The shape's fields of `input`, in the shape's order, or the first one that fails. */
function pick(input: Record<string, unknown>, shape: Shape, prefix: string): Picked {
  const value: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(shape)) {
    if (!rule.accepts(input[name])) return { ok: false, field: `${prefix}${name}`, expected: rule.expected };
    value[name] = input[name];
  }
  return { ok: true, value };
}

/**
 * Reads a parsed JSON body as a webhook event, as `webhookEventSchema.safeParse` would: the event
 * with unknown fields dropped, or the first field that does not fit.
 */
export function readWebhookEvent(json: unknown): EventReading {
  if (!isRecord(json)) return { ok: false, field: "(body)", expected: "a JSON object" };
  const type = json.event_type;
  if (!isEventType(type)) {
    return { ok: false, field: "event_type", expected: `one of ${webhookEventTypes.join(", ")}` };
  }
  const head = pick(json, envelope, "");
  if (!head.ok) return head;
  if (!isRecord(json.data)) return { ok: false, field: "data", expected: "an object" };
  const data = pick(json.data, dataShapes[type], "data.");
  if (!data.ok) return data;
  return { ok: true, event: { ...head.value, event_type: type, data: data.value } as WebhookEvent };
}
