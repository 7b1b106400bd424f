/**
 * The public documentation as a test: every JSON example of docs/DOCS.md is either sent to the
 * gateway as the page sends it, or compared with the answer to the request the page documents. A
 * documented key that is missing, of another type or (where the example is exact) of another value
 * fails here. A new example in the pages fails the coverage test until it is given a meaning below.
 */
import { describe, expect, it } from "vitest";
import docsMarkdown from "../../../../docs/DOCS.md?raw";
import { api, newMerchant, waitFor } from "../helpers";
import { receiverEndpoint, waitForRequest } from "../webhooks/receiver";
import { type DocumentedExample, documentedExamples, inTheFuture } from "./documented-examples";
import { documentedDifferences, type Format, formats } from "./match-documented";

const examples = new Map(documentedExamples(docsMarkdown).map((e) => [e.id, e]));

function example(id: string): DocumentedExample {
  const found = examples.get(id);
  if (!found) throw new Error(`docs/DOCS.md has no example ${id}`);
  return found;
}

function json<T = Record<string, any>>(id: string): T {
  const found = example(id).json;
  if (found === undefined) throw new Error(`${id} is not JSON on its own`);
  return structuredClone(found) as T;
}

/** A fragment block (`"key": value, …`) as the object it is part of. */
function fragment(id: string): Record<string, any> {
  return JSON.parse(`{${example(id).text}}`);
}

function expectAsDocumented(id: string, actual: unknown, varying: Record<string, Format> = {}) {
  expect(documentedDifferences(json(id), actual, varying), `${id} (${example(id).title})`).toEqual([]);
}

const today = () => new Date().toISOString().slice(0, 10);

/** The merchant every page assumes: USD at 0.02 a segment, with the balance page's two wallets. */
function documentedMerchant() {
  return newMerchant({
    unit_price: 0.02,
    currency: "USD",
    wallets: { LISOLOO_SMS: 80, LISOLOO_POST_PAID: 20.5 },
  });
}

async function send(apiKey: string, body: unknown) {
  return api(apiKey, "POST", "/send", body);
}

/** A cURL example as curl sends it: its body, its headers (curl's own Content-Type when it names none). */
async function sendAsCurl(apiKey: string, id: string) {
  const { text, headers } = example(id);
  return api(apiKey, "POST", "/send", text, headers);
}

/** What each example means. Fragments that are not JSON on their own are named with a reason. */
const meaning: Record<string, string> = {
  "p1#1": "hero request, spaced number",
  "p1#2": "fragment: scheduled_dates",
  "p1#3": "fragment: recurring_schedule without end_date",
  "p1#4": "home page request",
  "p3#1": "quickstart request",
  "p3#5": "quickstart 201",
  "p4#1": "minimum viable request",
  "p4#2": "minimum viable 201",
  "p8#1": "immediate request",
  "p8#2": "scheduled request, 2 dates × 2 recipients",
  "p10#2": "200 characters to 50 recipients",
  "p11#1": "error envelope",
  "p12#1": "429 body",
  "p13#1": "one-recipient request",
  "p13#4": "three-recipient request",
  "p13#7": "three-recipient 201",
  "p13#9": "request with callback_url",
  "p14#1": "one scheduled moment",
  "p14#4": "four scheduled moments",
  "p15#1": "weekly recurrence",
  "p15#4": "three times a day for a month",
  "p15#5": "monthly anchoring on the 31st",
  "p16#5": "status of a delivered message",
  "p16#7": "404 of an unknown message",
  "p17#5": "balance",
  "p20#1": "fragment: the event envelope, checked on every event below",
  "p20#2": "sms.queued",
  "p20#3": "sms.processing",
  "p20#4": "sms.sent",
  "p20#5": "sms.delivered",
};

