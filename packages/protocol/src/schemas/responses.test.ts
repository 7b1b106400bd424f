import { describe, expect, it } from "vitest";
import { balanceResponseSchema, healthResponseSchema } from "./account-responses.js";
import { cancelResponseSchema, resumeResponseSchema } from "./control-responses.js";
import { errorEnvelopeSchema, successEnvelopeSchema } from "./envelopes.js";
import { previewDataSchema, sendDataSchema, sendResponseSchema } from "./send-response.js";
import { recipientsPageSchema, statusResponseSchema } from "./status-response.js";

const documentedSend = {
  status_code: 201,
  success: true,
  data: {
    message_id: "507f1f77bcf86cd799439011",
    total_recipients: 3,
    total_messages: 3,
    total_cost: 0.06,
    currency: "USD",
    status: "pending",
    sending_type: "immediate",
    segments: 1,
    encoding: "GSM-7",
    dispatches: 1,
    unit_price: 0.02,
    scheduled_at: null,
    duplicates_removed: 0,
  },
};

describe("success envelopes", () => {
  it("read the documented 201 of POST /send", () => {
    expect(sendResponseSchema.parse(documentedSend)).toEqual(documentedSend);
  });

  it("keep parsing when the server adds fields", () => {
    const later = { ...documentedSend, data: { ...documentedSend.data, new_field: 1 } };
    expect(sendResponseSchema.safeParse(later).success).toBe(true);
  });

  it("carry what transliteration changed", () => {
    const transliterated = { replacements: [{ from: "ç", to: "c", count: 2 }], unmapped: [] };
    const data = sendDataSchema.parse({ ...documentedSend.data, transliterated });
    expect(data.transliterated).toEqual(transliterated);
  });

  it.each([
    ["an uppercase message_id", { message_id: "507F1F77BCF86CD799439011" }],
    ["a short message_id", { message_id: "507f1f77" }],
    ["an unknown status", { status: "sent" }],
    ["an unknown encoding", { encoding: "UTF-8" }],
    ["a scheduled_at without offset", { scheduled_at: "2026-06-01T08:00:00" }],
    ["a lowercase currency", { currency: "usd" }],
  ])("refuse %s", (_what, change) => {
    expect(
      sendResponseSchema.safeParse({ ...documentedSend, data: { ...documentedSend.data, ...change } })
        .success,
    ).toBe(false);
  });

  it("pin the status code when given one", () => {
    expect(sendResponseSchema.safeParse({ ...documentedSend, status_code: 200 }).success).toBe(false);
    expect(
      successEnvelopeSchema(sendDataSchema).safeParse({ ...documentedSend, status_code: 200 }).success,
    ).toBe(true);
    expect(
      successEnvelopeSchema(sendDataSchema).safeParse({ ...documentedSend, status_code: 404 }).success,
    ).toBe(false);
  });

  it("describe a preview as a send without id and status", () => {
    const { message_id: _id, status: _status, ...preview } = documentedSend.data;
    expect(previewDataSchema.parse(preview)).toEqual(preview);
    expect(Object.keys(previewDataSchema.shape)).not.toContain("message_id");
  });

  it("read status, recipients, balance, cancel, resume and health bodies", () => {
    const status = {
      status_code: 200,
      success: true,
      data: {
        message_id: "507f1f77bcf86cd799439011",
        status: "scheduled",
        delivered: 0,
        failed: 0,
        pending: 4,
        total_deliveries: 4,
        cancelled: 0,
        total_recipients: 2,
        segments: 1,
        sending_type: "scheduled",
        next_dispatch_at: "2026-06-01T07:00:00Z",
        created_at: "2026-05-27T10:15:00Z",
        updated_at: "2026-05-27T10:15:00Z",
      },
    };
    expect(statusResponseSchema.parse(status)).toEqual(status);

    const page = {
      message_id: "507f1f77bcf86cd799439011",
      items: [
        {
          phone: "+999000000001",
          dispatch_at: "2026-05-27T10:15:00Z",
          status: "undelivered",
          carrier: "sandbox",
          error_code: "1504",
          reason: "Undeliverable",
          sent_at: "2026-05-27T10:15:01Z",
          delivered_at: null,
          failed_at: "2026-05-27T10:15:02Z",
          updated_at: "2026-05-27T10:15:02Z",
        },
      ],
      next_cursor: null,
    };
    expect(recipientsPageSchema.parse(page)).toEqual(page);
    expect(
      recipientsPageSchema.safeParse({ ...page, items: [{ ...page.items[0], error_code: "1104" }] }).success,
    ).toBe(false);

    const balance = {
      status_code: 200,
      success: true,
      data: {
        balance: 5,
        sms_wallet_balance: 0,
        postpaid_wallet_balance: 5,
        currency: "CDF",
        unit_price: 0.01,
        available_sms: 500,
      },
    };
    expect(balanceResponseSchema.parse(balance)).toEqual(balance);
    const { available_sms: _, ...withoutAvailable } = balance.data;
    expect(balanceResponseSchema.safeParse({ ...balance, data: withoutAvailable }).success).toBe(false);
    expect(
      balanceResponseSchema.safeParse({ ...balance, data: { ...balance.data, balance: -1 } }).success,
    ).toBe(false);

    const cancel = {
      status_code: 200,
      success: true,
      data: {
        message_id: "507f1f77bcf86cd799439011",
        status: "cancelled",
        cancelled_deliveries: 4,
        refunded_amount: 0.08,
        currency: "USD",
      },
    };
    expect(cancelResponseSchema.parse(cancel)).toEqual(cancel);

    const resume = {
      status_code: 200,
      success: true,
      data: {
        message_id: "507f1f77bcf86cd799439011",
        status: "scheduled",
        skipped: 2,
        refunded_amount: 0.04,
        currency: "USD",
        next_dispatch_at: null,
      },
    };
    expect(resumeResponseSchema.parse(resume)).toEqual(resume);

    expect(
      healthResponseSchema.parse({ status: "ok", environment: "production", version: "1.2.3" }),
    ).toBeTruthy();
    expect(
      healthResponseSchema.safeParse({ status: "ok", environment: "staging", version: "1.2.3" }).success,
    ).toBe(false);
  });
});

describe("errorEnvelopeSchema", () => {
  const documented = {
    success: false,
    status_code: 400,
    error_code: "1104",
    message: "Invalid phone number",
    detail: "Invalid phone number",
    details: [{ field: "to[3]", message: "Must match ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" }],
    timestamp: "2026-05-27T10:15:00Z",
    request_id: "req_8f3a4c2e9b1d7a6f",
    retryable: false,
    retry_after: null,
  };

  it("reads the documented error", () => {
    expect(errorEnvelopeSchema.parse(documented)).toEqual(documented);
  });

  it("reads a rate-limit error without details", () => {
    const limited = {
      ...documented,
      status_code: 429,
      error_code: "1301",
      details: null,
      retryable: true,
      retry_after: 17,
    };
    expect(errorEnvelopeSchema.parse(limited)).toEqual(limited);
  });

  it.each([
    ["a success flag", { success: true }],
    ["a 2xx status", { status_code: 200 }],
    ["a missing detail", { detail: undefined }],
    ["a non-numeric code", { error_code: "E1104" }],
    ["a missing request_id", { request_id: undefined }],
    ["a negative retry_after", { retry_after: -1 }],
  ])("refuses %s", (_what, change) => {
    expect(errorEnvelopeSchema.safeParse({ ...documented, ...change }).success).toBe(false);
  });
});
