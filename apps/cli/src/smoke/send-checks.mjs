// A sandbox send followed to its end as an integration follows it (POST /send, then GET /status until
// nothing is pending, then the recipients), and GET /balance before and after it (CONTRACT §4, §5, §7,
// §10).
import { setTimeout as sleep } from "node:timers/promises";
import { formatMicros, toMicros } from "@lisoloo/protocol/pricing";
import {
  balanceResponseSchema,
  recipientsResponseSchema,
  sendResponseSchema,
  statusResponseSchema,
} from "@lisoloo/protocol/schemas";
import { firstIssue, shown } from "./http.mjs";
import { failed, passed } from "./report.mjs";

/** @typedef {import("./http.mjs").GatewayHttp} GatewayHttp */
/** @typedef {import("@lisoloo/protocol/schemas").SendData} SendData */
/** @typedef {import("@lisoloo/protocol/schemas").BalanceData} BalanceData */

export const SMOKE_MESSAGE = "Lisoloo smoke test";

/**
 * The recipients of the smoke send and how each must end (CONTRACT §10): the normal path, a carrier
 * outcome (billed) and a gateway failure (refunded, CONTRACT §5).
 */
export const smokeRecipients = /** @type {const} */ ([
  { phone: "+243998857000", status: "delivered", errorCode: null, refunded: false },
  { phone: "+999000000001", status: "undelivered", errorCode: "1504", refunded: false },
  { phone: "+999000000005", status: "failed", errorCode: "1501", refunded: true },
]);

/** One recipient's outcome as a report reads it. @param {{ phone: string; status: string; errorCode: string | null }} r */
const outcome = (r) => `${r.phone} ${r.status}${r.errorCode ? ` ${r.errorCode}` : ""}`;

/**
 * `POST /send` of the smoke message to the smoke recipients; the 201's `data`, or an Error saying
 * what answered instead.
 * @param {GatewayHttp} http
 * @param {string} key
 * @returns {Promise<SendData>}
 */
export async function postSmokeSend(http, key) {
  const answer = await http.api("/send", {
    method: "POST",
    key,
    body: { to: smokeRecipients.map((r) => r.phone), message: SMOKE_MESSAGE },
  });
  const parsed = sendResponseSchema.safeParse(answer.body);
  if (answer.status !== 201 || !parsed.success)
    throw new Error(
      `POST /send answered ${answer.status} ${shown(answer)}${parsed.success ? "" : ` (${firstIssue(parsed.error)})`}`,
    );
  return parsed.data.data;
}

/**
 * Polls `GET /status` until nothing is pending or `timeoutMs` passed: quickly at first (the sandbox
 * ends in about 2 s), then every 2 s, so a slow deployment does not use up the status rate limit.
 * @param {GatewayHttp} http
 * @param {string} key
 * @param {string} messageId
 * @param {{ timeoutMs: number; signal: AbortSignal }} wait
 */
async function statusWhenFinal(http, key, messageId, wait) {
  const deadline = Date.now() + wait.timeoutMs;
  let pause = 250;
  for (;;) {
    const answer = await http.api(`/status/${messageId}`, { key });
    if (answer.status === 429) {
      const retryAfter = Number(/** @type {any} */ (answer.body)?.retry_after ?? 1);
      pause = Math.max(pause, retryAfter * 1000);
    } else {
      const parsed = statusResponseSchema.safeParse(answer.body);
      if (answer.status !== 200 || !parsed.success)
        throw new Error(
          `GET /status/${messageId} answered ${answer.status} ${shown(answer)}${parsed.success ? "" : ` (${firstIssue(parsed.error)})`}`,
        );
      const status = parsed.data.data;
      if (status.pending === 0) return status;
      if (Date.now() + pause > deadline)
        throw new Error(
          `${messageId} still ${status.status} after ${wait.timeoutMs / 1000} s (delivered ${status.delivered}, failed ${status.failed}, pending ${status.pending})`,
        );
    }
    await sleep(pause, undefined, { signal: wait.signal });
    pause = Math.min(pause * 2, 2000);
  }
}

/**
 * The send check, once `POST /send` answered 201: final within the wait, and every recipient ended
 * as its magic number says.
 * @param {GatewayHttp} http
 * @param {string} key
 * @param {SendData} send
 * @param {{ timeoutMs: number; signal: AbortSignal }} wait
 * @param {number} sentAt when `POST /send` was made (ms), for the time the send took to end
 */