describe("the documentation's examples", () => {
  it("are all known here: a new example in the pages needs a meaning in this file", () => {
    expect([...examples.keys()].sort()).toEqual(Object.keys(meaning).sort());
  });

  it("quickstart and first SMS: the request answers the documented 201, key for key", async () => {
    const { apiKey } = await documentedMerchant();
    for (const [request, response] of [
      ["p3#1", "p3#5"],
      ["p4#1", "p4#2"],
    ] as const) {
      const res =
        example(request).source === "curl-body"
          ? await sendAsCurl(apiKey, request)
          : await send(apiKey, json(request));
      expect(res.status).toBe(201);
      expectAsDocumented(response, res.body, { "data.message_id": formats.messageId });
    }
  });

  it("instant sends: one and many recipients, the 201 of three, a callback_url", async () => {
    const { apiKey } = await documentedMerchant();
    for (const id of ["p1#1", "p1#4", "p8#1", "p13#1"]) {
      const res =
        example(id).source === "curl-body" ? await sendAsCurl(apiKey, id) : await send(apiKey, json(id));
      expect(res.status, id).toBe(201);
      expect(res.body.data).toMatchObject({
        status: "pending",
        sending_type: "immediate",
        total_recipients: 1,
      });
    }
    // Its callback_url names a real public host: priced through /preview (same validation, same
    // answer but the id and status), so no webhook ever leaves for it from a test.
    const withCallback = await api(apiKey, "POST", "/preview", json("p13#9"));
    expect(withCallback.status).toBe(200);
    expect(withCallback.body.data).toMatchObject({
      sending_type: "immediate",
      total_recipients: 1,
      total_cost: 0.02,
    });
    const many = await sendAsCurl(apiKey, "p13#4");
    expect(many.status).toBe(201);
    expectAsDocumented("p13#7", many.body, { "data.message_id": formats.messageId });
  });

  it("character limits: 200 characters to 50 recipients at 0.02 is 100 messages for 2.00", async () => {
    const { apiKey } = await documentedMerchant();
    const to = Array.from({ length: 50 }, (_, i) => `+2439988570${String(i).padStart(2, "0")}`);
    const res = await send(apiKey, { to, message: "a".repeat(200) });
    expect(res.status).toBe(201);
    expectAsDocumented("p10#2", res.body, { "data.message_id": formats.messageId });
  });

  it("scheduled sends: every date is a dispatch, billed up front; past moments are refused", async () => {
    const { apiKey } = await documentedMerchant();
    const cases = [
      ["p8#2", 4],
      ["p14#1", 1],
      ["p14#4", 4],
    ] as const;
    for (const [id, messages] of cases) {
      const { body } = inTheFuture(json(id), today());
      const res = await send(apiKey, body);
      expect(res.status, id).toBe(201);
      expect(res.body.data).toMatchObject({
        status: "scheduled",
        sending_type: "scheduled",
        total_messages: messages,
      });
    }
    const marketing = inTheFuture(
      { to: ["+243998857000"], message: "Hi", ...fragment("p1#2") },
      today(),
    ).body;
    expect((await send(apiKey, marketing)).status).toBe(201);

    // The pages' own dates (June 2026) are past by now: refused as the scheduling page says.
    const literal = json("p8#2");
    if (literal.scheduled_dates[0].date < today()) {
      const res = await send(apiKey, literal);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe("1103");
    }
  });

  it("recurring sends: weekly, three a day with end_date inclusive, monthly clamped to the month's end", async () => {
    const { apiKey } = await documentedMerchant();
    const weekly = await send(apiKey, inTheFuture(json("p15#1"), today()).body);
    expect(weekly.status).toBe(201);
    expect(weekly.body.data.status).toBe("scheduled");
    expect(weekly.body.data.total_messages).toBe(weekly.body.data.dispatches);

    // The page says "3 × 30 days = 90"; June has 30 days and end_date 07-01 is itself an occurrence
    // (CONTRACT §6: end_date is inclusive, as the monthly example shows), so 31 days: 93.
    const daily = await send(apiKey, inTheFuture(json("p15#4"), today()).body);
    expect(daily.status).toBe(201);
    expect(daily.body.data).toMatchObject({ total_messages: 93, dispatches: 93, total_cost: 1.86 });

    const { body: monthly, years } = inTheFuture(
      { to: ["+243998857000"], message: "Monthly", sending_type: "recurring", ...json("p15#5") },
      today(),
    );
    const res = await send(apiKey, monthly);
    expect(res.status).toBe(201);
    expect(res.body.data.dispatches).toBe(12);
    const page = await api(apiKey, "GET", `/status/${res.body.data.message_id}/recipients?limit=100`);
    const year = 2026 + years;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const lastDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // 09:00 in Kinshasa (UTC+1) is 08:00 UTC, on the same calendar day.
    expect(page.body.data.items.map((i: { dispatch_at: string }) => i.dispatch_at)).toEqual(
      lastDays.map((d, m) => `${year}-${String(m + 1).padStart(2, "0")}-${d}T08:00:00Z`),
    );
  });

  it("the home page's recurring fragment has no end_date: refused, naming the field", async () => {
    const { apiKey } = await documentedMerchant();
    const res = await send(apiKey, { to: ["+243998857000"], message: "Hi", ...fragment("p1#3") });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "recurring_schedule.end_date" })]),
    );
  });

  it("check status: a delivered one-recipient message answers the documented body", async () => {
    const { apiKey } = await documentedMerchant();
    const sent = await send(apiKey, json("p3#1"));
    const id = sent.body.data.message_id;
    const status = await waitFor(
      () => api(apiKey, "GET", `/status/${id}`),
      (r) => r.body.data.status === "delivered",
    );
    expect(status.status).toBe(200);
    expectAsDocumented("p16#5", status.body, {
      "data.message_id": (v) => v === id,
      "data.created_at": formats.utcTimestamp,
      "data.updated_at": formats.utcTimestamp,
    });
    expect(status.body.data.updated_at >= status.body.data.created_at).toBe(true);

    const missing = await api(apiKey, "GET", "/status/507f1f77bcf86cd799439011");
    expect(missing.status).toBe(404);
    expectAsDocumented("p16#7", missing.body);
  });

  it("check balance: the two wallets, their sum, the unit price and available_sms, exactly", async () => {
    const { apiKey } = await documentedMerchant();
    const res = await api(apiKey, "GET", "/balance");
    expect(res.status).toBe(200);
    expectAsDocumented("p17#5", res.body);
  });

  it("errors: the envelope, every key of it", async () => {
    const { apiKey } = await documentedMerchant();
    const res = await send(apiKey, { to: ["243-99-BAD"], message: "Hi" });
    expect(res.status).toBe(400);
    expectAsDocumented("p11#1", res.body, {
      // The example pairs 1101 with an INVALID_PHONE_NUMBER detail; the page on the first SMS says a
      // number failing the regex is 1104, which is what the gateway answers (CONTRACT §3).
      error_code: (v) => v === "1104",
      message: formats.string,
      "details.0.message": formats.string,
      timestamp: formats.utcTimestamp,
      request_id: formats.string,
    });
  });

  it("rate limits: the 429 body and its Retry-After header", async () => {
    const { apiKey } = await documentedMerchant();
    let limited: { status: number; body: Record<string, any>; headers: Headers } | undefined;
    // 30 a minute on /balance; a window boundary crossed on the way only delays the 429.
    for (let i = 0; i < 100 && !limited; i++) {
      const res = await api(apiKey, "GET", "/balance");
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expectAsDocumented("p12#1", limited?.body, { retry_after: formats.positiveInteger });
    expect(limited?.headers.get("Retry-After")).toBe(String(limited?.body.retry_after));
  });

  it("webhooks: sms.queued, sms.processing, sms.sent and sms.delivered as the event pages show them", async () => {
    const { apiKey } = await documentedMerchant();
    const endpoint = receiverEndpoint();
    const sent = await send(apiKey, {
      ...json<Record<string, unknown>>("p13#4"),
      callback_url: endpoint.url,
    });
    expect(sent.status).toBe(201);
    const id = sent.body.data.message_id;
    const received = await waitForRequest(endpoint.path, (r) => r.length >= 10, 60_000);
    const events = received.map((r) => JSON.parse(r.body) as Record<string, any>);
    const envelope = {
      event_id: formats.uuidV4,
      timestamp: formats.utcTimestamp,
      message_id: (v: unknown) => v === id,
      "data.carrier": formats.string, // "informational only, not part of the stable API"
      "data.sent_at": formats.utcTimestamp,
      "data.delivered_at": formats.utcTimestamp,
    };
    for (const [docId, type] of [
      ["p20#2", "sms.queued"],
      ["p20#3", "sms.processing"],
      ["p20#4", "sms.sent"],
      ["p20#5", "sms.delivered"],
    ] as const) {
      const event = events.find(
        (e) => e.event_type === type && (type === "sms.queued" || e.data.recipient_phone === "+243998857000"),
      );
      expect(event, type).toBeDefined();
      expectAsDocumented(docId, event, envelope);
      // The envelope fragment: every event has these five keys.
      expect(Object.keys(event ?? {})).toEqual(
        expect.arrayContaining(["event_id", "event_type", "timestamp", "message_id", "data"]),
      );
    }
  });
});
