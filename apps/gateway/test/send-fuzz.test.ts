import {
  countSegments,
  type ErrorEnvelope,
  errorByCode,
  errorEnvelopeSchema,
  httpStatusOf,
  type ParseSendRequestResult,
  parseSendRequest,
  previewResponseSchema,
  sendResponseSchema,
} from "@lisoloo/protocol";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeUtf8 } from "../src/http/utf8";
import { checkWebhookUrl } from "../src/network/ssrf-guard";
import { type FuzzBody, sendBody } from "./fuzz/send-bodies";
import { BASE, call, newMerchant, rows } from "./helpers";

/**
 * `/send` bodies by the thousand, through the real app, judged against the protocol's own validator
 * (`parseSendRequest`, with the gateway's callback guard): what it refuses the API refuses with the
 * same code and the same named findings; what it accepts the API prices, or refuses only for a rule
 * that needs the clock (1103) or money (1202); nothing is ever a 5xx; a refused body writes nothing.
 *
 * Each body goes to `/preview` of a funded merchant and to `/send` of a merchant whose wallet cannot
 * pay one SMS, so the whole accept path (the D1 batch and its wallet CHECK included) runs without
 * ever starting a delivery; a body the protocol refuses also goes to `/send` of a funded merchant,
 * which must end with no send and its wallet as it was. A smaller run sends valid bodies for real.
 */

const SEED = 20_260_527;
const RUNS = 2_500;
const ACCEPTED_RUNS = 60;
const LIMITS = { send: 1_000_000, status: 1_000_000, balance: 1_000_000, preview: 1_000_000 };
/** Codes whose findings the contract names in `details`. */
const NAMED_FINDINGS = new Set(["1101", "1102", "1103", "1104", "1105", "1106", "1109", "1110", "1203"]);

// The test deployment allows http://localhost callbacks (vitest.config.ts), so the oracle does too.
const checkCallbackUrl = (url: string) => checkWebhookUrl(url, { allowHttpLocalhost: true });

type Answer = { status: number; body: unknown; raw: string };

function bytesOf(body: FuzzBody): Uint8Array {
  return body.kind === "raw" ? body.bytes : new TextEncoder().encode(JSON.stringify(body.value));
}

async function post(apiKey: string, path: string, bytes: Uint8Array): Promise<Answer> {
  const res = await call(`${BASE}${path}`, {
    method: "POST",
    headers: { "app-key": apiKey, "content-type": "application/json" },
    body: bytes,
  });
  const raw = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(raw);
  } catch {
    // Asserted below: every answer is JSON.
  }
  return { status: res.status, body, raw };
}

/** What the protocol says of the bytes, as the gateway would read them; null when they are no JSON object. */
function oracle(bytes: Uint8Array): ParseSendRequestResult | null {
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    value = text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return parseSendRequest(value, { checkCallbackUrl });
}

/** The invariants of every error answer. */
function checkEnvelope(answer: Answer): ErrorEnvelope {
  const envelope = errorEnvelopeSchema.parse(answer.body);
  expect(envelope.status_code).toBe(answer.status);
  expect(httpStatusOf(errorByCode(envelope.error_code as "1001").code)).toBe(answer.status);
  expect(envelope.detail).toBe(envelope.message);
  if (NAMED_FINDINGS.has(envelope.error_code)) expect(envelope.details?.length ?? 0).toBeGreaterThan(0);
  return envelope;
}

/** The answer agrees with the oracle's refusal: same code, same findings, in the same order. */
function checkRefusal(answer: Answer, expected: ParseSendRequestResult | null): void {
  expect(answer.status).toBe(400);
  const envelope = checkEnvelope(answer);
  if (expected === null) {
    expect(envelope.error_code).toBe("1106");
    return;
  }
  if (expected.success) throw new Error("checkRefusal needs a refusal");
  expect(envelope.error_code).toBe(expected.error.error_code);
  expect(envelope.details).toEqual(expected.error.details);
}

/** A body the protocol accepts: priced, or refused only for a rule beyond the schema. */
function checkAcceptable(answer: Answer, allowed: readonly string[]): ErrorEnvelope | null {
  if (answer.status < 300) return null;
  const envelope = checkEnvelope(answer);
  expect(allowed).toContain(envelope.error_code);
  return envelope;
}

function describeBody(body: FuzzBody): string {
  const text = body.kind === "raw" ? body.label : JSON.stringify(body.value);
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text;
}

let funded: { apiKey: string; merchantId: string };
let payer: { apiKey: string; merchantId: string };
let broke: { apiKey: string; merchantId: string };
const BROKE_MICROS = 10_000; // half an SMS at 0.02
const PAYER_MICROS = 1_000_000_000;

beforeAll(async () => {
  funded = await newMerchant({ rate_limits: LIMITS, wallets: { LISOLOO_SMS: 1_000_000 } });
  payer = await newMerchant({ rate_limits: LIMITS, wallets: { LISOLOO_SMS: PAYER_MICROS / 1e6 } });
  broke = await newMerchant({ rate_limits: LIMITS, wallets: { LISOLOO_SMS: BROKE_MICROS / 1e6 } });
});