export async function followSend(http, key, send, wait, sentAt) {
  const accepted = `POST /send to ${smokeRecipients.length} numbers: 201 ${send.message_id}`;
  const final = await statusWhenFinal(http, key, send.message_id, wait);
  const seconds = ((Date.now() - sentAt) / 1000).toFixed(1);
  const expected = { status: "partially_delivered", delivered: 1, failed: 2 };
  if (final.status !== expected.status || final.delivered !== 1 || final.failed !== 2)
    return failed(
      `${accepted}; final ${final.status} (delivered ${final.delivered}, failed ${final.failed}), expected ${expected.status} (delivered 1, failed 2)`,
    );

  const answer = await http.api(`/status/${send.message_id}/recipients?limit=50`, { key });
  const parsed = recipientsResponseSchema.safeParse(answer.body);
  if (answer.status !== 200 || !parsed.success)
    return failed(
      `${accepted}; GET /status/${send.message_id}/recipients answered ${answer.status} ${shown(answer)}`,
    );
  const items = parsed.data.data.items;
  const seen = smokeRecipients.map((r) => {
    const item = items.find((i) => i.phone === r.phone);
    return { phone: r.phone, status: item?.status ?? "missing", errorCode: item?.error_code ?? null };
  });
  const wrong = seen.filter(
    (s, i) => s.status !== smokeRecipients[i]?.status || s.errorCode !== smokeRecipients[i]?.errorCode,
  );
  if (wrong.length > 0)
    return failed(
      `${accepted}; recipients ended ${seen.map(outcome).join(", ")}, expected ${smokeRecipients.map(outcome).join(", ")}`,
    );
  return passed(`${accepted}; final ${final.status} within ${seconds} s: ${seen.map(outcome).join(", ")}`);
}

/**
 * `GET /balance` with the documented identities (balance = both wallets, available_sms =
 * floor(balance / unit_price)); an Error saying what answered otherwise.
 * @param {GatewayHttp} http
 * @param {string} key
 * @returns {Promise<BalanceData>}
 */
export async function readBalance(http, key) {
  const answer = await http.api("/balance", { key });
  const parsed = balanceResponseSchema.safeParse(answer.body);
  if (answer.status !== 200 || !parsed.success)
    throw new Error(
      `GET /balance answered ${answer.status} ${shown(answer)}${parsed.success ? "" : ` (${firstIssue(parsed.error)})`}`,
    );
  const b = parsed.data.data;
  if (toMicros(b.balance) !== toMicros(b.sms_wallet_balance) + toMicros(b.postpaid_wallet_balance))
    throw new Error(
      `GET /balance: balance ${b.balance} is not sms ${b.sms_wallet_balance} + postpaid ${b.postpaid_wallet_balance}`,
    );
  if (b.available_sms !== Math.floor(toMicros(b.balance) / toMicros(b.unit_price)))
    throw new Error(
      `GET /balance: available_sms ${b.available_sms} is not floor(${b.balance} / ${b.unit_price})`,
    );
  return b;
}

/**
 * The billing rule (CONTRACT §5): the whole `total_cost` (total_messages × unit_price) is debited at
 * acceptance; a recipient failed by the gateway (1501) is refunded; carrier outcomes stay billed.
 * @param {BalanceData} before
 * @param {BalanceData} after
 * @param {SendData} send
 */
export function checkBilling(before, after, send) {
  const unit = toMicros(send.unit_price);
  const debit = toMicros(send.total_cost);
  if (debit !== send.total_messages * unit)
    return failed(
      `total_cost ${send.total_cost} is not total_messages ${send.total_messages} × unit_price ${send.unit_price}`,
    );
  const refunded = smokeRecipients.filter((r) => r.refunded).length;
  const refund = refunded * send.segments * send.dispatches * unit;
  const expected = toMicros(before.balance) - debit + refund;
  const moved = `GET /balance ${formatMicros(toMicros(before.balance))} → ${formatMicros(toMicros(after.balance))} ${after.currency}`;
  const rule = `debit ${formatMicros(debit)}, refund ${formatMicros(refund)} for the 1501`;
  if (toMicros(after.balance) !== expected)
    return failed(
      `${moved}, expected ${formatMicros(expected)} (${rule}; keep the key's merchant idle during the run)`,
    );
  return passed(`${moved}: ${rule}, carrier outcomes billed`);
}
