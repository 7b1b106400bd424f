// The checks every language's examples pass: each one run as a person would, its printed JSON held to
// the documented response shapes (DOCS §13–§17), and its webhook receiver fed a real send (§18–§20).
import { describe, expect, inject, it } from "vitest";
import { describeReceiver } from "./describe-receiver";
import { type Language, language } from "./languages";
import { printedJson, run } from "./processes";

// Message lifecycle (DOCS §9): the statuses GET /status may report.
const documentedStatuses = [
  "pending",
  "scheduled",
  "processing",
  "accepted",
  "enroute",
  "sent",
  "delivered",
  "partially_delivered",
  "delivery_unknown",
  "undelivered",
  "rejected",
  "expired",
  "failed",
  "unknown",
  "none",
];
const micros = (amount: unknown) => Math.round(Number(amount) * 1_000_000);

/** Defines the tests of one language; skipped with a reason when it cannot run, failed in CI. */
export function describeExamples(name: Language["name"]): void {
  const lang = language(name);
  if (lang.missing !== null) {
    if (process.env.CI && process.env.CI !== "false") {
      describe(`${name} examples`, () => {
        it("can run", () => {
          expect.fail(`${name}: ${lang.missing}; CI installs it (.ci/run)`);
        });
      });
    } else {
      console.warn(`[examples] ${name} skipped: ${lang.missing}`);
      describe.skip(`${name} examples (skipped: ${lang.missing})`, () => {
        it("can run", () => {});
      });
    }
    return;
  }

  describe(`${name} examples`, () => {
    const vars = () => ({ BASE_URL: inject("gateway").baseUrl, API_KEY: inject("gateway").apiKey });

    async function send(task: "send-sms" | "schedule-sms" | "recurring-sms") {
      const ran = await run(lang.example(task), vars());
      const body = printedJson(ran);
      expect(ran.code, ran.stderr).toBe(0);
      expect(body.status_code).toBe(201);
      expect(body.data.message_id).toMatch(/^[0-9a-f]{24}$/);
      expect(body.data.total_recipients).toBe(1);
      expect(body.data.currency).toMatch(/^[A-Z]{3}$/);
      return body.data;
    }

    it("send-sms: an instant send, pending", async () => {
      const data = await send("send-sms");
      expect(data).toMatchObject({ status: "pending", sending_type: "immediate", total_messages: 1 });
    });

    it("schedule-sms: accepted for tomorrow, scheduled", async () => {
      const data = await send("schedule-sms");
      expect(data).toMatchObject({ status: "scheduled", sending_type: "scheduled", total_messages: 1 });
    });

    it("recurring-sms: a weekly schedule from tomorrow, scheduled", async () => {
      const data = await send("recurring-sms");
      expect(data).toMatchObject({ status: "scheduled", sending_type: "recurring" });
      expect(data.total_messages).toBeGreaterThan(20); // one a week for six months
    });

    it("check-status: the documented keys, by argument and by MESSAGE_ID", async () => {
      const instant = await send("send-sms");
      const scheduled = await send("schedule-sms");
      const byArgument = await run(lang.example("check-status", [String(instant.message_id)]), vars());
      const byVariable = await run(lang.example("check-status"), {
        ...vars(),
        MESSAGE_ID: String(scheduled.message_id),
      });
      for (const [ran, id] of [
        [byArgument, instant.message_id],
        [byVariable, scheduled.message_id],
      ] as const) {
        const body = printedJson(ran);
        expect(ran.code, ran.stderr).toBe(0);
        expect(body.status_code).toBe(200);
        const { data } = body;
        expect(data.message_id).toBe(id);
        expect(documentedStatuses).toContain(data.status);
        for (const count of ["total_recipients", "delivered", "failed", "pending"]) {
          expect(Number.isInteger(data[count]), count).toBe(true);
        }
        for (const moment of ["created_at", "updated_at"]) {
          expect(Number.isNaN(Date.parse(String(data[moment]))), moment).toBe(false);
        }
      }
      expect(printedJson(byVariable).data.status).toBe("scheduled");
    });

    it("check-status: an unknown id prints the error envelope and exits non-zero", async () => {
      const ran = await run(lang.example("check-status", ["000000000000000000000000"]), vars());
      expect(ran.code).not.toBe(0);
      expect(printedJson(ran)).toMatchObject({ status_code: 404, error_code: "1201" });
    });

    it("check-balance: the documented keys, read with LISOLOO_API_KEY", async () => {
      const ran = await run(lang.example("check-balance"), {
        BASE_URL: inject("gateway").baseUrl,
        LISOLOO_API_KEY: inject("gateway").apiKey,
      });
      const body = printedJson(ran);
      expect(ran.code, ran.stderr).toBe(0);
      expect(body.status_code).toBe(200);
      const { data } = body;
      for (const amount of ["balance", "sms_wallet_balance", "postpaid_wallet_balance", "unit_price"]) {
        expect(typeof data[amount], amount).toBe("number");
      }
      expect(data.currency).toMatch(/^[A-Z]{3}$/);
      expect(Number.isInteger(data.available_sms)).toBe(true);
      // In micro-units, as the gateway counts: 0.1 + 0.2 must not decide a test.
      expect(micros(data.balance)).toBe(
        micros(data.sms_wallet_balance) + micros(data.postpaid_wallet_balance),
      );
      expect(data.available_sms).toBe(Math.floor(micros(data.balance) / micros(data.unit_price)));
    });

    describeReceiver(lang);
  });
}
