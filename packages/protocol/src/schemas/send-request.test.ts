import { describe, expect, it } from "vitest";
import type { ScheduleRequest } from "../schedule/types.js";
import { parseSendRequest, sendRequestSchema } from "./send-request.js";

const base = { to: ["+243998857000"], message: "Bonjour" };
const emoji = "😀";
const inAWeek = { date: "2026-06-01", time: "08:00" };
const weekly = { end_date: "2026-12-31", frequency: "weekly", times: ["08:00"] };

type Finding = [field: string, code: string];

function findingsOf(input: unknown, options?: Parameters<typeof parseSendRequest>[1]) {
  const result = parseSendRequest(input, options);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return {
    error_code: result.error.error_code,
    message: result.error.message,
    findings: result.error.details?.map((d): Finding => [d.field, d.code]) ?? null,
  };
}

describe("parseSendRequest accepts", () => {
  it("the documented minimal body, with defaults applied", () => {
    expect(parseSendRequest(base)).toEqual({
      success: true,
      data: {
        to: ["+243998857000"],
        message: "Bonjour",
        sending_type: "immediate",
        validity_period: 172_800,
        transliterate: false,
        duplicates_removed: 0,
      },
    });
  });

  it.each([
    ["+243 998 857 000", "+243998857000"],
    ["243998857000", "+243998857000"],
    ["(243) 998-857.000", "+243998857000"],
    ["+1 (555) 010-9999", "+15550109999"],
    ["\u00a0+243\u202f998\u202f857\u202f000", "+243998857000"],
    ["1", "+1"],
    ["123456789012345", "+123456789012345"],
  ])("phone %j as %s", (raw, stored) => {
    const result = parseSendRequest({ ...base, to: [raw] });
    expect(result.success && result.data.to).toEqual([stored]);
  });

  it("and removes duplicates after normalisation, keeping the first appearance, counting the rest", () => {
    const result = parseSendRequest({
      ...base,
      to: [
        "+243 998 857 000",
        "+243812345678",
        "243998857000",
        "(243) 998-857-000",
        "+243812345678",
        "+15550109999",
      ],
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.to).toEqual(["+243998857000", "+243812345678", "+15550109999"]);
    expect(result.data.duplicates_removed).toBe(3);
  });

  it("a callback_url of exactly 2048 characters", () => {
    const callback_url = `https://hooks.example.com/${"x".repeat(2048 - 26)}`;
    expect(callback_url).toHaveLength(2048);
    expect(parseSendRequest({ ...base, callback_url }).success).toBe(true);
  });

  it("a message of 1600 emoji (1600 code points, 3200 UTF-16 units)", () => {
    const message = emoji.repeat(1600);
    expect(message.length).toBe(3200);
    expect(parseSendRequest({ ...base, message }).success).toBe(true);
  });

  it("exactly 1000 recipients", () => {
    const to = Array.from({ length: 1000 }, (_, i) => `+243990${String(i).padStart(6, "0")}`);
    const result = parseSendRequest({ ...base, to });
    expect(result.success && result.data.to.length).toBe(1000);
  });

  it.each(["LISOLOO", "My Shop 24", "A", "24 7 Pharma", "+243998857000", "12345", "123456789012345"])(
    "sender_id %j",
    (sender_id) => {
      expect(parseSendRequest({ ...base, sender_id }).success).toBe(true);
    },
  );

  it("a scheduled send, keeping its dates as given", () => {
    const scheduled_dates = [inAWeek, { date: "2028-02-29", time: "23:59" }, inAWeek];
    const result = parseSendRequest({ ...base, sending_type: "scheduled", scheduled_dates });
    expect(result.success && result.data.scheduled_dates).toEqual(scheduled_dates);
  });

  it("a recurring send, with interval defaulting to 1", () => {
    const result = parseSendRequest({
      ...base,
      sending_type: "recurring",
      recurring_schedule: { ...weekly, start_date: "2026-06-01", days_of_week: ["mon", "thu"] },
      callback_url: "https://hooks.example.com/sms",
      validity_period: 60,
      transliterate: true,
    });
    expect(result.success && result.data.recurring_schedule).toEqual({
      ...weekly,
      start_date: "2026-06-01",
      days_of_week: ["mon", "thu"],
      interval: 1,
    });
  });

  it("a recurring schedule whose start and end are the same day", () => {
    const recurring_schedule = { ...weekly, start_date: "2026-12-31", frequency: "daily" };
    expect(parseSendRequest({ ...base, sending_type: "recurring", recurring_schedule }).success).toBe(true);
  });
});

describe("parseSendRequest rejects", () => {
  const many = Array.from({ length: 1001 }, (_, i) => `+243990${String(i).padStart(6, "0")}`);
  const rows: { id: string; body: unknown; code: string; findings: Finding[] | null }[] = [
    // 1106: not an object
    { id: "a null body", body: null, code: "1106", findings: null },
    { id: "an array body", body: [base], code: "1106", findings: null },
    { id: "a string body", body: "to=+243998857000", code: "1106", findings: null },
    // 1109: absent
    {
      id: "an empty object",
      body: {},
      code: "1109",
      findings: [
        ["to", "MISSING_REQUIRED_FIELD"],
        ["message", "MISSING_REQUIRED_FIELD"],
      ],
    },
    {
      id: "a missing message",
      body: { to: base.to },
      code: "1109",
      findings: [["message", "MISSING_REQUIRED_FIELD"]],
    },
    {
      id: "scheduled without scheduled_dates",
      body: { ...base, sending_type: "scheduled" },
      code: "1109",
      findings: [["scheduled_dates", "MISSING_REQUIRED_FIELD"]],
    },
    {
      id: "recurring without recurring_schedule",
      body: { ...base, sending_type: "recurring" },
      code: "1109",
      findings: [["recurring_schedule", "MISSING_REQUIRED_FIELD"]],
    },
    {
      id: "a recurring schedule without end_date",
      body: {
        ...base,
        sending_type: "recurring",
        recurring_schedule: { frequency: "daily", times: ["08:00"] },
      },
      code: "1109",
      findings: [["recurring_schedule.end_date", "MISSING_REQUIRED_FIELD"]],
    },
    {
      id: "a scheduled date without time",
      body: { ...base, sending_type: "scheduled", scheduled_dates: [inAWeek, { date: "2026-06-02" }] },
      code: "1109",
      findings: [["scheduled_dates[1].time", "MISSING_REQUIRED_FIELD"]],
    },
    // 1203: too many
    {
      id: "1001 recipients",
      body: { ...base, to: many },
      code: "1203",
      findings: [["to", "RECIPIENT_LIMIT_EXCEEDED"]],
    },
    // 1101: to present but unusable
    { id: "an empty to", body: { ...base, to: [] }, code: "1101", findings: [["to", "INVALID_RECIPIENTS"]] },
    {
      id: "to as a string",
      body: { ...base, to: "+243998857000" },
      code: "1101",
      findings: [["to", "INVALID_RECIPIENTS"]],
    },
    { id: "to as null", body: { ...base, to: null }, code: "1101", findings: [["to", "INVALID_RECIPIENTS"]] },
    // 1104: bad entries, every index named
    {
      id: "bad phone numbers",
      body: {
        ...base,
        to: ["+243998857000", "12ab", "+1234567890123456", 243, "", "++243", "+243998857000"],
      },
      code: "1104",
      findings: [
        ["to[1]", "INVALID_PHONE_NUMBER"],
        ["to[2]", "INVALID_PHONE_NUMBER"],
        ["to[3]", "INVALID_PHONE_NUMBER"],
        ["to[4]", "INVALID_PHONE_NUMBER"],
        ["to[5]", "INVALID_PHONE_NUMBER"],
      ],
    },
    // 1102
    ...["MY COMPANY LTD", "   ", "ABC_1", "+1234567890123456", "", "Société"].map((sender_id) => ({
      id: `sender_id ${JSON.stringify(sender_id)}`,
      body: { ...base, sender_id },
      code: "1102",
      findings: [["sender_id", "INVALID_SENDER_ID"]] as Finding[],
    })),
    {
      id: "a numeric sender_id",
      body: { ...base, sender_id: 42 },
      code: "1102",
      findings: [["sender_id", "INVALID_SENDER_ID"]],
    },
    // 1103: schedule shape and calendar
    ...[
      ["an impossible date", [{ date: "2026-02-30", time: "08:00" }], "scheduled_dates[0].date"],
      ["Feb 29 in a common year", [{ date: "2027-02-29", time: "08:00" }], "scheduled_dates[0].date"],
      ["a non-ISO date", [{ date: "01/06/2026", time: "08:00" }], "scheduled_dates[0].date"],
      ["24:00", [{ date: "2026-06-01", time: "24:00" }], "scheduled_dates[0].time"],
      ["a time with seconds", [{ date: "2026-06-01", time: "08:00:00" }], "scheduled_dates[0].time"],
      ["no dates", [], "scheduled_dates"],
      ["21 dates", Array.from({ length: 21 }, () => inAWeek), "scheduled_dates"],
    ].map(([what, scheduled_dates, field]) => ({
      id: `scheduled_dates with ${what}`,
      body: { ...base, sending_type: "scheduled", scheduled_dates },
      code: "1103",
      findings: [[field, "INVALID_SCHEDULE"]] as Finding[],
    })),
    ...[
      ["end before start", { ...weekly, start_date: "2027-01-01" }, "recurring_schedule.end_date"],
      ["an hourly frequency", { ...weekly, frequency: "hourly" }, "recurring_schedule.frequency"],
      ["interval 0", { ...weekly, interval: 0 }, "recurring_schedule.interval"],
      ["duplicate times", { ...weekly, times: ["08:00", "08:00"] }, "recurring_schedule.times"],
      ["no times", { ...weekly, times: [] }, "recurring_schedule.times"],
      [
        "25 times",
        { ...weekly, times: Array.from({ length: 25 }, (_, h) => `${h % 24}:00`) },
        "recurring_schedule.times",
      ],
      ["a bad time", { ...weekly, times: ["08:00", "8h"] }, "recurring_schedule.times[1]"],
      ["a bad weekday", { ...weekly, days_of_week: ["mon", "monday"] }, "recurring_schedule.days_of_week[1]"],
      [
        "days_of_week with daily",
        { ...weekly, frequency: "daily", days_of_week: ["mon"] },
        "recurring_schedule.days_of_week",
      ],
      ["an impossible end date", { ...weekly, end_date: "2026-04-31" }, "recurring_schedule.end_date"],
    ].map(([what, recurring_schedule, field]) => ({
      id: `recurring_schedule with ${what}`,
      body: { ...base, sending_type: "recurring", recurring_schedule },
      code: "1103",
      findings: [[field, "INVALID_SCHEDULE"]] as Finding[],
    })),
    // 1105
    ...["not a url", "ftp://example.com/x", "/relative/path", "https://"].map((callback_url) => ({
      id: `callback_url ${JSON.stringify(callback_url)}`,
      body: { ...base, callback_url },
      code: "1105",
      findings: [["callback_url", "INVALID_CALLBACK_URL"]] as Finding[],
    })),
    {
      id: "a callback_url of 2049 characters",
      body: { ...base, callback_url: `https://hooks.example.com/${"x".repeat(2049 - 26)}` },
      code: "1105",
      findings: [["callback_url", "INVALID_CALLBACK_URL"]],
    },
    // 1110: ill-formed UTF-16 in any string, reported once, whatever the field's own rules
    ...[
      ["a message", { message: "a\ud800b" }, "message"],
      ["a message ending on a high surrogate", { message: "ok\ud83d" }, "message"],
      ["a message starting on a low surrogate", { message: "\ude00ok" }, "message"],
      ["a sender_id", { sender_id: "SHOP\udfff" }, "sender_id"],
      ["a callback_url", { callback_url: "https://hooks.example.com/\ud800" }, "callback_url"],
      ["a phone number", { to: ["+243998857000", "+243\ud800998857001"] }, "to[1]"],
    ].map(([what, fields, field]) => ({
      id: `a lone surrogate in ${what}`,
      body: { ...base, ...(fields as object) },
      code: "1110",
      findings: [[field, "INVALID_FIELD_FORMAT"]] as Finding[],
    })),
    // 1110: everything else
    {
      id: "a message of 1601 emoji",
      body: { ...base, message: emoji.repeat(1601) },
      code: "1110",
      findings: [["message", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "an empty message",
      body: { ...base, message: "" },
      code: "1110",
      findings: [["message", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "a numeric message",
      body: { ...base, message: 5 },
      code: "1110",
      findings: [["message", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "an unknown field",
      body: { ...base, recipients: base.to },
      code: "1110",
      findings: [["recipients", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "scheduled_dates with immediate",
      body: { ...base, scheduled_dates: [inAWeek] },
      code: "1110",
      findings: [["scheduled_dates", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "recurring_schedule with scheduled",
      body: { ...base, sending_type: "scheduled", scheduled_dates: [inAWeek], recurring_schedule: weekly },
      code: "1110",
      findings: [["recurring_schedule", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "an unknown sending_type",
      body: { ...base, sending_type: "later" },
      code: "1110",
      findings: [["sending_type", "INVALID_FIELD_FORMAT"]],
    },
    ...[59, 259_201, 600.5, "600"].map((validity_period) => ({
      id: `validity_period ${JSON.stringify(validity_period)}`,
      body: { ...base, validity_period },
      code: "1110",
      findings: [["validity_period", "INVALID_FIELD_FORMAT"]] as Finding[],
    })),
    {
      id: "a string transliterate",
      body: { ...base, transliterate: "yes" },
      code: "1110",
      findings: [["transliterate", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "scheduled_dates that is not an array",
      body: { ...base, sending_type: "scheduled", scheduled_dates: "2026-06-01 08:00" },
      code: "1110",
      findings: [["scheduled_dates", "INVALID_FIELD_FORMAT"]],
    },
    {
      id: "an unknown key inside recurring_schedule",
      body: { ...base, sending_type: "recurring", recurring_schedule: { ...weekly, every: 2 } },
      code: "1110",
      findings: [["recurring_schedule.every", "INVALID_FIELD_FORMAT"]],
    },
  ];

  it.each(rows)("$id → $code", ({ body, code, findings }) => {
    const error = findingsOf(body);
    expect(error.error_code).toBe(code);
    expect(error.findings).toEqual(findings);
  });

  it("gives the catalogue message of the top code", () => {
    expect(findingsOf({ ...base, to: ["x"] }).message).toBe("Invalid phone number");
    expect(findingsOf(42).message).toBe("Request body must be a JSON object");
  });

  it("shows the contract's wording for a bad phone number", () => {
    const result = parseSendRequest({ ...base, to: ["+243998857000", "a", "b", "12ab"] });
    expect(result.success || result.error.details?.[2]).toEqual({
      field: "to[3]",
      message: "Must match ^\\+?\\d{1,15}$",
      code: "INVALID_PHONE_NUMBER",
    });
  });

  it("reports every mistake of a body that has many, under the highest-priority code", () => {
    const error = findingsOf({
      to: ["+243998857000", "nope"],
      sender_id: "WAY TOO LONG SENDER",
      sending_type: "scheduled",
      scheduled_dates: [{ date: "2026-02-30", time: "08:00" }],
      recurring_schedule: weekly,
      callback_url: "nope",
      validity_period: 10,
      recipients: [],
    });
    expect(error.error_code).toBe("1109");
    expect(error.findings).toEqual(
      expect.arrayContaining([
        ["message", "MISSING_REQUIRED_FIELD"],
        ["to[1]", "INVALID_PHONE_NUMBER"],
        ["sender_id", "INVALID_SENDER_ID"],
        ["scheduled_dates[0].date", "INVALID_SCHEDULE"],
        ["recurring_schedule", "INVALID_FIELD_FORMAT"],
        ["callback_url", "INVALID_CALLBACK_URL"],
        ["validity_period", "INVALID_FIELD_FORMAT"],
        ["recipients", "INVALID_FIELD_FORMAT"],
      ]),
    );
    expect(error.findings).toHaveLength(8);
  });

  it("answers 1203 for too many recipients without inspecting each entry, other fields still checked", () => {
    const error = findingsOf({ ...base, to: [...many.slice(1), "x"], sender_id: "" });
    expect(error.error_code).toBe("1203");
    expect(error.findings).toEqual([
      ["to", "RECIPIENT_LIMIT_EXCEEDED"],
      ["sender_id", "INVALID_SENDER_ID"],
    ]);
  });
});

describe("parseSendRequest with a callback guard", () => {
  const httpsOnly = (url: string) => (url.startsWith("https://") ? null : "Must use https");

  it("reports a refused URL and a bad phone number together", () => {
    const error = findingsOf(
      { ...base, to: ["12ab"], callback_url: "http://10.0.0.1/hook" },
      { checkCallbackUrl: httpsOnly },
    );
    expect(error.error_code).toBe("1104");
    expect(error.findings).toEqual([
      ["to[0]", "INVALID_PHONE_NUMBER"],
      ["callback_url", "INVALID_CALLBACK_URL"],
    ]);
  });

  it("uses the guard's message", () => {
    const result = parseSendRequest(
      { ...base, callback_url: "http://example.com" },
      { checkCallbackUrl: httpsOnly },
    );
    expect(result.success || result.error).toEqual({
      error_code: "1105",
      message: "Invalid callback URL",
      details: [{ field: "callback_url", message: "Must use https", code: "INVALID_CALLBACK_URL" }],
    });
  });

  it("reports a malformed URL once, without asking the guard", () => {
    const seen: string[] = [];
    const guard = (url: string) => {
      seen.push(url);
      return "refused";
    };
    const error = findingsOf({ ...base, callback_url: "not a url" }, { checkCallbackUrl: guard });
    expect(error.findings).toEqual([["callback_url", "INVALID_CALLBACK_URL"]]);
    expect(seen).toEqual([]);
  });

  it("accepts what the guard accepts", () => {
    const result = parseSendRequest(
      { ...base, callback_url: "https://example.com/h" },
      { checkCallbackUrl: httpsOnly },
    );
    expect(result.success && result.data.callback_url).toBe("https://example.com/h");
  });
});

describe("sendRequestSchema", () => {
  it("yields schedule fields the schedule module takes as they are", () => {
    const parsed = sendRequestSchema.parse({
      ...base,
      sending_type: "recurring",
      recurring_schedule: weekly,
    });
    const request: ScheduleRequest = parsed;
    expect(request.recurring_schedule).toEqual({ ...weekly, interval: 1 });
  });

  it("can be used directly and yields the same normalized data", () => {
    const body = { ...base, to: ["+243 998 857 000", "243998857000"] };
    const parsed = sendRequestSchema.parse(body);
    expect(parsed.to).toEqual(["+243998857000"]);
    expect(parsed.duplicates_removed).toBe(1);
    const viaParse = parseSendRequest(body);
    expect(viaParse.success && viaParse.data).toEqual(parsed);
  });
});