describe("fuzzing /send bodies", () => {
  it(`${RUNS} bodies: never a 5xx, the protocol's verdict, nothing written for a refusal (seed ${SEED})`, async () => {
    const tally = { priced: 0, refused: 0, beyondSchema: 0, notJson: 0 };
    await fc.assert(
      fc.asyncProperty(sendBody, async (body) => {
        const bytes = bytesOf(body);
        const expected = oracle(bytes);
        const [preview, send] = await Promise.all([
          post(funded.apiKey, "/preview", bytes),
          post(broke.apiKey, "/send", bytes),
        ]);
        const context = `${describeBody(body)}\n/preview → ${preview.raw.slice(0, 800)}\n/send → ${send.raw.slice(0, 800)}`;
        try {
          expect(preview.status).toBeLessThan(500);
          expect(send.status).toBeLessThan(500);
          expect(send.status).toBeGreaterThanOrEqual(400);
          if (expected === null || !expected.success) {
            if (expected === null) tally.notJson += 1;
            else tally.refused += 1;
            checkRefusal(preview, expected);
            checkRefusal(send, expected);
            checkRefusal(await post(payer.apiKey, "/send", bytes), expected);
            return;
          }
          const previewError = checkAcceptable(preview, ["1103"]);
          const sendError = checkAcceptable(send, ["1103", "1202"]);
          if (previewError) {
            tally.beyondSchema += 1;
            expect(sendError?.error_code).toBe(previewError.error_code);
            return;
          }
          tally.priced += 1;
          const data = previewResponseSchema.parse(preview.body).data;
          expect(data.total_recipients).toBe(expected.data.to.length);
          expect(data.duplicates_removed).toBe(expected.data.duplicates_removed);
          expect(data.sending_type).toBe(expected.data.sending_type);
          if (!expected.data.transliterate)
            expect(data.encoding).toBe(countSegments(expected.data.message).encoding);
          // Every valid send costs at least one SMS, which the broke merchant cannot pay.
          expect(sendError?.error_code).toBe("1202");
        } catch (error) {
          throw new Error(`${context}\n${error instanceof Error ? error.message : String(error)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // A fuzz that only ever hits one branch proves little: each kind of outcome must be well represented.
    const spread = JSON.stringify(tally);
    expect(tally.priced, spread).toBeGreaterThan(RUNS / 5);
    expect(tally.refused, spread).toBeGreaterThan(RUNS / 4);
    expect(tally.beyondSchema, spread).toBeGreaterThan(RUNS / 400);
    expect(tally.notJson, spread).toBeGreaterThan(RUNS / 50);

    for (const [merchant, micros] of [
      [broke, BROKE_MICROS],
      [payer, PAYER_MICROS],
    ] as const) {
      expect(await rows("SELECT id FROM sends WHERE merchant_id = ?", merchant.merchantId)).toEqual([]);
      expect(
        await rows(
          "SELECT id FROM wallet_ledger WHERE merchant_id = ? AND reason != 'topup'",
          merchant.merchantId,
        ),
      ).toEqual([]);
      const [wallet] = await rows<{ balance_micros: number }>(
        "SELECT balance_micros FROM wallets WHERE merchant_id = ? AND type = 'LISOLOO_SMS'",
        merchant.merchantId,
      );
      expect(wallet?.balance_micros).toBe(micros);
    }
  });

  it(`${ACCEPTED_RUNS} valid bodies sent for real: the 201 matches the protocol and the row, and the debit (seed ${SEED})`, async () => {
    const merchant = await newMerchant({ rate_limits: LIMITS, wallets: { LISOLOO_SMS: 100_000 } });
    // Immediate, small and without a callback: each one really starts deliveries (and events) here.
    const validBody = sendBody.filter((body) => {
      const verdict = oracle(bytesOf(body));
      if (verdict?.success !== true) return false;
      const { sending_type, to, callback_url } = verdict.data;
      return sending_type === "immediate" && to.length <= 10 && callback_url === undefined;
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const bytes = bytesOf(body);
        const res = await post(merchant.apiKey, "/send", bytes);
        expect(res.status, `${describeBody(body)}\n→ ${res.raw.slice(0, 800)}`).toBe(201);
        const data = sendResponseSchema.parse(res.body).data;
        const [row] = await rows<{ total_recipients: number; total_cost_micros: number; message: string }>(
          "SELECT total_recipients, total_cost_micros, message FROM sends WHERE id = ?",
          data.message_id,
        );
        const request = (
          oracle(bytes) as { success: true; data: { to: string[]; message: string; transliterate: boolean } }
        ).data;
        expect(row?.total_recipients).toBe(request.to.length);
        expect(row?.total_cost_micros).toBe(Math.round(data.total_cost * 1e6));
        if (!request.transliterate) expect(row?.message).toBe(request.message);
        const debits = await rows<{ total: number }>(
          "SELECT -SUM(amount_micros) AS total FROM wallet_ledger WHERE send_id = ? AND reason = 'send_debit'",
          data.message_id,
        );
        expect(debits[0]?.total).toBe(row?.total_cost_micros);
        accepted += 1;
      }),
      { seed: SEED, numRuns: ACCEPTED_RUNS, endOnFailure: true },
    );
    expect(accepted).toBe(ACCEPTED_RUNS);
  });
});
